/**
 * Difficulty: the one in force on the as-of day (mempool's adjustment history), the hashrate it implies,
 * the last retarget, and the next: mempool's own estimate when available, else one from Coin Metrics block
 * counts. Past issues read retargets from Coin Metrics alone (see retargets.ts).
 */

import type { DifficultyAdjustment, HashrateHistory, SourceOutcome } from '../contracts/report-inputs';
import { addDays, dayOfInstant, daysBetween } from '../days';
import type { Metrics } from '../snapshot/schema';
import type { MetricsHistory } from './history';
import type { MetricResult } from './reasons';
import { largestMoveSince, pendingRetarget, type Retarget, retargetsKnownAt } from './retargets';

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
  /** Coin Metrics history and the as-of index, for retargets and the block-timing fallback. */
  history: MetricsHistory | null;
  index: number;
}

/** Share of the epoch below which the next-adjustment estimate is called early and raises no alert, %. */
export const EARLY_EPOCH_PCT = 50;

function nullDifficulty(): Metrics['difficulty'] {
  return {
    current: null,
    impliedHashrateEhs: null,
    nextAdjustmentPct: null,
    nextAdjustmentDate: null,
    blocksToAdjustment: null,
    nextAdjustmentSource: null,
    blocksInEpoch: null,
    epochProgressPct: null,
    nextAdjustmentMarginPct: null,
    nextAdjustmentEarly: null,
    lastAdjustmentDate: null,
    lastAdjustmentPct: null,
    lastAdjustmentAtLeast: null,
    lastAdjustmentSource: null,
    lastAdjustmentLargestSince: null,
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
 * The running epoch as Coin Metrics shows it: blocks since the last retarget (its day's blocks at the new
 * level included) and the days elapsed since it (the retarget moment placed by that day's block split).
 */
export function epochFromCoinMetrics(
  history: MetricsHistory,
  last: Retarget,
  i: number,
): { blocks: number; days: number } | null {
  const since = last.index === i ? { blocks: 0, days: 0 } : blocksAfter(history, i, last.date);
  const dayBlocks = history.column('BlkCnt')[last.index];
  if (since === null || typeof dayBlocks !== 'number' || dayBlocks <= 0) return null;
  return {
    blocks: since.blocks + last.blocksAtNewLevelOnDay,
    days: since.days + last.blocksAtNewLevelOnDay / dayBlocks,
  };
}

/**
 * ± two standard deviations of a pace-based retarget estimate from block luck alone, in percentage points:
 * n blocks arrive as a Poisson count, so the pace (and the change) is known to about 1 ÷ √n.
 */
export function adjustmentMarginPct(changePct: number, blocksInEpoch: number): number | null {
  if (blocksInEpoch <= 0) return null;
  return (2 * (100 + changePct)) / Math.sqrt(blocksInEpoch);
}

/** The latest retarget on or before D: mempool's list when it has one, else Coin Metrics'. */
function lastAdjustment(
  input: DifficultyInputs,
  known: readonly Retarget[],
  mempoolLast: Adjustment | null,
): Pick<
  Metrics['difficulty'],
  | 'lastAdjustmentDate'
  | 'lastAdjustmentPct'
  | 'lastAdjustmentAtLeast'
  | 'lastAdjustmentSource'
  | 'lastAdjustmentLargestSince'
> {
  const cmLast = known[known.length - 1] ?? null;
  const pending = input.history ? pendingRetarget(input.history, known, input.index) : null;
  const fromMempool =
    mempoolLast !== null &&
    (cmLast === null || mempoolLast.date >= cmLast.date) &&
    mempoolLast.adjustmentRatio > 0;
  let date: string | null = null;
  let changePct: number | null = null;
  let atLeast = false;
  let source: 'mempool' | 'coinmetrics' | null = null;
  if (fromMempool && mempoolLast !== null) {
    date = mempoolLast.date;
    changePct = (mempoolLast.adjustmentRatio - 1) * 100;
    source = 'mempool';
  } else if (pending !== null) {
    date = pending.date;
    changePct = pending.atLeastPct;
    atLeast = true;
    source = 'coinmetrics';
  } else if (cmLast !== null) {
    date = cmLast.date;
    changePct = cmLast.changePct;
    source = 'coinmetrics';
  }
  if (date === null || changePct === null || input.history === null) {
    return {
      lastAdjustmentDate: date,
      lastAdjustmentPct: changePct,
      lastAdjustmentAtLeast: date === null ? null : atLeast,
      lastAdjustmentSource: source,
      lastAdjustmentLargestSince: null,
    };
  }
  const index = input.history.indexOf(date);
  // For a retarget known only as a lower bound, a larger earlier move found with the bound still holds:
  // the true size is at least as far from zero.
  const larger = index < 0 ? null : largestMoveSince(known, { index, changePct });
  return {
    lastAdjustmentDate: date,
    lastAdjustmentPct: changePct,
    lastAdjustmentAtLeast: atLeast,
    lastAdjustmentSource: source,
    lastAdjustmentLargestSince: larger?.date ?? null,
  };
}

/**
 * - `current` = difficulty of the latest mempool adjustment dated ≤ D (else mempool's currentDifficulty
 *   when the history lists no adjustment at all, else the level Coin Metrics shows in force on D)
 * - `impliedHashrateEhs` = current × 2³² ÷ 600 ÷ 10¹⁸ (EH/s)
 * - `lastAdjustment…` = the latest retarget on or before D (mempool's list, else Coin Metrics'), and the
 *   last earlier one at least as large in the same direction
 * - `blocksInEpoch`, `epochProgressPct` = mempool's progress, else tip − epoch start height, else Coin
 *   Metrics' blocks since the retarget (that day's blocks at the new level included)
 * - next adjustment: mempool `/v1/difficulty-adjustment` when ok (source `mempool`); else estimated from
 *   the epoch's pace (source `block-timing`, see estimateAdjustmentFromPace). `nextAdjustmentMarginPct`
 *   is its block-luck range; `nextAdjustmentEarly` is true below 50% of the epoch.
 */
export function computeDifficulty(input: DifficultyInputs): MetricResult<Metrics['difficulty']> {
  const warnings: string[] = [];
  const out = nullDifficulty();
  const history = input.history !== null && input.index >= 0 ? input.history : null;
  const known = history ? retargetsKnownAt(history.retargets, input.index) : [];
  const cmLast = known[known.length - 1] ?? null;
  const pending = history ? pendingRetarget(history, known, input.index) : null;

  const hh = input.hashrateHistory;
  let epochStart: Adjustment | null = null;
  if (hh.status === 'ok') {
    epochStart = adjustmentInForce(hh.value.difficulty, input.asOf);
    if (epochStart !== null) out.current = epochStart.difficulty;
    else if (hh.value.difficulty.length === 0 && hh.value.currentDifficulty !== null) {
      out.current = hh.value.currentDifficulty;
    }
  }
  if (out.current === null && cmLast !== null && pending === null) out.current = cmLast.difficulty;
  if (out.current === null) {
    warnings.push(
      hh.status === 'ok'
        ? `difficulty.current unavailable: mempool lists no adjustment on or before ${input.asOf}`
        : pending !== null
          ? `difficulty.current unavailable: difficulty retargeted on ${pending.date} and the data does not yet show the new level`
          : `difficulty.current unavailable: mempool hashrate history ${hh.status} (${hh.reason}) and no retarget in the Coin Metrics data`,
    );
  }
  if (out.current !== null && out.current > 0) out.impliedHashrateEhs = impliedHashrateEhs(out.current);
  Object.assign(out, lastAdjustment({ ...input, history }, known, epochStart));

  // The running epoch: from Coin Metrics' own retarget when it shows one, else from mempool's epoch start
  // (blocks after its day, whose own blocks are then left out of the pace).
  const cmEpoch =
    history && cmLast && pending === null && (epochStart === null || cmLast.date >= epochStart.date)
      ? epochFromCoinMetrics(history, cmLast, input.index)
      : history && epochStart
        ? blocksAfter(history, input.index, epochStart.date)
        : null;
  const da = input.difficultyAdjustment;
  if (da.status === 'ok') {
    out.blocksInEpoch = Math.round((da.value.progressPercent / 100) * EPOCH_BLOCKS);
  } else if (input.height !== null && epochStart !== null && input.height >= epochStart.height) {
    out.blocksInEpoch = input.height - epochStart.height;
  } else if (cmEpoch !== null) {
    out.blocksInEpoch = cmEpoch.blocks;
  } else if (pending !== null) {
    out.blocksInEpoch = 0;
  }
  if (out.blocksInEpoch !== null) {
    out.blocksInEpoch = Math.min(EPOCH_BLOCKS, Math.max(0, out.blocksInEpoch));
    out.epochProgressPct = (out.blocksInEpoch / EPOCH_BLOCKS) * 100;
  }

  if (da.status === 'ok') {
    out.nextAdjustmentPct = da.value.difficultyChangePct;
    out.nextAdjustmentDate = dayOfInstant(da.value.estimatedRetargetDate);
    out.blocksToAdjustment = Math.max(0, Math.round(da.value.remainingBlocks));
    out.nextAdjustmentSource = 'mempool';
  } else {
    const why = `mempool difficulty-adjustment ${da.status} (${da.reason})`;
    if (cmEpoch === null || cmEpoch.blocks <= 0 || cmEpoch.days < 1) {
      warnings.push(
        `difficulty.nextAdjustmentPct unavailable: ${why}, and ${cmEpoch === null ? 'no retarget to count the epoch from' : 'less than a day of the epoch to time'}`,
      );
    } else if ((out.blocksInEpoch ?? cmEpoch.blocks) >= EPOCH_BLOCKS) {
      warnings.push(`difficulty.nextAdjustmentPct unavailable: ${why}; the epoch looks complete`);
    } else {
      const est = estimateAdjustmentFromPace(
        cmEpoch.blocks / cmEpoch.days,
        out.blocksInEpoch ?? cmEpoch.blocks,
      );
      out.nextAdjustmentPct = est.changePct;
      out.blocksToAdjustment = est.blocksRemaining;
      out.nextAdjustmentDate = addDays(input.asOf, est.daysRemaining);
      out.nextAdjustmentSource = 'block-timing';
      if (input.difficultyAdjustment.status === 'failed') {
        warnings.push(`difficulty: next adjustment estimated from block timing because ${why}`);
      }
    }
  }
  if (out.nextAdjustmentPct !== null && out.blocksInEpoch !== null) {
    out.nextAdjustmentMarginPct = adjustmentMarginPct(out.nextAdjustmentPct, out.blocksInEpoch);
    out.nextAdjustmentEarly = (out.epochProgressPct ?? 0) < EARLY_EPOCH_PCT;
  }
  return { metrics: out, warnings };
}

/** Difficulty in force at the end of each day 0…last, from Coin Metrics' retargets (for the chart). */
export function difficultyLevelsFromCoinMetrics(history: MetricsHistory, last: number): (number | null)[] {
  const known = retargetsKnownAt(history.retargets, last);
  const out: (number | null)[] = new Array(last + 1).fill(null);
  let k = 0;
  let level: number | null = null;
  for (let i = 0; i <= last; i++) {
    while (k < known.length && (known[k] as Retarget).index <= i) {
      level = (known[k] as Retarget).difficulty;
      k++;
    }
    out[i] = level ?? history.difficultyMeanDaily[i] ?? null;
  }
  return out;
}
