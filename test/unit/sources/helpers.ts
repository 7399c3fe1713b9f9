/**
 * Test doubles for the sources: a virtual clock whose sleeps advance time only when everything else is
 * idle, a routing stub fetch, and builders for synthetic Coin Metrics pages and mempool fixtures.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { COIN_METRICS_COLUMNS, type CoinMetricsColumn } from '../../../src/contracts/report-inputs';
import { type Clock, type Fetch, type Sleep, silentReporter } from '../../../src/ports';
import {
  createHttpClient,
  type HttpClient,
  type HttpPorts,
  type HttpSettings,
} from '../../../src/sources/http';

const here = path.dirname(fileURLToPath(import.meta.url));
export const FIXTURES = path.resolve(here, '../../fixtures/sources');

/** A fixture body, as text. */
export function fixture(name: string): string {
  return readFileSync(path.join(FIXTURES, name), 'utf8');
}

interface Timer {
  at: number;
  seq: number;
  resolve: () => void;
}

/** Virtual time: `sleep` parks until `run` advances the clock to the earliest pending timer. */
export function createFakeTime(start = '2025-11-24T08:00:00.000Z') {
  let now = Date.parse(start);
  let seq = 0;
  const timers: Timer[] = [];
  /** Sleeps without a signal: backoff and rate-window waits (per-attempt timeouts pass a signal). */
  const waits: number[] = [];
  const clock: Clock = () => new Date(now);
  const sleep: Sleep = (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      if (!signal) waits.push(ms);
      const timer: Timer = { at: now + Math.max(0, ms), seq: seq++, resolve };
      timers.push(timer);
      signal?.addEventListener(
        'abort',
        () => {
          const i = timers.indexOf(timer);
          if (i >= 0) timers.splice(i, 1);
          reject(signal.reason);
        },
        { once: true },
      );
    });

  /** Drives `promise` to completion, advancing virtual time whenever nothing else can progress. */
  async function run<T>(promise: Promise<T>): Promise<T> {
    let done = false;
    promise.then(
      () => {
        done = true;
      },
      () => {
        done = true;
      },
    );
    let idle = 0;
    while (!done) {
      await new Promise((r) => setImmediate(r));
      if (done) break;
      timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = timers.shift();
      if (!next) {
        if (++idle > 100) throw new Error('fake time: deadlock (nothing pending, promise not settled)');
        continue;
      }
      idle = 0;
      now = Math.max(now, next.at);
      next.resolve();
    }
    return promise;
  }

  return {
    clock,
    sleep,
    run,
    waits,
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

/** The virtual time `createFakeTime` hands back. */
export type FakeTime = ReturnType<typeof createFakeTime>;

/**
 * An HTTP client on virtual time: its clock and sleep, a mid-range jitter draw (0.5) and a silent
 * reporter. `ports` replaces any of them and may add settings, a recorder or a reporter.
 */
export function clientOnFakeTime(
  time: FakeTime,
  fetch: Fetch,
  ports: Partial<HttpPorts> & { settings?: Partial<HttpSettings> } = {},
): HttpClient {
  return createHttpClient({
    fetch,
    clock: time.clock,
    sleep: time.sleep,
    random: () => 0.5,
    reporter: silentReporter,
    ...ports,
  });
}

export type Handler = (url: URL, init: Parameters<Fetch>[1]) => Response | Promise<Response>;

/** A fetch that routes by path suffix to handlers and logs every call. */
export function stubFetch(routes: Record<string, Handler>) {
  const calls: { url: string; headers: Record<string, string> }[] = [];
  const fetch: Fetch = async (url, init) => {
    calls.push({ url, headers: init?.headers ?? {} });
    const parsed = new URL(url);
    const match = Object.keys(routes)
      .filter((suffix) => parsed.pathname.endsWith(suffix))
      .sort((a, b) => b.length - a.length)[0];
    if (match === undefined) return new Response('not found', { status: 404 });
    const handler = routes[match];
    if (!handler) return new Response('not found', { status: 404 });
    return handler(parsed, init);
  };
  return { fetch, calls };
}

/** A JSON response. */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

/** A fetch handler that hangs until its request is aborted. */
export const hang: Handler = (_url, init) =>
  new Promise<Response>((_resolve, reject) => {
    init?.signal?.addEventListener('abort', () => reject(init.signal?.reason), { once: true });
  });

/** Synthetic Coin Metrics rows: `days` consecutive days from `start`, plausible values as strings. */
export function cmRows(start: string, days: number): Record<string, string | null>[] {
  const rows: Record<string, string | null>[] = [];
  const t0 = Date.parse(`${start}T00:00:00Z`);
  for (let i = 0; i < days; i++) {
    const day = new Date(t0 + i * 86_400_000).toISOString().slice(0, 10);
    const values: Record<CoinMetricsColumn, string> = {
      AdrActCnt: String(800_000 + i),
      BlkCnt: String(144 + (i % 5)),
      // Price × supply, as Coin Metrics computes it (the integrity rule checks they agree).
      CapMrktCurUSD: ((85_000 + i) * (19_900_000 + i * 450 + 0.5)).toFixed(2),
      FeeTotNtv: `${(10 + i * 0.1).toFixed(8)}`,
      HashRate: `${(700_000_000 + i * 1_000).toFixed(6)}`,
      IssTotNtv: '450',
      IssTotUSD: `${(450 * (85_000 + i)).toFixed(4)}`,
      PriceUSD: `${85_000 + i}.123456789012345`,
      SplyCur: `${19_900_000 + i * 450}.5`,
      TxCnt: String(400_000 + i),
    };
    rows.push({ asset: 'btc', time: `${day}T00:00:00.000000000Z`, ...values });
  }
  return rows;
}

/** Column order as requested, for assertions. */
export const COLUMNS = COIN_METRICS_COLUMNS;

/** Routes for every mempool endpoint from the fixtures. */
export function mempoolRoutes(): Record<string, Handler> {
  const text = (name: string) => () =>
    new Response(fixture(name), { headers: { 'content-type': 'application/json' } });
  return {
    '/v1/mining/pools/1w': text('pools-1w.json'),
    '/v1/difficulty-adjustment': text('difficulty-adjustment.json'),
    '/v1/mining/hashrate/1y': text('hashrate-1y.json'),
    '/v1/mining/reward-stats/1008': text('reward-stats-1008.json'),
    '/v1/prices': text('prices.json'),
    '/v1/historical-price': text('historical-price.json'),
    '/blocks/tip/height': () => new Response('925000', { headers: { 'content-type': 'text/plain' } }),
  };
}

/** A Coin Metrics route serving `rows` in pages of `pageSize`, with next_page_url on the public host. */
export function coinMetricsRoute(rows: Record<string, string | null>[], pageSize = rows.length): Handler {
  return (url) => {
    const token = url.searchParams.get('next_page_token');
    const offset = token ? Number(token.replace('tok', '')) : 0;
    const page = rows.slice(offset, offset + pageSize);
    const next = offset + pageSize < rows.length ? `tok${offset + pageSize}` : undefined;
    const body: Record<string, unknown> = { data: page };
    if (next) {
      const nextUrl = new URL('https://community-api.coinmetrics.io/v4/timeseries/asset-metrics');
      for (const [k, v] of url.searchParams) if (k !== 'next_page_token') nextUrl.searchParams.set(k, v);
      nextUrl.searchParams.set('next_page_token', next);
      body.next_page_token = next;
      body.next_page_url = nextUrl.toString();
    }
    return json(body);
  };
}
