/** Halving and fee dependence: when the subsidy halves and what fees must make up. */

import type { RewardStats } from '../contracts/report-inputs';
import { addDays } from '../days';
import type { Metrics } from '../snapshot/schema';
import type { BlockHeightOnDay } from './block-height';
import { TARGET_BLOCKS_PER_DAY } from './difficulty';
import { type MetricsHistory, WINDOW_DAYS } from './history';
import type { MetricResult } from './reasons';

/** Blocks between halvings. */
export const HALVING_INTERVAL = 210_000;
const SATS_PER_BTC = 100_000_000;
const INITIAL_SUBSIDY_SATS = 50 * SATS_PER_BTC;

/**
 * Block subsidy at `height`, BTC: 50 BTC in satoshis shifted right once per 210 000 blocks (integer
 * satoshis, as consensus computes it; 0 after 64 halvings).
 */
export function subsidyBtcAtHeight(height: number): number {
  const epochs = Math.floor(height / HALVING_INTERVAL);
  if (epochs >= 64) return 0;
  return Math.floor(INITIAL_SUBSIDY_SATS / 2 ** epochs) / SATS_PER_BTC;
}

/** The next multiple of 210 000 strictly above `height`. */
export function nextHalvingHeight(height: number): number {
  return (Math.floor(height / HALVING_INTERVAL) + 1) * HALVING_INTERVAL;
}

/** The halving figures computed here; the rest of the group comes from halving-events.ts. */
export type HalvingOutlook = Omit<
  Metrics['halving'],
  | 'projectedHashpriceUsdPerPhDay'
  | 'projectedHashpriceChangePct'
  | 'previousDate'
  | 'daysSincePrevious'
  | 'afterPrevious'
>;

export interface HalvingInputs {
  asOf: string;
  /** Height at the end of the as-of day (see blockHeightOn), or null with its warning already given. */
  height: BlockHeightOnDay | null;
  rewardStats: RewardStats | null;
  history: MetricsHistory | null;
  index: number;
  /** revenue.feeSharePct7d and feesBtcPerDay7d from Coin Metrics. */
  feeSharePct7d: number | null;
  feesBtcPerDay7d: number | null;
}

/**
 * - height at the end of D: mempool's tip when it describes D, else Coin Metrics BlkCnt counted on from
 *   the latest known height (`heightSource` says which; see block-height.ts)
 * - `nextHalvingHeight` = next multiple of 210 000; `blocksToHalving` = that − height
 * - `estimatedDate` = D + ⌈blocksToHalving ÷ 144⌉ days (target pace; retargets pull the pace back to it)
 * - `currentSubsidyBtc`, `nextSubsidyBtc` = 50 BTC halved per 210 000 blocks
 * - `feeSharePct` = revenue.feeSharePct7d; `currentFeesPerBlockBtc` = Σ FeeTotNtv ÷ Σ BlkCnt over W
 *   (fallback: mempool reward-stats fees ÷ blocks and fees ÷ reward)
 * - `feesPerBlockNeededBtc` = currentSubsidy + currentFeesPerBlock − nextSubsidy: fees per block after
 *   the halving that keep BTC revenue per block unchanged
 */
export function computeHalving(input: HalvingInputs): MetricResult<HalvingOutlook> {
  const warnings: string[] = [];
  const height = input.height?.height ?? null;
  const heightSource = input.height?.source ?? null;
  let feeSharePct = input.feeSharePct7d;
  let feesPerBlock: number | null = null;
  const blocks7d = input.index >= 0 && input.history ? (input.history.blocks7d[input.index] ?? null) : null;
  if (input.feesBtcPerDay7d !== null && blocks7d !== null && blocks7d > 0) {
    feesPerBlock = (input.feesBtcPerDay7d * WINDOW_DAYS) / blocks7d;
  } else if (input.rewardStats !== null) {
    const rs = input.rewardStats;
    const n = rs.endBlock - rs.startBlock + 1;
    if (n > 0) feesPerBlock = rs.totalFeeSats / n / SATS_PER_BTC;
    if (rs.totalRewardSats > 0) feeSharePct = (rs.totalFeeSats / rs.totalRewardSats) * 100;
    warnings.push(
      `halving: fees per block from mempool reward-stats (blocks ${rs.startBlock}–${rs.endBlock})`,
    );
  } else {
    warnings.push(
      'halving.currentFeesPerBlockBtc unavailable: no 7-day fees and block counts, no reward stats',
    );
  }
  if (height === null) {
    return {
      metrics: {
        currentHeight: null,
        nextHalvingHeight: null,
        blocksToHalving: null,
        estimatedDate: null,
        currentSubsidyBtc: null,
        nextSubsidyBtc: null,
        feeSharePct,
        currentFeesPerBlockBtc: feesPerBlock,
        feesPerBlockNeededBtc: null,
        heightSource: null,
      },
      warnings,
    };
  }
  const next = nextHalvingHeight(height);
  const current = subsidyBtcAtHeight(height);
  const after = subsidyBtcAtHeight(next);
  const toGo = next - height;
  return {
    metrics: {
      currentHeight: height,
      nextHalvingHeight: next,
      blocksToHalving: toGo,
      estimatedDate: addDays(input.asOf, Math.ceil(toGo / TARGET_BLOCKS_PER_DAY)),
      currentSubsidyBtc: current,
      nextSubsidyBtc: after,
      feeSharePct,
      currentFeesPerBlockBtc: feesPerBlock,
      feesPerBlockNeededBtc: feesPerBlock === null ? null : current + feesPerBlock - after,
      heightSource,
    },
    warnings,
  };
}
