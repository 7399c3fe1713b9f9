/** Wording of the warnings that explain a null metric, shared so every module says it the same way. */
import type { CoinMetricsColumn } from '../contracts/report-inputs';
import { type MetricsHistory, WINDOW_DAYS } from './history';

/** A metric group's output: values plus a warning for each null and why. */
export interface MetricResult<T> {
  metrics: T;
  warnings: string[];
}

/**
 * Why a 7-day figure ending at day i is null, e.g. "hashprice unavailable: HashRate missing on 2 of the
 * 7 days up to 2026-11-23". Returns null when the window is complete (then a null has another cause).
 */
export function windowGapReason(
  history: MetricsHistory,
  i: number,
  columns: readonly CoinMetricsColumn[],
  label: string,
): string | null {
  const day = history.dates[i] ?? '?';
  if (i < WINDOW_DAYS - 1) {
    return `${label} unavailable: fewer than ${WINDOW_DAYS} days of Coin Metrics data up to ${day}`;
  }
  const gaps = history.missingInWindow(i, columns);
  if (gaps.length === 0) return null;
  const what = gaps.map((g) => `${g.column} missing on ${g.days} of the ${WINDOW_DAYS} days`).join(', ');
  return `${label} unavailable: ${what} up to ${day}`;
}

/**
 * Why a null 7-day figure ending at day i is null: its window's gaps (windowGapReason), or else
 * `otherwise` ("<label> unavailable" unless the caller knows the cause).
 */
export function windowReason(
  history: MetricsHistory,
  i: number,
  columns: readonly CoinMetricsColumn[],
  label: string,
  otherwise = `${label} unavailable`,
): string {
  return windowGapReason(history, i, columns, label) ?? otherwise;
}

/** Why a single-day value is null. */
export function dayGapReason(
  history: MetricsHistory,
  i: number,
  column: CoinMetricsColumn,
  label: string,
): string {
  return `${label} unavailable: ${column} missing on ${history.dates[i] ?? `day #${i}`}`;
}
