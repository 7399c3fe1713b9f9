import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computePools, herfindahlIndex, nakamotoCoefficient } from '../../../src/metrics/pools';
import { poolsWeek } from '../../fixtures/metrics/builders';

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
    const { metrics } = computePools(
      poolsWeek([
        ['A', 500],
        ['B', 300],
        ['C', 200],
      ]),
      null,
    );
    expect(metrics.topPoolSharePct).toBe(50);
    expect(metrics.nakamotoCoefficient).toBe(2);
  });

  it('counts exactly half as not enough even when the float shares sum past 50 (339 + 165 of 1008)', () => {
    // 339/1008·100 + 165/1008·100 = 50.00000000000001 in floating point; the blocks are exactly half.
    const { metrics } = computePools(
      poolsWeek([
        ['A', 339],
        ['B', 165],
        ['C', 126],
        ['D', 126],
        ['E', 126],
        ['F', 126],
      ]),
      null,
    );
    expect(metrics.nakamotoCoefficient).toBe(3);
  });

  it('gives HHI 10000 and coefficient 1 for a single pool', () => {
    const { metrics } = computePools(poolsWeek([['Solo', 1008]]), null);
    expect(metrics.hhi).toBe(10000);
    expect(metrics.nakamotoCoefficient).toBe(1);
    expect(metrics.top3SharePct).toBe(100);
  });

  it('returns null concentration with a warning when every block is unidentified', () => {
    const { metrics, warnings } = computePools(poolsWeek([['Unknown', 1000]]), null);
    expect(metrics.hhi).toBeNull();
    expect(metrics.nakamotoCoefficient).toBeNull();
    expect(metrics.topPoolSharePct).toBeNull();
    expect(metrics.unknownSharePct).toBe(100);
    expect(metrics.blockCount).toBe(1000);
    expect(warnings.join(' ')).toMatch(/no block last week came from an identified pool/);
  });

  it('returns null metrics and says so for a week with zero blocks', () => {
    const { metrics, warnings } = computePools(poolsWeek([]), null);
    expect(metrics.hhi).toBeNull();
    expect(metrics.blockCount).toBe(0);
    expect(warnings).toEqual(['pool metrics unavailable: zero blocks in the last week']);
  });

  it('leaves the coefficient null when identified pools cannot reach a majority', () => {
    const { metrics, warnings } = computePools(
      poolsWeek([
        ['Unknown', 600],
        ['A', 250],
        ['B', 150],
      ]),
      null,
    );
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
});
