import { describe, expect, it } from 'vitest';
import { computeHalving, type HalvingInputs } from '../../../src/metrics/halving';
import { createMetricsHistory } from '../../../src/metrics/history';
import { type DayRow, seriesFromRows, steadyDay } from '../../fixtures/metrics/builders';

/** The 7 days 2026-11-17…23, each like `day`. */
const weekOf = (day: DayRow) => createMetricsHistory(seriesFromRows('2026-11-17', Array(7).fill(day)));
// 7 days of 144 blocks paying 3.6 BTC of fees a day (0.025 BTC a block).
const week = () => weekOf(steadyDay(100, 1e6, 3.6));
const halving = (over: Partial<HalvingInputs>) =>
  computeHalving({
    asOf: '2026-11-23',
    height: { height: 925_000, source: 'block-counts', anchor: null },
    rewardStats: null,
    history: week(),
    index: 6,
    feeSharePct7d: 0.8,
    feesBtcPerDay7d: 3.6,
    ...over,
  });
// mempool reward stats over blocks 924,001–925,000: 1,000 blocks, 30 BTC of fees in 3,155 BTC of rewards.
const rewardStats = {
  startBlock: 924_001,
  endBlock: 925_000,
  totalRewardSats: 3_155 * 1e8,
  totalFeeSats: 30 * 1e8,
  totalTx: 4_000_000,
};

describe('computeHalving: fees per block', () => {
  it('takes them from the week’s Coin Metrics fees and blocks, and says where the height came from', () => {
    const { metrics, warnings } = halving({ rewardStats });
    expect(metrics.currentFeesPerBlockBtc).toBeCloseTo(0.025, 15);
    expect(metrics.feeSharePct).toBe(0.8);
    expect(metrics.heightSource).toBe('block-counts');
    expect(warnings).toEqual([]);
  });

  it('falls back to mempool’s reward stats without the week’s fees, or without its blocks', () => {
    const zeroBlocks = weekOf({ ...steadyDay(100, 1e6, 3.6), BlkCnt: 0 });
    for (const over of [{ feesBtcPerDay7d: null }, { history: null }, { history: zeroBlocks }]) {
      const { metrics, warnings } = halving({ rewardStats, ...over });
      // 30 BTC over 1,000 blocks; 30 of 3,155 BTC of rewards.
      expect(metrics.currentFeesPerBlockBtc).toBeCloseTo(0.03, 15);
      expect(metrics.feeSharePct).toBeCloseTo((30 / 3_155) * 100, 12);
      expect(metrics.feesPerBlockNeededBtc).toBeCloseTo(3.125 + 0.03 - 1.5625, 15);
      expect(warnings).toEqual(['halving: fees per block from mempool reward-stats (blocks 924001–925000)']);
    }
  });

  it('has no fees per block from reward stats that cover no block', () => {
    const { metrics } = halving({
      feesBtcPerDay7d: null,
      rewardStats: { ...rewardStats, endBlock: 924_000 },
    });
    expect(metrics.currentFeesPerBlockBtc).toBeNull();
    expect(metrics.feesPerBlockNeededBtc).toBeNull();
  });

  it('keeps the Coin Metrics fee share when the reward stats have no rewards', () => {
    const { metrics } = halving({
      feesBtcPerDay7d: null,
      rewardStats: { ...rewardStats, totalRewardSats: 0, totalFeeSats: 0 },
    });
    expect(metrics.feeSharePct).toBe(0.8);
    expect(metrics.currentFeesPerBlockBtc).toBe(0);
  });

  it('has no fees per block, and no fees needed, with neither source', () => {
    const { metrics, warnings } = halving({ feesBtcPerDay7d: null });
    expect(metrics.currentFeesPerBlockBtc).toBeNull();
    expect(metrics.feesPerBlockNeededBtc).toBeNull();
    expect(metrics.nextSubsidyBtc).toBe(1.5625);
    expect(warnings).toEqual([
      'halving.currentFeesPerBlockBtc unavailable: no 7-day fees and block counts, no reward stats',
    ]);
  });
});

describe('computeHalving without a height', () => {
  it('has no halving figures but keeps the fee figures', () => {
    const { feeSharePct, currentFeesPerBlockBtc, ...fromTheHeight } = halving({ height: null }).metrics;
    expect(feeSharePct).toBe(0.8);
    expect(currentFeesPerBlockBtc).toBeCloseTo(0.025, 15);
    // The other eight: the height, the next halving, blocks to it, its date, both subsidies, the fees per
    // block it needs, and where the height came from.
    expect(Object.keys(fromTheHeight)).toHaveLength(8);
    expect(Object.values(fromTheHeight).filter((v) => v !== null)).toEqual([]);
  });
});
