import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type Dataset, sampleDataset } from '../../../src/emulator/dataset';
import { createEmulatorFetch, type RunningEmulator, startEmulator } from '../../../src/emulator/server';

const dataset: Dataset = sampleDataset({ endDate: '2025-11-22' });
let emulator: RunningEmulator;
let prices: string;
let assetMetrics: string;
let pools: string;

beforeAll(async () => {
  emulator = await startEmulator({ dataset });
  prices = `${emulator.mempoolUrl}/v1/prices`;
  pools = `${emulator.mempoolUrl}/v1/mining/pools/1w`;
  assetMetrics = `${emulator.coinMetricsUrl}/timeseries/asset-metrics?assets=btc&metrics=PriceUSD,HashRate&page_size=5`;
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => {
  emulator.setFaults([]);
});

/** Resolves once the emulator has logged `count` requests (the request reached the server). */
async function untilRequests(count: number): Promise<void> {
  while (emulator.requests().length < count) await new Promise((resolve) => setTimeout(resolve, 5));
}

const causeCode = (error: unknown): unknown =>
  error instanceof Error && error.cause instanceof Error && 'code' in error.cause
    ? error.cause.code
    : undefined;

describe('faults observed by a real HTTP client', () => {
  it('latency: holds the answer back, then answers normally', async () => {
    emulator.setFaults([
      { upstream: 'mempool', route: '/v1/prices', kind: 'latency', ms: 120_000, times: 1 },
    ]);
    const controller = new AbortController();
    const before = emulator.requests().length;
    const pending = fetch(prices, { signal: controller.signal });
    await untilRequests(before + 1);
    controller.abort();
    await expect(pending).rejects.toThrow(/abort/i);

    emulator.setFaults([{ upstream: 'mempool', route: '/v1/prices', kind: 'latency', ms: 20 }]);
    const response = await fetch(prices);
    expect(response.status).toBe(200);
    expect(await response.json()).toHaveProperty('USD');
  });

  it('timeout: accepts the request and never answers until the client gives up', async () => {
    emulator.setFaults([{ upstream: '*', route: '*', kind: 'timeout' }]);
    const controller = new AbortController();
    let settled = false;
    const before = emulator.requests().length;
    const pending = fetch(pools, { signal: controller.signal }).finally(() => {
      settled = true;
    });
    await untilRequests(before + 1);
    expect(settled).toBe(false);
    expect(emulator.requests().at(-1)?.status).toBe(0);
    controller.abort();
    await expect(pending).rejects.toThrow(/abort/i);
  });

  it('status: answers the status with a JSON body in each upstream’s error shape', async () => {
    emulator.setFaults([{ upstream: '*', route: '*', kind: 'status', status: 502 }]);
    const cm = await fetch(assetMetrics);
    expect(cm.status).toBe(502);
    z.object({ error: z.object({ type: z.string(), message: z.string() }) }).parse(await cm.json());
    const mp = await fetch(prices);
    expect(mp.status).toBe(502);
    expect(await mp.json()).toHaveProperty('error');
  });

  it('rate-limit: answers 429 with Retry-After in seconds', async () => {
    emulator.setFaults([{ upstream: 'coinmetrics', route: '*', kind: 'rate-limit', retryAfterSeconds: 7 }]);
    const response = await fetch(assetMetrics);
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('7');
    expect((await fetch(prices)).status).toBe(200);
  });

  it('malformed-json: answers 200 with a body that is not JSON', async () => {
    emulator.setFaults([{ upstream: 'mempool', route: '/v1/mining', kind: 'malformed-json' }]);
    const response = await fetch(pools);
    expect(response.status).toBe(200);
    await expect(response.json()).rejects.toThrow(SyntaxError);
  });

  it('truncated: promises more bytes than it sends and cuts the connection', async () => {
    emulator.setFaults([{ upstream: 'mempool', route: '*', kind: 'truncated' }]);
    const response = await fetch(pools);
    expect(response.status).toBe(200);
    expect(Number(response.headers.get('content-length'))).toBeGreaterThan(100);
    await expect(response.text()).rejects.toThrow();
  });

  it('drift: renames PriceUSD and sends numbers on Coin Metrics; snake_case and strings on mempool', async () => {
    emulator.setFaults([{ upstream: '*', route: '*', kind: 'drift' }]);
    const cm = z
      .object({ data: z.array(z.object({ price_usd: z.number(), HashRate: z.number() })) })
      .parse(await (await fetch(assetMetrics)).json());
    expect(cm.data[0]).not.toHaveProperty('PriceUSD');
    expect(typeof cm.data[0]?.price_usd).toBe('number');
    const mp = z
      .object({ block_count: z.string(), pools: z.array(z.object({ block_count: z.string() })) })
      .parse(await (await fetch(pools)).json());
    expect(Number(mp.block_count)).toBeGreaterThan(900);
  });

  it('absurd: negative hashrate and a 1000× price jump', async () => {
    emulator.setFaults([{ upstream: '*', route: '*', kind: 'absurd' }]);
    const cm = z
      .object({ data: z.array(z.object({ PriceUSD: z.string(), HashRate: z.string() })) })
      .parse(await (await fetch(assetMetrics)).json());
    expect(cm.data.every((row) => Number(row.HashRate) < 0)).toBe(true);
    const last = Number(cm.data.at(-1)?.PriceUSD);
    const before = Number(cm.data.at(-2)?.PriceUSD);
    expect(last / before).toBeGreaterThan(500);
    const mp = z.object({ lastEstimatedHashrate1w: z.number() }).parse(await (await fetch(pools)).json());
    expect(mp.lastEstimatedHashrate1w).toBeLessThan(0);
    const price = z.object({ USD: z.number() }).parse(await (await fetch(prices)).json());
    expect(price.USD).toBeGreaterThan(10_000_000);
  });

  it("glitch: multiplies the targeted columns of Coin Metrics' last day only, and mempool's USD prices", async () => {
    const clean = z
      .object({ data: z.array(z.object({ PriceUSD: z.string(), HashRate: z.string() })) })
      .parse(await (await fetch(assetMetrics)).json());
    const cleanPrice = z.object({ USD: z.number() }).parse(await (await fetch(prices)).json());
    emulator.setFaults([
      { upstream: 'coinmetrics', route: '*', kind: 'glitch', targets: ['PriceUSD'], factor: 5 },
      { upstream: 'mempool', route: '*', kind: 'glitch', targets: ['price'], factor: 0.2 },
    ]);

    const cm = z
      .object({ data: z.array(z.object({ PriceUSD: z.string(), HashRate: z.string() })) })
      .parse(await (await fetch(assetMetrics)).json());
    const price = z.object({ USD: z.number() }).parse(await (await fetch(prices)).json());

    expect(Number(cm.data.at(-1)?.PriceUSD)).toBeCloseTo(Number(clean.data.at(-1)?.PriceUSD) * 5, 4);
    expect(cm.data.slice(0, -1)).toEqual(clean.data.slice(0, -1));
    expect(cm.data.at(-1)?.HashRate).toBe(clean.data.at(-1)?.HashRate);
    expect(price.USD).toBeCloseTo(cleanPrice.USD * 0.2, 6);
  });

  it('reset: destroys the connection without an answer', async () => {
    emulator.setFaults([{ upstream: 'mempool', route: '*', kind: 'reset' }]);
    const error = await fetch(prices).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TypeError);
    expect(['UND_ERR_SOCKET', 'ECONNRESET']).toContain(causeCode(error));
    expect(emulator.requests().at(-1)?.status).toBe(0);
  });

  it('times: fails the first N matching requests, then succeeds (retry-then-succeed)', async () => {
    emulator.setFaults([{ upstream: 'mempool', route: '/v1/prices', kind: 'status', status: 503, times: 2 }]);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(prices)).status);
    expect(statuses).toEqual([503, 503, 200]);
    expect((await fetch(pools)).status).toBe(200);
  });

  it('faults given at start apply from the first request', async () => {
    const other = await startEmulator({
      dataset,
      faults: [{ upstream: 'coinmetrics', route: '/timeseries', kind: 'status', status: 500, times: 1 }],
    });
    try {
      const url = `${other.coinMetricsUrl}/timeseries/asset-metrics?assets=btc&metrics=BlkCnt`;
      expect((await fetch(url)).status).toBe(500);
      expect((await fetch(url)).status).toBe(200);
    } finally {
      await other.close();
    }
  });
});

describe('faults through the in-process fetch', () => {
  const base = 'http://emulator.test';
  const url = `${base}/mempool/api/v1/prices`;

  it('reset rejects like a network error', async () => {
    const f = createEmulatorFetch({
      dataset,
      baseUrl: base,
      faults: [{ upstream: '*', route: '*', kind: 'reset' }],
    });
    const error = await f(url).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TypeError);
    expect(causeCode(error)).toBe('ECONNRESET');
  });

  it('timeout never settles until the signal aborts', async () => {
    const f = createEmulatorFetch({ dataset, faults: [{ upstream: '*', route: '*', kind: 'timeout' }] });
    const controller = new AbortController();
    let settled = false;
    const pending = f(url, { signal: controller.signal }).finally(() => {
      settled = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(settled).toBe(false);
    controller.abort(new Error('gave up'));
    await expect(pending).rejects.toThrow('gave up');
  });

  it('truncated fails while reading the body', async () => {
    const f = createEmulatorFetch({ dataset, faults: [{ upstream: '*', route: '*', kind: 'truncated' }] });
    const response = await f(url);
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow('terminated');
  });

  it('status and times behave as over HTTP', async () => {
    const f = createEmulatorFetch({
      dataset,
      faults: [{ upstream: 'mempool', route: '*', kind: 'rate-limit', retryAfterSeconds: 3, times: 1 }],
    });
    const first = await f(url);
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('3');
    expect((await f(url)).status).toBe(200);
  });
});
