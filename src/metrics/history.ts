/**
 * Every per-day series the Coin Metrics metrics need, precomputed ONCE over the whole daily history in
 * O(n log n). A report for any day then reads its values by index in O(1). Every array is causal (the
 * value at day i uses only days ≤ i), so one history built over the full series answers any as-of day.
 *
 * Window rule: a 7-day figure for day D uses W = D−6…D and is null unless every input it needs is
 * present on all 7 days (a partial window would silently under- or over-state a weekly figure).
 */

import type { CoinMetricsColumn, DailySeries } from '../contracts/report-inputs';
import { addDays } from '../days';
import { MetricsInputError } from './errors';
import { detectRetargets, type Retarget } from './retargets';

/** Length of the rolling window behind every `…7d` figure, days. */
export const WINDOW_DAYS = 7;
/** Length of the 52-week hashprice range, days (52 × 7). */
export const RANGE_52W_DAYS = 364;

type Num = number | null;

/** Precomputed daily arrays, all the same length as `dates`. Units are in the names. */
export interface MetricsHistory {
  readonly dates: readonly string[];
  /** Index of `date` in `dates`, or -1. O(1). */
  indexOf(date: string): number;
  /** Raw column values (as parsed by the sources stage). */
  column(name: CoinMetricsColumn): readonly Num[];
  /** IssTotNtv + FeeTotNtv, BTC (null unless both present). */
  readonly revenueBtc: readonly Num[];
  /** revenueBtc × PriceUSD, USD. */
  readonly revenueUsd: readonly Num[];
  /** Highest PriceUSD on any day ≤ i, and the (first) day it was reached. */
  readonly athUsd: readonly Num[];
  readonly athIndex: Int32Array;
  /** Mean HashRate over W ÷ 10⁶, EH/s. */
  readonly hashrateEhs7d: readonly Num[];
  /** Highest hashrateEhs7d on any day ≤ i, and the (first) day it was reached. */
  readonly peakEhs7d: readonly Num[];
  readonly peakIndex: Int32Array;
  /** (ehs7d ÷ peakEhs7d − 1) × 100, and the last earlier day with a strictly deeper drawdown (or -1). */
  readonly hashrateFromPeakPct: readonly Num[];
  readonly deeperDrawdownIndex: Int32Array;
  /** Deepest hashrateFromPeakPct over the 90 days ending i. */
  readonly drawdownDeepest90dPct: readonly Num[];
  /** Means over W: revenue USD/day, revenue, subsidy and fees BTC/day. */
  readonly revenueUsdPerDay7d: readonly Num[];
  readonly revenueBtcPerDay7d: readonly Num[];
  readonly subsidyBtcPerDay7d: readonly Num[];
  readonly feesBtcPerDay7d: readonly Num[];
  /** Σ FeeTotNtv ÷ Σ RevNtv over W × 100. */
  readonly feeSharePct7d: readonly Num[];
  /** Σ BlkCnt over W. */
  readonly blocks7d: readonly Num[];
  /**
   * Σ BlkCnt from the first day of the unbroken run of days with a BlkCnt that contains day i, through
   * day i; null when day i has none. Blocks between two days of one run = the difference.
   */
  readonly blocksThrough: readonly Num[];
  /** First day of day i's BlkCnt run, or -1 when day i has no BlkCnt. */
  readonly blocksRunStart: Int32Array;
  /** Σ RevUSD over W ÷ Σ (HashRate ÷ 1000) over W, USD per PH/s per day. */
  readonly hashpriceUsdPerPhDay7d: readonly Num[];
  /** Σ RevNtv over W ÷ Σ (HashRate ÷ 1000) over W, BTC per PH/s per day. */
  readonly hashpriceBtcPerPhDay7d: readonly Num[];
  /** % of days d ≤ i with a USD hashprice whose value is ≤ day i's. */
  readonly hashpricePercentile: readonly Num[];
  /** Last day before i with a strictly lower USD hashprice, or -1 (record low, or no hashprice). */
  readonly lowerHashpriceIndex: Int32Array;
  /** Lowest / highest USD hashprice over the 364 days ending i (days without one are skipped). */
  readonly hashpriceLow52w: readonly Num[];
  readonly hashpriceHigh52w: readonly Num[];
  /** One day's USD (BTC) revenue ÷ that day's HashRate in PH/s: the "spot" hashprice of a single day. */
  readonly hashpriceUsdPerPhDaySpot: readonly Num[];
  readonly hashpriceBtcPerPhDaySpot: readonly Num[];
  /** Σ RevUSD ÷ Σ RevNtv over W: the week's price, weighted by what miners earned each day (USD). */
  readonly revenueWeightedPriceUsd7d: readonly Num[];
  /** One day's FeeTotNtv ÷ RevNtv × 100, and FeeTotNtv ÷ BlkCnt (BTC per block). */
  readonly feeSharePctDaily: readonly Num[];
  readonly feesPerBlockBtcDaily: readonly Num[];
  /** One day's IssTotNtv ÷ BlkCnt: the subsidy per block (mixed on a halving day), BTC. */
  readonly subsidyPerBlockBtcDaily: readonly Num[];
  /**
   * The day's mean difficulty, inverted from Coin Metrics' HashRate definition
   * (HashRate TH/s = BlkCnt ÷ 144 × DiffMean × 2³² ÷ 10¹² ÷ 600). Null without blocks or hashrate.
   */
  readonly difficultyMeanDaily: readonly Num[];
  /** Every retarget the daily data shows (see retargets.ts; filter with retargetsKnownAt for causality). */
  readonly retargets: readonly Retarget[];
  /** Columns missing on some day of W (for warnings); empty when the window is complete. */
  missingInWindow(
    i: number,
    columns: readonly CoinMetricsColumn[],
  ): { column: CoinMetricsColumn; days: number }[];
}

function isNum(x: Num | undefined): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

/** Ratio a ÷ b, null when either is missing or b is 0 (never NaN/Infinity). */
export function safeDiv(a: Num | undefined, b: Num | undefined): Num {
  if (!isNum(a) || !isNum(b) || b === 0) return null;
  const r = a / b;
  return Number.isFinite(r) ? r : null;
}

/** (a ÷ b − 1) × 100, null when either is missing or b is 0. */
export function pctChange(a: Num, b: Num): Num {
  const r = safeDiv(a, b);
  return r === null ? null : (r - 1) * 100;
}

/** Day i's value against the value `days` earlier, as pctChange; null when either day has none. */
export function changeOverPct(values: readonly Num[], i: number, days: number): Num {
  return pctChange(values[i] ?? null, i - days >= 0 ? (values[i - days] ?? null) : null);
}

/** a ÷ b × 100, null when either is missing or b is 0. */
function sharePct(a: Num | undefined, b: Num | undefined): Num {
  const r = safeDiv(a, b);
  return r === null ? null : r * 100;
}

/** A 7-day sum as a mean per day. */
function perDay(sum: Num): Num {
  return sum === null ? null : sum / WINDOW_DAYS;
}

function assertContiguous(series: DailySeries): void {
  const n = series.dates.length;
  for (const [name, col] of Object.entries(series.values)) {
    if (col.length !== n) {
      throw new MetricsInputError(`DailySeries column ${name} has ${col.length} values for ${n} dates`);
    }
  }
  for (let i = 1; i < n; i++) {
    const prev = series.dates[i - 1] as string;
    if (series.dates[i] !== addDays(prev, 1)) {
      throw new MetricsInputError(
        `DailySeries dates must be consecutive days: ${prev} then ${series.dates[i]}`,
      );
    }
  }
}

/** Σ over W of a per-day array; null unless all 7 days are present. O(7). */
function windowSum(values: readonly Num[], i: number): Num {
  if (i < WINDOW_DAYS - 1) return null;
  let sum = 0;
  for (let k = i - WINDOW_DAYS + 1; k <= i; k++) {
    const v = values[k];
    if (!isNum(v)) return null;
    sum += v;
  }
  return sum;
}

/** Running maximum with the first index reaching it. */
export function runningMax(values: readonly Num[]): { max: Num[]; index: Int32Array } {
  const max: Num[] = new Array(values.length).fill(null);
  const index = new Int32Array(values.length).fill(-1);
  let best: Num = null;
  let bestIdx = -1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (isNum(v) && (best === null || v > best)) {
      best = v;
      bestIdx = i;
    }
    max[i] = best;
    index[i] = bestIdx;
  }
  return { max, index };
}

/**
 * Percentile rank of each value among all earlier-or-equal days that have one: count(v_d ≤ v_i) ÷
 * count(v_d) × 100. A Fenwick tree over value ranks makes the whole pass O(n log n).
 */
export function runningPercentile(values: readonly Num[]): Num[] {
  const present = values.filter(isNum);
  const sorted = [...new Set(present)].sort((a, b) => a - b);
  const tree = new Float64Array(sorted.length + 1);
  const rankOf = (v: number): number => {
    let lo = 0;
    let hi = sorted.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((sorted[mid] as number) < v) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };
  const out: Num[] = new Array(values.length).fill(null);
  let seen = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!isNum(v)) continue;
    const r = rankOf(v);
    for (let k = r; k < tree.length; k += k & -k) tree[k] = (tree[k] as number) + 1;
    seen++;
    let atMost = 0;
    for (let k = r; k > 0; k -= k & -k) atMost += tree[k] as number;
    out[i] = (atMost / seen) * 100;
  }
  return out;
}

/** Index of the last earlier day with a strictly lower value (monotonic stack, O(n)). */
export function previousLower(values: readonly Num[]): Int32Array {
  const out = new Int32Array(values.length).fill(-1);
  const stack: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!isNum(v)) continue;
    while (stack.length > 0 && (values[stack[stack.length - 1] as number] as number) >= v) stack.pop();
    out[i] = stack.length > 0 ? (stack[stack.length - 1] as number) : -1;
    stack.push(i);
  }
  return out;
}

/** Sliding-window minimum (sign 1) or maximum (sign −1) over the `width` days ending i (deque, O(n)). */
export function slidingExtreme(values: readonly Num[], width: number, sign: 1 | -1): Num[] {
  const out: Num[] = new Array(values.length).fill(null);
  const deque: number[] = [];
  let head = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (isNum(v)) {
      while (
        deque.length > head &&
        sign * (values[deque[deque.length - 1] as number] as number) >= sign * v
      ) {
        deque.pop();
      }
      deque.push(i);
    }
    while (deque.length > head && (deque[head] as number) <= i - width) head++;
    out[i] = deque.length > head ? (values[deque[head] as number] as number) : null;
  }
  return out;
}

/**
 * Precomputes every rolling figure once over the whole series. Throws MetricsInputError when the
 * series breaks the DailySeries contract (ragged columns or non-consecutive dates).
 */
export function createMetricsHistory(series: DailySeries): MetricsHistory {
  assertContiguous(series);
  const n = series.dates.length;
  const v = series.values;
  const positions = new Map<string, number>();
  for (const [i, d] of series.dates.entries()) positions.set(d, i);

  // Two passes over the days (one day's figures, then the sums over W ending each day) fill the arrays:
  // one loop each keeps building a history of 6,000+ days cheap, cold or warm.
  const days = (): Num[] => new Array(n).fill(null);

  const revenueBtc = days();
  const revenueUsd = days();
  const hashPh = days();
  const feeSharePctDaily = days();
  const feesPerBlockBtcDaily = days();
  const subsidyPerBlockBtcDaily = days();
  const difficultyMeanDaily = days();
  for (let i = 0; i < n; i++) {
    const iss = v.IssTotNtv[i];
    const fee = v.FeeTotNtv[i];
    const price = v.PriceUSD[i];
    const hr = v.HashRate[i];
    const blocks = v.BlkCnt[i];
    if (isNum(iss) && isNum(fee)) {
      revenueBtc[i] = iss + fee;
      if (isNum(price)) revenueUsd[i] = (iss + fee) * price;
      feeSharePctDaily[i] = sharePct(fee, iss + fee);
    }
    if (isNum(hr)) hashPh[i] = hr / 1000;
    if (isNum(blocks) && blocks > 0) {
      feesPerBlockBtcDaily[i] = safeDiv(fee, blocks);
      subsidyPerBlockBtcDaily[i] = safeDiv(iss, blocks);
      if (isNum(hr) && hr > 0) difficultyMeanDaily[i] = (hr * 1e12 * 600 * 144) / (blocks * 2 ** 32);
    }
  }

  const hashrateEhs7d = days();
  const revenueUsdPerDay7d = days();
  const revenueBtcPerDay7d = days();
  const subsidyBtcPerDay7d = days();
  const feesBtcPerDay7d = days();
  const feeSharePct7d = days();
  const blocks7d = days();
  const hashpriceUsd = days();
  const hashpriceBtc = days();
  const revenueWeightedPriceUsd7d = days();
  for (let i = 0; i < n; i++) {
    const hr = windowSum(v.HashRate, i);
    const ph = windowSum(hashPh, i);
    const usd = windowSum(revenueUsd, i);
    const btc = windowSum(revenueBtc, i);
    const fee = windowSum(v.FeeTotNtv, i);
    hashrateEhs7d[i] = hr === null ? null : hr / WINDOW_DAYS / 1e6;
    revenueUsdPerDay7d[i] = perDay(usd);
    revenueBtcPerDay7d[i] = perDay(btc);
    subsidyBtcPerDay7d[i] = perDay(windowSum(v.IssTotNtv, i));
    feesBtcPerDay7d[i] = perDay(fee);
    feeSharePct7d[i] = sharePct(fee, btc);
    blocks7d[i] = windowSum(v.BlkCnt, i);
    hashpriceUsd[i] = safeDiv(usd, ph);
    hashpriceBtc[i] = safeDiv(btc, ph);
    revenueWeightedPriceUsd7d[i] = safeDiv(usd, btc);
  }

  const blocksThrough = days();
  const blocksRunStart = new Int32Array(n).fill(-1);
  let runStart = -1;
  let running = 0;
  for (let i = 0; i < n; i++) {
    const b = v.BlkCnt[i];
    // A block count is a whole number of blocks; anything else breaks the run like a missing day.
    if (!isNum(b) || b < 0 || !Number.isInteger(b)) {
      runStart = -1;
      continue;
    }
    if (runStart < 0) {
      runStart = i;
      running = 0;
    }
    running += b;
    blocksThrough[i] = running;
    blocksRunStart[i] = runStart;
  }

  const ath = runningMax(v.PriceUSD);
  const peak = runningMax(hashrateEhs7d);
  const hashrateFromPeakPct = hashrateEhs7d.map((e, i) => pctChange(e, peak.max[i] ?? null));

  const history: Omit<MetricsHistory, 'retargets'> = {
    dates: series.dates,
    indexOf: (date) => positions.get(date) ?? -1,
    column: (name) => v[name],
    revenueBtc,
    revenueUsd,
    athUsd: ath.max,
    athIndex: ath.index,
    hashrateEhs7d,
    peakEhs7d: peak.max,
    peakIndex: peak.index,
    hashrateFromPeakPct,
    deeperDrawdownIndex: previousLower(hashrateFromPeakPct),
    drawdownDeepest90dPct: slidingExtreme(hashrateFromPeakPct, 90, 1),
    revenueUsdPerDay7d,
    revenueBtcPerDay7d,
    subsidyBtcPerDay7d,
    feesBtcPerDay7d,
    feeSharePct7d,
    blocks7d,
    blocksThrough,
    blocksRunStart,
    hashpriceUsdPerPhDay7d: hashpriceUsd,
    hashpriceBtcPerPhDay7d: hashpriceBtc,
    hashpricePercentile: runningPercentile(hashpriceUsd),
    lowerHashpriceIndex: previousLower(hashpriceUsd),
    hashpriceLow52w: slidingExtreme(hashpriceUsd, RANGE_52W_DAYS, 1),
    hashpriceHigh52w: slidingExtreme(hashpriceUsd, RANGE_52W_DAYS, -1),
    hashpriceUsdPerPhDaySpot: revenueUsd.map((r, i) => safeDiv(r, hashPh[i])),
    hashpriceBtcPerPhDaySpot: revenueBtc.map((r, i) => safeDiv(r, hashPh[i])),
    revenueWeightedPriceUsd7d,
    feeSharePctDaily,
    feesPerBlockBtcDaily,
    subsidyPerBlockBtcDaily,
    difficultyMeanDaily,
    missingInWindow(i, columns) {
      const from = Math.max(0, i - WINDOW_DAYS + 1);
      const out: { column: CoinMetricsColumn; days: number }[] = [];
      for (const column of columns) {
        let missing = WINDOW_DAYS - (i - from + 1);
        for (let k = from; k <= i; k++) if (!isNum(v[column][k])) missing++;
        if (missing > 0) out.push({ column, days: missing });
      }
      return out;
    },
  };
  return { ...history, retargets: detectRetargets({ ...history, retargets: [] }) };
}
