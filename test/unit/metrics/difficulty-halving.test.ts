import { describe, expect, it } from 'vitest';
import type { HashrateHistory } from '../../../src/contracts/report-inputs';
import {
  computeDifficulty,
  estimateAdjustmentFromPace,
  forwardFillDifficulty,
  impliedHashrateEhs,
} from '../../../src/metrics/difficulty';
import { computeHalving, nextHalvingHeight, subsidyBtcAtHeight } from '../../../src/metrics/halving';
import { createMetricsHistory } from '../../../src/metrics/history';
import { failed, ok, seriesFromRows, steadyDay } from '../../fixtures/metrics/builders';

/** mempool's hashrate history with only these difficulty adjustments: no hashrates, no current figures. */
const hashrateHistory = (difficulty: HashrateHistory['difficulty']): HashrateHistory => {
  const none = { currentHashrateHs: null, currentDifficulty: null };
  return { hashrates: [], difficulty, ...none };
};

describe('difficulty', () => {
  it('converts difficulty to the implied hashrate at 600 s blocks', () => {
    // 1e14 × 2^32 ÷ 600 = 7.158278826666…e20 H/s = 715.83 EH/s.
    expect(impliedHashrateEhs(1e14)).toBeCloseTo(715.8278826666667, 10);
  });

  it('forward-fills adjustments by date, null before the first', () => {
    const dates = ['2026-01-01', '2026-01-02', '2026-01-03', '2026-01-04', '2026-01-05'];
    const adj = [
      { date: '2026-01-04', height: 4032, difficulty: 20, adjustmentRatio: 2 },
      { date: '2026-01-02', height: 2016, difficulty: 10, adjustmentRatio: 1 },
    ];
    expect(forwardFillDifficulty(dates, adj)).toEqual([null, 10, 10, 20, 20]);
  });

  it('estimates the retarget from pace: 151.2 blocks a day is +5%', () => {
    const est = estimateAdjustmentFromPace(151.2, 1000);
    expect(est.changePct).toBeCloseTo(5, 12);
    expect(est.blocksRemaining).toBe(1016);
    expect(est.daysRemaining).toBe(7); // ⌈1016 ÷ 151.2⌉ = ⌈6.72⌉
    expect(estimateAdjustmentFromPace(1000, 0).changePct).toBe(300);
    expect(estimateAdjustmentFromPace(10, 0).changePct).toBe(-75);
  });

  it("uses mempool's estimate when available", () => {
    const { metrics } = computeDifficulty({
      asOf: '2026-11-23',
      hashrateHistory: ok(
        hashrateHistory([{ date: '2026-11-10', height: 935_424, difficulty: 1.5e14, adjustmentRatio: 0.98 }]),
      ),
      difficultyAdjustment: ok({
        progressPercent: 60,
        difficultyChangePct: -6.2,
        estimatedRetargetDate: '2026-11-28T13:00:00.000Z',
        remainingBlocks: 806,
        nextRetargetHeight: 937_440,
        previousRetargetPct: -2,
        timeAvgMs: 640_000,
      }),
      height: null,
      history: null,
      index: -1,
    });
    expect(metrics).toEqual({
      current: 1.5e14,
      impliedHashrateEhs: (1.5e14 * 2 ** 32) / 600 / 1e18,
      nextAdjustmentPct: -6.2,
      nextAdjustmentDate: '2026-11-28',
      blocksToAdjustment: 806,
      nextAdjustmentSource: 'mempool',
      // 60% of 2016 = 1209.6 → 1210 blocks; ± 2 × (100 − 6.2) ÷ √1210.
      blocksInEpoch: 1210,
      epochProgressPct: (1210 / 2016) * 100,
      nextAdjustmentMarginPct: (2 * 93.8) / Math.sqrt(1210),
      nextAdjustmentEarly: false,
      lastAdjustmentDate: '2026-11-10',
      lastAdjustmentPct: -2.0000000000000018,
      lastAdjustmentAtLeast: false,
      lastAdjustmentSource: 'mempool',
      lastAdjustmentLargestSince: null,
    });
  });

  it('falls back to block timing since the epoch start when mempool has no estimate', () => {
    // 20 days from 2026-11-01 at 150 blocks a day; epoch began 2026-11-10. Days 11-11…11-20: 1500 blocks
    // in 10 days → 150/day → (150/144 − 1) = +4.1667%; 516 blocks left → ⌈3.44⌉ = 4 days.
    const rows = Array.from({ length: 20 }, () => ({ ...steadyDay(100, 1e6), BlkCnt: 150 }));
    const history = createMetricsHistory(seriesFromRows('2026-11-01', rows));
    const { metrics, warnings } = computeDifficulty({
      asOf: '2026-11-20',
      hashrateHistory: ok(
        hashrateHistory([{ date: '2026-11-10', height: 935_424, difficulty: 1e14, adjustmentRatio: 1 }]),
      ),
      difficultyAdjustment: failed('HTTP 503'),
      height: null,
      history,
      index: 19,
    });
    expect(metrics.nextAdjustmentSource).toBe('block-timing');
    expect(metrics.nextAdjustmentPct).toBeCloseTo((150 / 144 - 1) * 100, 12);
    expect(metrics.blocksToAdjustment).toBe(516);
    expect(metrics.nextAdjustmentDate).toBe('2026-11-24');
    expect(warnings.join(' ')).toMatch(
      /estimated from block timing because mempool difficulty-adjustment failed/,
    );
  });

  it('is null with reasons when neither mempool source is usable', () => {
    const { metrics, warnings } = computeDifficulty({
      asOf: '2026-11-20',
      hashrateHistory: failed('timeout'),
      difficultyAdjustment: failed('timeout'),
      height: null,
      history: null,
      index: -1,
    });
    expect(metrics.current).toBeNull();
    expect(metrics.nextAdjustmentPct).toBeNull();
    expect(warnings).toHaveLength(2);
  });
});

describe('halving', () => {
  it('halves the subsidy every 210 000 blocks, in whole satoshis', () => {
    expect(subsidyBtcAtHeight(0)).toBe(50);
    expect(subsidyBtcAtHeight(209_999)).toBe(50);
    expect(subsidyBtcAtHeight(210_000)).toBe(25);
    expect(subsidyBtcAtHeight(840_000)).toBe(3.125);
    expect(subsidyBtcAtHeight(1_050_000)).toBe(1.5625);
    expect(subsidyBtcAtHeight(33 * 210_000)).toBe(0); // 5e9 sats ÷ 2^33 < 1 sat
    expect(nextHalvingHeight(840_000)).toBe(1_050_000);
    expect(nextHalvingHeight(925_000)).toBe(1_050_000);
  });

  it('dates the next halving at 144 blocks a day and prices the fees needed to replace the subsidy', () => {
    // 7 days × 144 blocks, 0.025 BTC fees per block → 3.6 BTC a day.
    const rows = Array.from({ length: 7 }, () => steadyDay(100, 1e6, 3.6));
    const history = createMetricsHistory(seriesFromRows('2026-11-17', rows));
    const { metrics } = computeHalving({
      asOf: '2026-11-23',
      height: { height: 925_000, source: 'mempool-tip', anchor: null },
      rewardStats: null,
      history,
      index: 6,
      feeSharePct7d: 0.8,
      feesBtcPerDay7d: 3.6,
    });
    expect(metrics.blocksToHalving).toBe(125_000);
    // 2026-11-23 + ⌈125000 ÷ 144⌉ = 869 days: +731 to 2028-11-23 (leap 2028), +138 to 2029-04-10.
    expect(metrics.estimatedDate).toBe('2029-04-10');
    expect(metrics.currentFeesPerBlockBtc).toBeCloseTo(0.025, 15);
    expect(metrics.feesPerBlockNeededBtc).toBeCloseTo(3.125 + 0.025 - 1.5625, 15);
    expect(metrics.feeSharePct).toBe(0.8);
  });
});
