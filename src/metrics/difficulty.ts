/**
 * Difficulty: the one in force on the as-of day (mempool's adjustment history), the hashrate it implies,
 * and the next retarget: mempool's own estimate when available, else one from Coin Metrics block counts.
 */
import type { Metrics } from '../snapshot/schema';
import type { DifficultyAdjustment, HashrateHistory, SourceOutcome } from '../sources/types';
import { addDays, dayOfInstant, daysBetween } from './dates';
import type { MetricsHistory } from './history';
import type { MetricResult } from './reasons';

/** Blocks per difficulty epoch. */
export const EPOCH_BLOCKS = 2016;
/** Blocks per day at the 600 s target. */
export const TARGET_BLOCKS_PER_DAY = 144;

type Adjustment = HashrateHistory['difficulty'][number];

/**
 * Hashrate implied by a difficulty at the 600 s block target, EH/s: D × 2³² hashes per block ÷ 600 s
 * ÷ 10¹⁸.
 */
export function impliedHashrateEhs(difficulty: number): number {
  return (difficulty * 2 ** 32) / 600 / 1e18;
}

/** The latest adjustment on or before `day` (by date, then height), or null. */
export function adjustmentInForce(adjustments: readonly Adjustment[], day: string): Adjustment | null {
  let best: Adjustment | null = null;
  for (const a of adjustments) {
    if (a.date > day) continue;
    if (best === null || a.date > best.date || (a.date === best.date && a.height > best.height)) best = a;
  }
  return best;
}

/**
 * Difficulty in force on each of `dates` (ascending): the latest adjustment dated on or before the day,
 * null before the first one. Two pointers, O(days + adjustments).
 */
export function forwardFillDifficulty(
  dates: readonly string[],
  adjustments: readonly Adjustment[],
): (number | null)[] {
  const sorted = [...adjustments].sort((a, b) =>
    a.date < b.date ? -1 : a.date > b.date ? 1 : a.height - b.height,
  );
  const out: (number | null)[] = [];
  let k = 0;
  let current: number | null = null;
  for (const day of dates) {
    while (k < sorted.length && (sorted[k] as Adjustment).date <= day) {
      current = (sorted[k] as Adjustment).difficulty;
      k++;
    }
    out.push(current);
  }
  return out;
}

/**
 * Retarget estimate from block timing. Difficulty scales by (expected time ÷ actual time) for the epoch;
 * at a pace of `blocksPerDay` the epoch takes 2016 ÷ pace days against 14, so the change is
 * (pace ÷ 144 − 1) × 100 %, clamped to the protocol's ×4 / ÷4 limits (+300 % / −75 %). The retarget
 * comes after `2016 − blocksInEpoch` more blocks at the same pace.
 */
export function estimateAdjustmentFromPace(
  blocksPerDay: number,
  blocksInEpoch: number,
): {
  changePct: number;
  blocksRemaining: number;
  daysRemaining: number;
} {
  const changePct = Math.min(300, Math.max(-75, (blocksPerDay / TARGET_BLOCKS_PER_DAY - 1) * 100));
  const blocksRemaining = Math.max(0, EPOCH_BLOCKS - blocksInEpoch);
  return { changePct, blocksRemaining, daysRemaining: Math.ceil(blocksRemaining / blocksPerDay) };
}

export interface DifficultyInputs {
  asOf: string;
  hashrateHistory: SourceOutcome<HashrateHistory>;
  difficultyAdjustment: SourceOutcome<DifficultyAdjustment>;
  /**
   * Height at the end of the as-of day (mempool's tip, or counted from Coin Metrics BlkCnt; see
   * blockHeightOn), or null.
   */
  height: number | null;
  /** Coin Metrics history and the as-of index, for the block-timing fallback. */
  history: MetricsHistory | null;
  index: number;
}

function nullDifficulty(): Metrics['difficulty'] {
  return {
    current: null,
    impliedHashrateEhs: null,
    nextAdjustmentPct: null,
    nextAdjustmentDate: null,
    blocksToAdjustment: null,
    nextAdjustmentSource: null,
  };
}

/** Σ BlkCnt over the days strictly after `fromDay` up to index i, or null when any day is missing. */
export function blocksAfter(
  history: MetricsHistory,
  i: number,
  fromDay: string,
): { blocks: number; days: number } | null {
  const start = history.indexOf(addDays(fromDay, 1));
  const days = daysBetween(fromDay, history.dates[i] ?? fromDay);
  if (days < 1) return null;
  if (start < 0 || start > i) return null;
  const blk = history.column('BlkCnt');
  let blocks = 0;
  for (let k = start; k <= i; k++) {
    const b = blk[k];
    if (typeof b !== 'number') return null;
    blocks += b;
  }
  return { blocks, days };
}

/**
 * - `current` = difficulty of the latest mempool adjustment dated ≤ D (else mempool's currentDifficulty
 *   when the history lists no adjustment at all)
 * - `impliedHashrateEhs` = current × 2³² ÷ 600 ÷ 10¹⁸ (EH/s)
 * - next adjustment: mempool `/v1/difficulty-adjustment` when ok (source `mempool`); else estimated from
 *   Coin Metrics BlkCnt since the epoch's first adjustment day (source `block-timing`, see
 *   estimateAdjustmentFromPace). The pace uses whole days after the retarget day (the retarget day is
 *   only partly in the epoch); blocks already in the epoch = height at the end of D − the retarget's
 *   height, so the retarget day's blocks after the retarget count (Σ BlkCnt after that day only when no
 *   height is known).
 */
export function computeDifficulty(input: DifficultyInputs): MetricResult<Metrics['difficulty']> {
  const warnings: string[] = [];
  const out = nullDifficulty();
  const hh = input.hashrateHistory;
  let epochStart: Adjustment | null = null;
  if (hh.status === 'ok') {
    epochStart = adjustmentInForce(hh.value.difficulty, input.asOf);
    if (epochStart !== null) out.current = epochStart.difficulty;
    else if (hh.value.difficulty.length === 0 && hh.value.currentDifficulty !== null) {
      out.current = hh.value.currentDifficulty;
    } else
      warnings.push(`difficulty.current unavailable: mempool lists no adjustment on or before ${input.asOf}`);
  } else {
    warnings.push(`difficulty.current unavailable: mempool hashrate history ${hh.status} (${hh.reason})`);
  }
  if (out.current !== null && out.current > 0) out.impliedHashrateEhs = impliedHashrateEhs(out.current);

  const da = input.difficultyAdjustment;
  if (da.status === 'ok') {
    out.nextAdjustmentPct = da.value.difficultyChangePct;
    out.nextAdjustmentDate = dayOfInstant(da.value.estimatedRetargetDate);
    out.blocksToAdjustment = Math.max(0, Math.round(da.value.remainingBlocks));
    out.nextAdjustmentSource = 'mempool';
    return { metrics: out, warnings };
  }
  const why = `mempool difficulty-adjustment ${da.status} (${da.reason})`;
  if (epochStart === null || input.history === null || input.index < 0) {
    warnings.push(`difficulty.nextAdjustmentPct unavailable: ${why} and no epoch start to estimate from`);
    return { metrics: out, warnings };
  }
  const since = blocksAfter(input.history, input.index, epochStart.date);
  if (since === null || since.blocks <= 0) {
    warnings.push(
      `difficulty.nextAdjustmentPct unavailable: ${why}, and no complete BlkCnt for the days after the retarget of ${epochStart.date}`,
    );
    return { metrics: out, warnings };
  }
  const inEpoch =
    input.height !== null && input.height >= epochStart.height
      ? input.height - epochStart.height
      : since.blocks;
  if (inEpoch >= EPOCH_BLOCKS) {
    warnings.push(
      `difficulty.nextAdjustmentPct unavailable: ${why}; mempool's latest adjustment (${epochStart.date}) is more than one epoch old`,
    );
    return { metrics: out, warnings };
  }
  const est = estimateAdjustmentFromPace(since.blocks / since.days, inEpoch);
  out.nextAdjustmentPct = est.changePct;
  out.blocksToAdjustment = est.blocksRemaining;
  out.nextAdjustmentDate = addDays(input.asOf, est.daysRemaining);
  out.nextAdjustmentSource = 'block-timing';
  warnings.push(`difficulty: next adjustment estimated from block timing because ${why}`);
  return { metrics: out, warnings };
}
