/**
 * What the alert rules see on a day between issues. The run fetches only a recent window of Coin Metrics
 * days (ALERT_WINDOW_DAYS) plus mempool's present-day pools and difficulty estimate; the rules' long
 * windows (record low, 4-year low, all-time hashrate peak) come from the latest weekly issue's own daily
 * series (long-history.ts), joined with the fresh window day by day: a fresh value wins, the archived one
 * fills the days before the window. The figures are the ones a full-history issue would compute, as long
 * as Coin Metrics has not revised days before the window.
 */

import type { ReportInputs } from '../contracts/report-inputs';
import { addDays, daysBetween } from '../days';
import type { AlertView } from '../metrics/alerts';
import { computeDifficulty } from '../metrics/difficulty';
import {
  computeHashprice,
  FOUR_YEAR_DAYS,
  windowLow,
  windowPercentile,
  YEAR_DAYS,
} from '../metrics/hashprice';
import { computeHashrate } from '../metrics/hashrate';
import { createMetricsHistory, type MetricsHistory, pctChange } from '../metrics/history';
import { computePools, nullPools, previousWeekPools } from '../metrics/pools';
import { buildChartSeries } from '../metrics/snapshot';
import type { ChartRow, Metrics, Snapshot } from '../snapshot/schema';
import type { LongHistory } from './long-history';

/** Days of Coin Metrics history an alert run fetches: a year plus the 7-day window and some slack. */
export const ALERT_WINDOW_DAYS = 400;

/** The first day an alert run asks Coin Metrics for, given its as-of day (or today when it has none). */
export function alertWindowStart(asOfOrToday: string): string {
  return addDays(asOfOrToday, -ALERT_WINDOW_DAYS);
}

/** The alert rules cannot be judged for this day (missing data or a long history that does not reach). */
export class AlertViewUnavailableError extends Error {
  override name = 'AlertViewUnavailableError';
}

/** The joined daily series: the archive's long past, then the fresh window. */
export interface JoinedSeries {
  dates: string[];
  hashprice: (number | null)[];
  hashrate: (number | null)[];
}

/**
 * Joins the long history and the fresh window: archived days up to the day before the window, then the
 * window's days (a fresh null, such as the first six days before a full 7-day window, falls back to the
 * archived value of that day). Throws when the long history ends before the window starts (a gap).
 */
export function joinSeries(long: LongHistory, fresh: MetricsHistory, lastIndex: number): JoinedSeries {
  const first = fresh.dates[0];
  if (first === undefined) throw new AlertViewUnavailableError('the fresh window has no days');
  const longEnd = long.dates.at(-1);
  if (longEnd === undefined || longEnd < addDays(first, -1)) {
    throw new AlertViewUnavailableError(
      `the latest issue's series ends ${longEnd ?? 'nowhere'}, before the alert window starts (${first}); run the weekly issue first`,
    );
  }
  const archived = new Map(long.dates.map((d, i) => [d, i]));
  const out: JoinedSeries = { dates: [], hashprice: [], hashrate: [] };
  for (let i = 0; i < long.dates.length && (long.dates[i] ?? '') < first; i++) {
    out.dates.push(long.dates[i] as string);
    out.hashprice.push(long.hashpriceUsdPerPhDay7d[i] ?? null);
    out.hashrate.push(long.hashrateEhs7d[i] ?? null);
  }
  for (let i = 0; i <= lastIndex; i++) {
    const date = fresh.dates[i] as string;
    const a = archived.get(date);
    out.dates.push(date);
    out.hashprice.push(
      fresh.hashpriceUsdPerPhDay7d[i] ?? (a === undefined ? null : (long.hashpriceUsdPerPhDay7d[a] ?? null)),
    );
    out.hashrate.push(fresh.hashrateEhs7d[i] ?? (a === undefined ? null : (long.hashrateEhs7d[a] ?? null)));
  }
  return out;
}

/** The last day before `m` with a value strictly below `value`, or -1 (a record). */
function lastLower(values: readonly (number | null)[], m: number, value: number): number {
  for (let k = m - 1; k >= 0; k--) {
    const v = values[k];
    if (v !== null && v !== undefined && v < value) return k;
  }
  return -1;
}

/** The hashprice group on the last joined day: the window's own figures, long windows from the join. */
function hashpriceOn(history: MetricsHistory, index: number, joined: JoinedSeries): Metrics['hashprice'] {
  const base = computeHashprice(history, index).metrics;
  const m = joined.dates.length - 1;
  const value = joined.hashprice[m] ?? null;
  if (value === null || base.usdPerPhDay === null) return base;
  const lower = lastLower(joined.hashprice, m, value);
  const low1y = windowLow(joined.hashprice, m, YEAR_DAYS);
  const low4y = windowLow(joined.hashprice, m, FOUR_YEAR_DAYS);
  const asOf = joined.dates[m] as string;
  const lowestSince = lower >= 0 ? (joined.dates[lower] ?? null) : null;
  return {
    ...base,
    recordLow: lower < 0,
    lowestSince,
    lowestSinceDays: lowestSince === null ? null : daysBetween(lowestSince, asOf),
    percentile: windowPercentile(joined.hashprice, m, m + 1),
    percentile1y: windowPercentile(joined.hashprice, m, YEAR_DAYS),
    percentile4y: windowPercentile(joined.hashprice, m, FOUR_YEAR_DAYS),
    low1yUsdPerPhDay: low1y?.value ?? null,
    low1yDate: low1y === null ? null : (joined.dates[low1y.index] ?? null),
    low4yUsdPerPhDay: low4y?.value ?? null,
    low4yDate: low4y === null ? null : (joined.dates[low4y.index] ?? null),
  };
}

/**
 * The hashrate group on the last joined day, the peak taken over the whole join. The drawdown figures
 * that need the full episode history (deepest since, 90-day deepest) are left null: no rule reads them.
 */
function hashrateOn(history: MetricsHistory, index: number, joined: JoinedSeries): Metrics['hashrate'] {
  const base = computeHashrate(history, index).metrics;
  let top: { value: number; index: number } | null = null;
  for (let k = 0; k < joined.hashrate.length; k++) {
    const v = joined.hashrate[k];
    if (v !== null && v !== undefined && (top === null || v > top.value)) top = { value: v, index: k };
  }
  return {
    ...base,
    peakEhs7d: top === null ? null : top.value,
    peakDate: top === null ? null : (joined.dates[top.index] ?? null),
    fromPeakPct: top === null ? null : pctChange(base.ehs7d, top.value),
    drawdownDeepestSince: null,
    drawdownDeepestOnRecord: null,
    drawdownDeepest90dPct: null,
  };
}

/** What the alert run judges, and the series its chart draws. */
export interface AlertEvaluation {
  asOf: string;
  view: AlertView;
  /** Daily rows of the fresh window up to the as-of day (for the edition's chart). */
  series: ChartRow[];
  joined: JoinedSeries;
}

/**
 * The alert view for the inputs' as-of day. `latestIssue` is the weekly issue the long history comes
 * from (for the week-on-week pool figures too). Throws AlertViewUnavailableError when Coin Metrics has no
 * row for the day or the long history does not reach the window.
 */
export function evaluateAlertView(
  inputs: ReportInputs,
  long: LongHistory,
  latestIssue: Snapshot,
): AlertEvaluation {
  if (inputs.coinMetrics.status !== 'ok') {
    throw new AlertViewUnavailableError('Coin Metrics unavailable');
  }
  const history = createMetricsHistory(inputs.coinMetrics.value);
  const index = history.indexOf(inputs.asOf);
  if (index < 0) throw new AlertViewUnavailableError(`Coin Metrics has no row for ${inputs.asOf}`);
  const joined = joinSeries(long, history, index);
  const difficulty = computeDifficulty({
    asOf: inputs.asOf,
    hashrateHistory: inputs.hashrateHistory,
    difficultyAdjustment: inputs.difficultyAdjustment,
    height: null,
    history,
    index,
  }).metrics;
  const poolsWeek = inputs.pools.status === 'ok' ? inputs.pools.value : null;
  const previous = previousWeekPools(latestIssue);
  const pools = poolsWeek === null ? nullPools(previous) : computePools(poolsWeek, previous).metrics;
  const hashrateHistory = inputs.hashrateHistory.status === 'ok' ? inputs.hashrateHistory.value : null;
  return {
    asOf: inputs.asOf,
    view: {
      hashprice: hashpriceOn(history, index, joined),
      hashrate: hashrateOn(history, index, joined),
      difficulty,
      pools,
    },
    series: buildChartSeries(history, index, hashrateHistory?.difficulty ?? null),
    joined,
  };
}
