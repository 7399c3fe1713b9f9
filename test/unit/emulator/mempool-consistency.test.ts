import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { sampleDataset } from '../../../src/emulator/dataset';
import { deriveMempoolState, hashrateForDifficulty } from '../../../src/emulator/mempool-state';
import { SAMPLE_HEIGHT_BEFORE } from '../../../src/emulator/sample-data';
import { createEmulatorFetch } from '../../../src/emulator/server';

const BASE = 'http://emulator.test';
const dataset = sampleDataset({ endDate: '2025-11-22' });
const emulatorFetch = createEmulatorFetch({ dataset, baseUrl: BASE });
const getJson = async (path: string) => (await emulatorFetch(`${BASE}/mempool/api${path}`)).json();
const rows = dataset.coinMetricsRows;
const lastDays = (n: number, column: 'BlkCnt' | 'HashRate') =>
  rows.slice(-n).map((r) => Number(r.values[column]));
const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);

describe('mempool state derived from the Coin Metrics rows', () => {
  it('puts the tip at the cumulative block count', async () => {
    const tip = await (await emulatorFetch(`${BASE}/mempool/api/blocks/tip/height`)).text();
    expect(Number(tip)).toBe(SAMPLE_HEIGHT_BEFORE + sum(rows.map((r) => Number(r.values.BlkCnt))));
  });

  it('gives the week’s pools exactly the last 7 days of blocks', async () => {
    const body = z
      .object({
        pools: z.array(z.object({ blockCount: z.number(), slug: z.string() })),
        blockCount: z.number(),
      })
      .parse(await getJson('/v1/mining/pools/1w'));
    expect(body.blockCount).toBe(sum(lastDays(7, 'BlkCnt')));
    expect(sum(body.pools.map((p) => p.blockCount))).toBe(body.blockCount);
    const top = body.pools[0]?.blockCount ?? 0;
    expect(top / body.blockCount).toBeGreaterThan(0.25);
    expect(top / body.blockCount).toBeLessThan(0.35);
    expect(body.pools.filter((p) => p.slug === 'unknown')).toHaveLength(1);
    expect(body.pools.length).toBeGreaterThanOrEqual(15);
  });

  it('scales pool counts with the interval', async () => {
    const month = z.object({ blockCount: z.number() }).parse(await getJson('/v1/mining/pools/1m'));
    expect(month.blockCount).toBe(sum(lastDays(30, 'BlkCnt')));
  });

  it('re-targets every 2016 blocks with a difficulty that implies the recent hashrate', async () => {
    const body = z
      .object({
        difficulty: z.array(z.object({ height: z.number(), difficulty: z.number(), adjustment: z.number() })),
      })
      .parse(await getJson('/v1/mining/hashrate/all'));
    const heights = body.difficulty.map((d) => d.height);
    expect(heights.every((h) => h % 2016 === 0)).toBe(true);
    expect(heights.slice(1).every((h, i) => h - (heights[i] ?? 0) === 2016)).toBe(true);
    const last = body.difficulty.at(-1);
    const implied = hashrateForDifficulty(last?.difficulty ?? 0) / 1e12;
    const week = sum(lastDays(7, 'HashRate')) / 7;
    expect(Math.abs(implied / week - 1)).toBeLessThan(0.15);
    const previous = body.difficulty.at(-2)?.difficulty ?? 1;
    expect(last?.adjustment).toBeCloseTo((last?.difficulty ?? 0) / previous, 5);
  });

  it('cuts hashrate history to the interval', async () => {
    const body = z
      .object({ hashrates: z.array(z.object({ timestamp: z.number() })), difficulty: z.array(z.unknown()) })
      .parse(await getJson('/v1/mining/hashrate/1m'));
    expect(body.hashrates.length).toBeGreaterThanOrEqual(30);
    expect(body.hashrates.length).toBeLessThanOrEqual(31);
    expect(body.difficulty.length).toBeGreaterThanOrEqual(2);
    expect(body.difficulty.length).toBeLessThanOrEqual(3);
  });

  it('sums rewards of the last N blocks from issuance plus fees', async () => {
    const body = z
      .object({ startBlock: z.number(), endBlock: z.number(), totalReward: z.string(), totalFee: z.string() })
      .parse(await getJson('/v1/mining/reward-stats/100'));
    expect(body.endBlock - body.startBlock + 1).toBe(100);
    const last = rows.at(-1)?.values;
    const perBlock = (Number(last?.IssTotNtv) + Number(last?.FeeTotNtv)) / Number(last?.BlkCnt);
    expect(Number(body.totalReward) / 1e8).toBeCloseTo(perBlock * 100, 0);
  });

  it('tracks the epoch in the difficulty adjustment', async () => {
    const tip = Number(await (await emulatorFetch(`${BASE}/mempool/api/blocks/tip/height`)).text());
    const body = z
      .object({ remainingBlocks: z.number(), nextRetargetHeight: z.number(), progressPercent: z.number() })
      .parse(await getJson('/v1/difficulty-adjustment'));
    expect(body.nextRetargetHeight % 2016).toBe(0);
    expect(body.nextRetargetHeight - body.remainingBlocks).toBe(tip);
    expect(body.progressPercent).toBeCloseTo(((tip % 2016) / 2016) * 100, 9);
  });

  it('starts heights at zero when rows begin at genesis', () => {
    const state = deriveMempoolState([
      { time: '2009-01-03', values: { BlkCnt: '0' } },
      { time: '2009-01-09', values: { BlkCnt: '14', HashRate: '0.000007' } },
    ]);
    expect(state?.tipHeight).toBe(14);
    expect(state?.days[1]?.firstHeight).toBe(1);
  });
});

describe('mempool historical price route', () => {
  const historical = (query: string) => getJson(`/v1/historical-price?${query}`);
  const unix = (day: string) => Date.parse(`${day}T00:00:00Z`) / 1000;
  const priceOn = (day: string) => Number(rows.find((r) => r.time === day)?.values.PriceUSD);

  it("answers the latest price strictly before the timestamp: a day's close is its PriceUSD, stamped 23:00", async () => {
    const body = z
      .strictObject({
        prices: z.array(z.strictObject({ time: z.number(), USD: z.number() })),
        exchangeRates: z.record(z.string(), z.number()),
      })
      .parse(await historical(`currency=USD&timestamp=${unix('2025-11-21') + 3600}`));
    expect(body.prices).toEqual([{ time: unix('2025-11-20') + 23 * 3600, USD: priceOn('2025-11-20') }]);
    expect(body.exchangeRates.USDEUR).toBeGreaterThan(0);
  });

  it("answers mempool's placeholder (USD 0) before its history, and null for an unknown currency", async () => {
    expect(await historical(`currency=USD&timestamp=${unix('2015-01-01')}`)).toMatchObject({
      prices: [{ time: 1279497600, USD: 0 }],
    });
    expect(await historical(`currency=XXX&timestamp=${unix('2025-01-01')}`)).toBeNull();
  });

  it('lists the whole history, newest first, without a timestamp', async () => {
    const body = z
      .object({ prices: z.array(z.object({ time: z.number(), USD: z.number() })) })
      .parse(await historical('currency=USD'));
    expect(body.prices).toHaveLength(rows.length);
    expect(body.prices[0]?.USD).toBe(priceOn('2025-11-22'));
  });
});

describe('mempool fee routes', () => {
  it('recommends ordered whole-number fees', async () => {
    const fees = z
      .strictObject({
        fastestFee: z.number().int(),
        halfHourFee: z.number().int(),
        hourFee: z.number().int(),
        economyFee: z.number().int(),
        minimumFee: z.number().int(),
      })
      .parse(await getJson('/v1/fees/recommended'));
    expect(fees.fastestFee).toBeGreaterThanOrEqual(fees.halfHourFee);
    expect(fees.halfHourFee).toBeGreaterThanOrEqual(fees.hourFee);
    expect(fees.hourFee).toBeGreaterThanOrEqual(fees.economyFee);
    expect(fees.economyFee).toBeGreaterThanOrEqual(fees.minimumFee);
    expect(fees.minimumFee).toBe(1);
  });

  it('lists a week of daily block fees with the day’s price', async () => {
    const entries = z
      .array(
        z.strictObject({
          avgHeight: z.number(),
          timestamp: z.number(),
          avgFees: z.number(),
          USD: z.number(),
        }),
      )
      .parse(await getJson('/v1/mining/blocks/fees/1w'));
    expect(entries).toHaveLength(7);
    expect(entries.at(-1)?.USD).toBe(Math.round(Number(rows.at(-1)?.values.PriceUSD)));
  });

  it('answers 404 for routes it does not serve', async () => {
    const response = await emulatorFetch(`${BASE}/mempool/api/v1/mining/pools/1w/extra`);
    expect(response.status).toBe(404);
  });
});
