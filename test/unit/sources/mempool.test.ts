import { describe, expect, it } from 'vitest';
import { ShapeError } from '../../../src/sources/errors';
import { hashrateEndpoint, MEMPOOL_ENDPOINTS, recordingNameForPath } from '../../../src/sources/mempool';
import {
  parseDifficultyAdjustment,
  parseHashrateHistory,
  parsePools,
  parsePrices,
  parseRewardStats,
  parseTipHeight,
} from '../../../src/sources/mempool-parse';
import { fixture } from './helpers';

const load = (name: string): Record<string, unknown> => JSON.parse(fixture(name));

describe('mempool parsers', () => {
  it('normalises pools, keeping the Unknown entry and the 1w hashrate in H/s', () => {
    const { value, warnings } = parsePools(load('pools-1w.json'));
    expect(value.pools.map((p) => p.slug)).toEqual(['alphapool', 'betamining', 'unknown']);
    expect(value.blockCount).toBe(1008);
    expect(value.lastEstimatedHashrate1w).toBe(7.2e20);
    expect(warnings).toEqual([]);
  });

  it('treats lastEstimatedHashrate 0 as unavailable (null) with a warning', () => {
    const body = { ...load('pools-1w.json'), lastEstimatedHashrate: 0, lastEstimatedHashrate1w: 0 };
    const { value, warnings } = parsePools(body);
    expect(value.lastEstimatedHashrate1w).toBeNull();
    expect(warnings[0]).toContain('lastEstimatedHashrate1w unavailable');
  });

  it('rejects a pool whose blockCount is not a number, naming the field', () => {
    const body = load('pools-1w.json');
    const pools = body.pools as Record<string, unknown>[];
    pools[1] = { ...pools[1], blockCount: '250' };
    expect(() => parsePools(body)).toThrow(/field `pools\.1\.blockCount`/);
  });

  it('converts estimatedRetargetDate from ms to an ISO instant', () => {
    const { value } = parseDifficultyAdjustment(load('difficulty-adjustment.json'));
    expect(value).toEqual({
      progressPercent: 41.5,
      difficultyChangePct: 2.25,
      estimatedRetargetDate: '2025-11-24T16:00:00.000Z',
      remainingBlocks: 1179,
      nextRetargetHeight: 925344,
      previousRetargetPct: -1.5,
      timeAvgMs: 600000,
    });
  });

  it('accepts a retarget date in seconds (as in the public docs) but says so', () => {
    const body = { ...load('difficulty-adjustment.json'), estimatedRetargetDate: 1764000000 };
    const { value, warnings } = parseDifficultyAdjustment(body);
    expect(value.estimatedRetargetDate).toBe('2025-11-24T16:00:00.000Z');
    expect(warnings[0]).toContain('seconds');
  });

  it('turns the hashrate history into daily entries and cuts it at the as-of day', () => {
    const { value } = parseHashrateHistory(load('hashrate-1y.json'), { asOf: '2025-11-21', past: true });
    expect(value.hashrates).toEqual([
      { date: '2025-11-20', hashrateHs: 7e20 },
      { date: '2025-11-21', hashrateHs: 7.1e20 },
    ]);
    expect(value.difficulty).toEqual([
      {
        date: '2025-11-06',
        height: 921312,
        difficulty: 1.5e14,
        adjustmentRatio: 1.02,
        time: '2025-11-06T00:00:00.000Z',
      },
      {
        date: '2025-11-21',
        height: 923328,
        difficulty: 1.52e14,
        adjustmentRatio: 1.013333,
        time: '2025-11-21T00:00:00.000Z',
      },
    ]);
    expect(value.currentHashrateHs).toBeNull();
    expect(value.currentDifficulty).toBeNull();
  });

  it('keeps current hashrate and difficulty for a current report', () => {
    const { value } = parseHashrateHistory(load('hashrate-1y.json'));
    expect(value.currentHashrateHs).toBe(7.12e20);
    expect(value.currentDifficulty).toBe(1.52e14);
    expect(value.hashrates).toHaveLength(4);
  });

  it('leaves out a history entry that jumps 100× with a warning naming the day', () => {
    const body = load('hashrate-1y.json');
    const hashrates = body.hashrates as { timestamp: number; avgHashrate: number }[];
    if (hashrates[2]) hashrates[2].avgHashrate = 7e23;
    const { value, warnings } = parseHashrateHistory(body);
    expect(value.hashrates.map((h) => h.date)).toEqual(['2025-11-20', '2025-11-21', '2025-11-23']);
    expect(warnings[0]).toContain('2025-11-22');
  });

  it('parses reward stats given as strings or as numbers, in satoshis', () => {
    const fromStrings = parseRewardStats(load('reward-stats-1008.json')).value;
    const fromNumbers = parseRewardStats({
      startBlock: 924000,
      endBlock: 925007,
      totalReward: 3200000000000,
      totalFee: 50000000000,
      totalTx: 3900000,
    }).value;
    expect(fromStrings).toEqual(fromNumbers);
    expect(fromStrings.totalRewardSats).toBe(3_200_000_000_000);
    expect(() => parseRewardStats({ ...load('reward-stats-1008.json'), totalFee: '12.5' })).toThrow(
      /totalFee/,
    );
  });

  it('reads the tip height from text and rejects junk', () => {
    expect(parseTipHeight('925000\n').value).toBe(925000);
    expect(() => parseTipHeight('<html>')).toThrow(ShapeError);
    expect(() => parseTipHeight('-1')).toThrow(ShapeError);
  });

  it('reads the USD price and its time', () => {
    expect(parsePrices(load('prices.json')).value).toEqual({
      time: '2025-11-24T00:00:00.000Z',
      usd: 87654.5,
    });
    expect(() => parsePrices({ time: 1763942400, USD: -3 })).toThrow(/field `USD`/);
  });
});

describe('mempool endpoints', () => {
  it('derive recording names from the path', () => {
    expect(recordingNameForPath('/v1/mining/pools/1w')).toBe('pools-1w');
    expect(recordingNameForPath('/blocks/tip/height')).toBe('blocks-tip-height');
    expect(MEMPOOL_ENDPOINTS.rewardStats.path).toBe('/v1/mining/reward-stats/1008');
  });

  it('widen the hashrate interval so a past report still has a year of history', () => {
    expect(hashrateEndpoint(undefined, '2025-11-24').path).toBe('/v1/mining/hashrate/1y');
    expect(hashrateEndpoint('2024-06-01', '2025-11-24').path).toBe('/v1/mining/hashrate/3y');
    expect(hashrateEndpoint('2012-01-01', '2025-11-24').path).toBe('/v1/mining/hashrate/all');
  });
});

describe('mempool plausibility', () => {
  it('rejects reward stats whose average block reward is beyond 100 BTC', () => {
    const body = { ...JSON.parse(fixture('reward-stats-1008.json')), totalReward: '3200000000000000' };
    expect(() => parseRewardStats(body)).toThrow(/`totalReward`: .* implausible/);
  });
});
