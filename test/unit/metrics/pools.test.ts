import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computePools, herfindahlIndex, nakamotoCoefficient } from '../../../src/metrics/pools';
import { poolsWeek } from '../../fixtures/metrics/builders';

/** computePools over a week of { pool: blocks } (in this order), without a previous week. */
const pools = (blocks: Record<string, number>) => computePools(poolsWeek(Object.entries(blocks)), null);

describe('computePools', () => {
  it('computes shares of all blocks, HHI and Nakamoto coefficient with Unknown in the total only', () => {
    // Arrange: 800 blocks, 20 of them from unidentified miners.
    const week = poolsWeek([
      ['Foundry USA', 300],
      ['AntPool', 180],
      ['Unknown', 20],
      ['ViaBTC', 120],
      ['F2Pool', 100],
      ['MARA Pool', 80],
    ]);
    // Act
    const { metrics, warnings } = computePools(week, null);
    // Assert: shares 37.5, 22.5, 15, 12.5, 10 → HHI = 1406.25 + 506.25 + 225 + 156.25 + 100
    expect(metrics.hhi).toBeCloseTo(2393.75, 10);
    expect(metrics.nakamotoCoefficient).toBe(2); // 37.5 + 22.5 = 60 > 50
    expect(metrics.topPoolSharePct).toBe(37.5);
    expect(metrics.top3SharePct).toBe(75);
    expect(metrics.unknownSharePct).toBe(2.5);
    expect(metrics.blockCount).toBe(800);
    expect(metrics.top.map((p) => p.slug)).toEqual(['foundryusa', 'antpool', 'viabtc', 'f2pool', 'marapool']);
    expect(metrics.top.some((p) => p.slug === 'unknown')).toBe(false);
    expect(warnings).toEqual([]);
  });

  it('needs more than 50%: a pool at exactly half does not make the coefficient 1', () => {
    const { metrics } = pools({ A: 500, B: 300, C: 200 });
    expect(metrics.topPoolSharePct).toBe(50);
    expect(metrics.nakamotoCoefficient).toBe(2);
  });

  it('counts exactly half as not enough even when the float shares sum past 50 (339 + 165 of 1008)', () => {
    // 339/1008·100 + 165/1008·100 = 50.00000000000001 in floating point; the blocks are exactly half.
    const { metrics } = pools({ A: 339, B: 165, C: 126, D: 126, E: 126, F: 126 });
    expect(metrics.nakamotoCoefficient).toBe(3);
  });

  it('gives HHI 10000 and coefficient 1 for a single pool', () => {
    const { metrics } = pools({ Solo: 1008 });
    expect(metrics.hhi).toBe(10000);
    expect(metrics.nakamotoCoefficient).toBe(1);
    expect(metrics.top3SharePct).toBe(100);
  });

  it('returns null concentration with a warning when every block is unidentified', () => {
    const { metrics, warnings } = pools({ Unknown: 1000 });
    expect(metrics.hhi).toBeNull();
    expect(metrics.nakamotoCoefficient).toBeNull();
    expect(metrics.topPoolSharePct).toBeNull();
    expect(metrics.unknownSharePct).toBe(100);
    expect(metrics.blockCount).toBe(1000);
    expect(warnings.join(' ')).toMatch(/no block last week came from an identified pool/);
  });

  it('returns null metrics and says so for a week with zero blocks', () => {
    const { metrics, warnings } = pools({});
    expect(metrics.hhi).toBeNull();
    expect(metrics.blockCount).toBe(0);
    expect(warnings).toEqual(['pool metrics unavailable: zero blocks in the last week']);
  });

  it('leaves the coefficient null when identified pools cannot reach a majority', () => {
    const { metrics, warnings } = pools({ Unknown: 600, A: 250, B: 150 });
    expect(metrics.nakamotoCoefficient).toBeNull();
    expect(metrics.hhi).toBeCloseTo(25 ** 2 + 15 ** 2, 10);
    expect(warnings.join(' ')).toMatch(/only 40\.0%/);
  });

  it('passes the previous week through', () => {
    const prev = { issueId: '2026-11-16', hhi: 2000, nakamotoCoefficient: 3, topPoolSharePct: 28 };
    expect(computePools(poolsWeek([['A', 1]]), prev).metrics.previousWeek).toEqual(prev);
  });

  it('keeps HHI within [10000/n, 10000] when all blocks are identified', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 2000 }), { minLength: 1, maxLength: 40 }), (counts) => {
        const { metrics } = computePools(poolsWeek(counts.map((c, i) => [`Pool ${i}`, c])), null);
        const n = counts.length;
        expect(metrics.hhi).toBeGreaterThanOrEqual(10000 / n - 1e-9);
        expect(metrics.hhi).toBeLessThanOrEqual(10000 + 1e-9);
        expect(metrics.nakamotoCoefficient).toBeGreaterThanOrEqual(1);
        expect(metrics.nakamotoCoefficient).toBeLessThanOrEqual(n);
      }),
    );
  });
});

describe('herfindahlIndex and nakamotoCoefficient', () => {
  it('sum squared percentage shares and count pools past half', () => {
    expect(herfindahlIndex([50, 50])).toBe(5000);
    expect(nakamotoCoefficient([20, 20, 20, 20, 20], 100)).toBe(3);
    expect(nakamotoCoefficient([], 100)).toBeNull();
  });

  it('takes the largest pools first, in whatever order they are given', () => {
    // 60 + 50 = 110 > 100 of 200; in the given order 10 + 20 + 60 would already need three.
    expect(nakamotoCoefficient([10, 20, 60, 50, 30, 30], 200)).toBe(2);
  });
});

describe('computePools: what the upstream sends', () => {
  it('uses the sum of the pools’ blocks when the upstream total disagrees, and says so', () => {
    const week = {
      ...poolsWeek([
        ['Foundry USA', 60],
        ['AntPool', 40],
      ]),
      blockCount: 110,
    };
    const { metrics, warnings } = computePools(week, null);
    expect(metrics.blockCount).toBe(100);
    expect(metrics.topPoolSharePct).toBe(60);
    expect(warnings).toEqual(['pools: block counts sum to 100, upstream total says 110; using the sum']);
  });

  it('does not list a pool that mined no block', () => {
    const { metrics, warnings } = pools({ 'Foundry USA': 60, Idle: 0, AntPool: 40 });
    expect(metrics.top.map((p) => p.name)).toEqual(['Foundry USA', 'AntPool']);
    expect(warnings).toEqual([]);
  });
});

describe('computePools with more pools than it lists', () => {
  it('sums HHI over every identified pool, not only the ten listed in top (12 pools, by hand)', () => {
    // Arrange: 1,000 blocks from 12 pools, so each pool's share in % is its blocks ÷ 10.
    const counts = [200, 150, 120, 100, 90, 80, 70, 60, 50, 40, 30, 10];
    const week = poolsWeek(counts.map((blocks, i) => [`Pool ${String.fromCharCode(65 + i)}`, blocks]));
    // Act
    const { metrics } = computePools(week, null);
    // Assert: 20² + 15² + 12² + 10² + 9² + 8² + 7² + 6² + 5² + 4² + 3² + 1²
    //       = 400 + 225 + 144 + 100 + 81 + 64 + 49 + 36 + 25 + 16 + 9 + 1 = 1150 (1140 for the top ten).
    expect(metrics.hhi).toBeCloseTo(1150, 9);
    expect(metrics.top).toHaveLength(10);
    expect(metrics.top.at(-1)?.blocks).toBe(40);
    expect(metrics.nakamotoCoefficient).toBe(4); // 20 + 15 + 12 = 47; + 10 = 57 > 50
    expect(metrics.top3SharePct).toBeCloseTo(47, 12);
  });

  it('gives HHI 10000/n for n equal pools, for n up to 40', () => {
    for (const n of [1, 2, 9, 10, 11, 12, 25, 40]) {
      const { metrics } = computePools(
        poolsWeek(Array.from({ length: n }, (_, i) => [`Pool ${i}`, 7] as [string, number])),
        null,
      );
      expect(metrics.hhi, `${n} pools`).toBeCloseTo(10000 / n, 9);
      expect(metrics.top, `${n} pools`).toHaveLength(Math.min(n, 10));
    }
  });
});
