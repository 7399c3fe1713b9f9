/**
 * Difficulty retargets read from Coin Metrics alone, so past issues can tell the adjustments that
 * happened without mempool.space. Coin Metrics defines HashRate from the day's mean difficulty, so that
 * mean is exact (history.difficultyMeanDaily); it is flat within an epoch and steps at each retarget.
 * A retarget inside a day leaves that day's mean between the old and the new level; the new level is
 * known only from the next day. Everything here is causal: what a report for day i may know.
 */
import type { MetricsHistory } from './history';

/** Two daily means closer than this (relative) are the same difficulty (float noise is ~1e-15). */
const SAME_LEVEL = 1e-7;

/** One difficulty retarget seen in the daily data. */
export interface Retarget {
  /** Index (and date) of the day the retarget happened on. */
  index: number;
  date: string;
  previousDifficulty: number;
  difficulty: number;
  /** (difficulty ÷ previousDifficulty − 1) × 100. */
  changePct: number;
  /** First day whose report knows the new level: the second day that shows it (see `pendingRetarget`). */
  knownFromIndex: number;
  /** Blocks of the retarget day mined at the new difficulty (from the mixed daily mean), when known. */
  blocksAtNewLevelOnDay: number;
}

const same = (a: number, b: number): boolean => Math.abs(a / b - 1) <= SAME_LEVEL;

/**
 * Every retarget in the series, ascending. Difficulty holds for an epoch (about two weeks), so a level is
 * trusted only once two consecutive days show it. Two trusted levels with at most one day between them
 * (the mixed retarget day) make a retarget. Anything else, such as synthetic data whose hashrate does
 * not follow a difficulty, yields no retarget rather than a false one.
 */
export function detectRetargets(history: MetricsHistory): Retarget[] {
  const diff = history.difficultyMeanDaily;
  const blocks = history.column('BlkCnt');
  const out: Retarget[] = [];
  let level: number | null = null;
  let levelLastIndex = -1;
  for (let i = 0; i + 1 < diff.length; i++) {
    const d = diff[i];
    const next = diff[i + 1];
    // `== null`: a day without a mean (null) or past the data (undefined).
    if (d == null || next == null || !same(d, next)) continue;
    // Days i and i + 1 share a level.
    if (level !== null && same(d, level)) {
      levelLastIndex = i + 1;
      continue;
    }
    const gap = i - levelLastIndex - 1;
    if (level !== null && gap === 0) {
      out.push(retarget(history, i, level, d, i + 1, blocks[i] ?? 0));
    } else if (level !== null && gap === 1) {
      // Mixed day m: n blocks at the new level N satisfy mean = (n·N + (B − n)·L) ÷ B.
      const m = i - 1;
      const mean = diff[m];
      const dayBlocks = blocks[m] ?? 0;
      if (mean != null && (mean - level) * (d - mean) > 0) {
        const atNew = Math.round((dayBlocks * (mean - level)) / (d - level));
        out.push(retarget(history, m, level, d, i + 1, Math.min(dayBlocks, Math.max(0, atNew))));
      }
    }
    level = d;
    levelLastIndex = i + 1;
  }
  return out;
}

function retarget(
  history: MetricsHistory,
  index: number,
  previousDifficulty: number,
  difficulty: number,
  knownFromIndex: number,
  blocksAtNewLevelOnDay: number,
): Retarget {
  return {
    index,
    date: history.dates[index] as string,
    previousDifficulty,
    difficulty,
    changePct: (difficulty / previousDifficulty - 1) * 100,
    knownFromIndex,
    blocksAtNewLevelOnDay,
  };
}

/** The retargets a report for day i can know (new level known on or before i). O(log n). */
export function retargetsKnownAt(all: readonly Retarget[], i: number): readonly Retarget[] {
  let lo = 0;
  let hi = all.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((all[mid] as Retarget).knownFromIndex <= i) lo = mid + 1;
    else hi = mid;
  }
  return all.slice(0, lo);
}

/**
 * A retarget on day i itself whose new level the data does not yet show (the day's mean moved off the
 * level in force). Its direction is certain and its size at least `atLeastPct`.
 */
export function pendingRetarget(
  history: MetricsHistory,
  known: readonly Retarget[],
  i: number,
): { date: string; atLeastPct: number } | null {
  const diff = history.difficultyMeanDaily;
  const d = diff[i];
  const level = known[known.length - 1]?.difficulty ?? flatLevelBefore(diff, i);
  if (d == null || level === null || same(d, level)) return null;
  // The day before may have been the mixed retarget day itself: between the old level and today's.
  const before = diff[i - 1];
  const mixedBefore = before != null && !same(before, level) && (before - level) * (d - before) > 0;
  return {
    date: history.dates[mixedBefore ? i - 1 : i] as string,
    atLeastPct: (d / level - 1) * 100,
  };
}

/** The level two consecutive days showed just before day i (a mixed day in between allowed), or null. */
function flatLevelBefore(diff: readonly (number | null)[], i: number): number | null {
  for (let k = i - 1; k >= Math.max(1, i - 2); k--) {
    const a = diff[k];
    const b = diff[k - 1];
    if (a != null && b != null && same(a, b)) return a;
  }
  return null;
}

/**
 * The latest earlier retarget that moved at least as far in the same direction, or null when none did
 * (the largest such move on record). Used for "the largest cut since …".
 */
export function largestMoveSince(
  known: readonly Retarget[],
  target: { index: number; changePct: number },
): Retarget | null {
  for (let k = known.length - 1; k >= 0; k--) {
    const r = known[k] as Retarget;
    if (r.index >= target.index) continue;
    if (target.changePct < 0 ? r.changePct <= target.changePct : r.changePct >= target.changePct) return r;
  }
  return null;
}
