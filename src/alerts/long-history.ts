/**
 * The long past the alert rules need (a record low, a 4-year low, the all-time hashrate peak), read from
 * our own archive rather than fetched again: the latest weekly issue's `metrics.csv` holds every day's
 * 7-day hashprice and hashrate since the first price. The alert run fetches only its recent window and
 * joins the two (evaluate.ts).
 */

import { METRICS_CSV_COLUMNS } from '../archive/metrics-csv';
import { isIsoDay } from '../days';

/** Daily 7-day figures, gapless and ascending. */
export interface LongHistory {
  dates: string[];
  hashpriceUsdPerPhDay7d: (number | null)[];
  hashrateEhs7d: (number | null)[];
}

/** The stored metrics.csv cannot be read as the long history. */
export class LongHistoryError extends Error {
  override name = 'LongHistoryError';
}

const header = (key: string) => METRICS_CSV_COLUMNS.find((c) => c.key === key)?.header ?? key;

function cell(text: string, line: number, column: string): number | null {
  if (text === '') return null;
  const value = Number(text);
  if (!Number.isFinite(value)) {
    throw new LongHistoryError(`metrics.csv line ${line}: ${column} is not a number`);
  }
  return value;
}

/**
 * Parses a metrics.csv (as written by metricsCsv: plain numbers, no quoted cells) into the long history.
 * Throws LongHistoryError naming the line and column when it is not one.
 */
export function parseLongHistory(csv: string): LongHistory {
  const lines = csv.split(/\r?\n/).filter((l) => l !== '');
  const names = (lines[0] ?? '').split(',');
  const at = (key: string) => {
    const i = names.indexOf(header(key));
    if (i < 0) throw new LongHistoryError(`metrics.csv has no column ${header(key)}`);
    return i;
  };
  const [d, hp, hr] = [at('date'), at('hashpriceUsdPerPhDay7d'), at('hashrateEhs7d')];
  const out: LongHistory = { dates: [], hashpriceUsdPerPhDay7d: [], hashrateEhs7d: [] };
  for (let n = 1; n < lines.length; n++) {
    const cells = (lines[n] ?? '').split(',');
    const date = cells[d] ?? '';
    if (!isIsoDay(date)) throw new LongHistoryError(`metrics.csv line ${n + 1}: bad date`);
    const previous = out.dates.at(-1);
    if (previous !== undefined && date <= previous) {
      throw new LongHistoryError(`metrics.csv line ${n + 1}: dates are not ascending`);
    }
    out.dates.push(date);
    out.hashpriceUsdPerPhDay7d.push(cell(cells[hp] ?? '', n + 1, header('hashpriceUsdPerPhDay7d')));
    out.hashrateEhs7d.push(cell(cells[hr] ?? '', n + 1, header('hashrateEhs7d')));
  }
  return out;
}
