import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { sampleDataset } from '../../../src/emulator/dataset';
import { type RunningEmulator, startEmulator } from '../../../src/emulator/server';

// Schemas written from shared/data/API-SHAPES.md, as strict as the document allows.
const poolsSchema = z.strictObject({
  pools: z
    .array(
      z.strictObject({
        poolId: z.number().int(),
        name: z.string(),
        link: z.string(),
        blockCount: z.number().int().nonnegative(),
        rank: z.number().int().positive(),
        emptyBlocks: z.number().int().nonnegative(),
        slug: z.string().regex(/^[a-z0-9]+$/),
        avgMatchRate: z.number().nullable(),
        avgFeeDelta: z.string().nullable(),
        poolUniqueId: z.number().int().nonnegative(),
      }),
    )
    .min(1),
  blockCount: z.number().int(),
  lastEstimatedHashrate: z.number().positive(),
  lastEstimatedHashrate3d: z.number().positive(),
  lastEstimatedHashrate1w: z.number().positive(),
});
const difficultyAdjustmentSchema = z.strictObject({
  progressPercent: z.number().min(0).max(100),
  difficultyChange: z.number().min(-75).max(300),
  estimatedRetargetDate: z.number().int(),
  remainingBlocks: z.number().int().positive(),
  remainingTime: z.number().int(),
  previousRetarget: z.number(),
  previousTime: z.number().int(),
  nextRetargetHeight: z.number().int(),
  timeAvg: z.number().int().positive(),
  adjustedTimeAvg: z.number().int().positive(),
  timeOffset: z.number(),
  expectedBlocks: z.number(),
});
const hashrateSchema = z.strictObject({
  hashrates: z.array(z.strictObject({ timestamp: z.number().int(), avgHashrate: z.number() })),
  difficulty: z.array(
    z.strictObject({
      time: z.number().int(),
      height: z.number().int(),
      difficulty: z.number(),
      adjustment: z.number(),
    }),
  ),
  currentHashrate: z.number(),
  currentDifficulty: z.number(),
});
const rewardStatsSchema = z.strictObject({
  startBlock: z.number().int(),
  endBlock: z.number().int(),
  totalReward: z.string().regex(/^\d+$/),
  totalFee: z.string().regex(/^\d+$/),
  totalTx: z.string().regex(/^\d+$/),
});
const pricesSchema = z.object({
  time: z.number().int(),
  USD: z.number().positive(),
  EUR: z.number().positive(),
});
const assetMetricsSchema = z.strictObject({
  data: z.array(
    z
      .object({ asset: z.literal('btc'), time: z.string().regex(/^\d{4}-\d{2}-\d{2}T00:00:00\.000000000Z$/) })
      .catchall(
        z
          .string()
          .regex(/^-?\d+(\.\d+)?$/)
          .nullable(),
      ),
  ),
  next_page_token: z.string().optional(),
  next_page_url: z.string().url().optional(),
});

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({ dataset: sampleDataset({ endDate: '2025-11-22' }) });
});
afterAll(async () => {
  await emulator.close();
});

const json = async (url: string) => {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  return response.json();
};

describe('emulator served over HTTP', () => {
  it('binds 127.0.0.1 and mounts both upstreams under their base URLs', () => {
    expect(emulator.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(emulator.coinMetricsUrl).toBe(`${emulator.baseUrl}/coinmetrics/v4`);
    expect(emulator.mempoolUrl).toBe(`${emulator.baseUrl}/mempool/api`);
  });

  it('serves asset-metrics pages whose next_page_url points back at the emulator', async () => {
    const page = assetMetricsSchema.parse(
      await json(
        `${emulator.coinMetricsUrl}/timeseries/asset-metrics?assets=btc&metrics=PriceUSD,HashRate,BlkCnt`,
      ),
    );
    expect(page.data).toHaveLength(100);
    expect(page.next_page_url?.startsWith(`${emulator.coinMetricsUrl}/timeseries/asset-metrics?`)).toBe(true);
    const next = assetMetricsSchema.parse(await json(page.next_page_url ?? ''));
    expect((next.data.at(-1)?.time ?? '') < (page.data[0]?.time ?? '')).toBe(true);
  });

  it('serves the mempool routes with mempool’s shapes', async () => {
    const pools = poolsSchema.parse(await json(`${emulator.mempoolUrl}/v1/mining/pools/1w`));
    expect(pools.pools.map((p) => p.rank)).toEqual(pools.pools.map((_, i) => i + 1));
    expect(pools.pools.find((p) => p.slug === 'unknown')?.poolUniqueId).toBe(0);
    difficultyAdjustmentSchema.parse(await json(`${emulator.mempoolUrl}/v1/difficulty-adjustment`));
    const history = hashrateSchema.parse(await json(`${emulator.mempoolUrl}/v1/mining/hashrate/3m`));
    expect(history.hashrates.every((h) => h.avgHashrate > 1e20)).toBe(true);
    rewardStatsSchema.parse(await json(`${emulator.mempoolUrl}/v1/mining/reward-stats/144`));
    pricesSchema.parse(await json(`${emulator.mempoolUrl}/v1/prices`));
  });

  it('serves the tip height as plain text', async () => {
    const response = await fetch(`${emulator.mempoolUrl}/blocks/tip/height`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await response.text()).toMatch(/^\d{6}$/);
  });

  it('answers 404 JSON for unknown routes', async () => {
    for (const path of ['/mempool/api/v1/nope', '/elsewhere', '/coinmetrics/v4/catalog/assets']) {
      const response = await fetch(`${emulator.baseUrl}${path}`);
      expect(response.status).toBe(404);
      expect(await response.json()).toBeTypeOf('object');
    }
  });

  it('logs every request with its status', async () => {
    await fetch(`${emulator.mempoolUrl}/v1/prices?probe=log`);
    expect(emulator.requests().at(-1)).toEqual({
      method: 'GET',
      path: '/mempool/api/v1/prices?probe=log',
      status: 200,
    });
  });
});
