/**
 * Shape checks for Coin Metrics `/timeseries/asset-metrics` pages. Anything that means the API changed
 * under us (schema drift) throws a ShapeError naming the field; the caller turns it into a failed source.
 */
import { z } from 'zod';
import { COIN_METRICS_COLUMNS, type CoinMetricsColumn } from '../contracts/report-inputs';
import { fieldProblem } from '../validated-json';
import { ShapeError } from './errors';
import type { DayRow } from './series';

/** Decimal as Coin Metrics writes it: optional sign, digits, optional fraction and exponent. */
export const DECIMAL_STRING = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;
/** Daily rows are stamped at midnight UTC, "always with nanoseconds precision" (fraction optional here). */
const DAILY_TIME = /^(\d{4}-\d{2}-\d{2})T00:00:00(?:\.0+)?Z$/;

const pageSchema = z.object({
  data: z.array(z.record(z.string(), z.unknown())),
  next_page_token: z.string().min(1).optional(),
  next_page_url: z.string().min(1).optional(),
});

/** One page after shape checks. */
export interface ParsedPage {
  rows: DayRow[];
  /** Columns that appeared (with a value or null) in at least one row. */
  seenColumns: Set<CoinMetricsColumn>;
  /** Keys that are neither ours nor `asset`/`time`: a renamed column shows up here. */
  unexpectedKeys: Set<string>;
  nextPageToken: string | undefined;
  nextPageUrl: string | undefined;
}

const KNOWN_KEYS = new Set<string>(['asset', 'time', ...COIN_METRICS_COLUMNS]);

function isColumn(key: string): key is CoinMetricsColumn {
  return (COIN_METRICS_COLUMNS as readonly string[]).includes(key);
}

/** Validates one page (index 0-based, for messages). Throws ShapeError on drift. */
export function parseCoinMetricsPage(json: unknown, pageIndex: number): ParsedPage {
  const where = `page ${pageIndex + 1}`;
  const parsed = pageSchema.safeParse(json);
  if (!parsed.success) throw new ShapeError(`${where}: ${fieldProblem(parsed.error, '(body)')}`);
  const { data } = parsed.data;
  if (data.length === 0) throw new ShapeError(`${where}: empty page (\`data\` has no rows)`);

  const rows: DayRow[] = [];
  const seenColumns = new Set<CoinMetricsColumn>();
  const unexpectedKeys = new Set<string>();
  data.forEach((row, i) => {
    const time = row.time;
    const match = typeof time === 'string' ? DAILY_TIME.exec(time) : null;
    if (!match?.[1]) {
      throw new ShapeError(
        `${where}: \`data[${i}].time\` is not a daily UTC timestamp (${JSON.stringify(time)})`,
      );
    }
    const day = match[1];
    if (row.asset !== undefined && row.asset !== 'btc') {
      throw new ShapeError(`${where}: \`data[${i}].asset\` is ${JSON.stringify(row.asset)}, expected "btc"`);
    }
    const values: DayRow['values'] = {};
    for (const [key, value] of Object.entries(row)) {
      if (!KNOWN_KEYS.has(key)) unexpectedKeys.add(key);
      if (!isColumn(key)) continue;
      seenColumns.add(key);
      if (value === null) {
        values[key] = null;
      } else if (typeof value === 'string' && DECIMAL_STRING.test(value)) {
        values[key] = value;
      } else if (typeof value === 'number') {
        throw new ShapeError(
          `${where}: \`${key}\` on ${day} arrived as a number (${value}), expected a decimal string`,
        );
      } else {
        throw new ShapeError(
          `${where}: \`${key}\` on ${day} is not a decimal string (${JSON.stringify(value)})`,
        );
      }
    }
    rows.push({ day, values });
  });
  return {
    rows,
    seenColumns,
    unexpectedKeys,
    nextPageToken: parsed.data.next_page_token,
    nextPageUrl: parsed.data.next_page_url,
  };
}

/**
 * Joins pages in order: days must be strictly ascending across the whole response, and every requested
 * column must appear somewhere (a column absent everywhere was renamed or dropped upstream).
 */
export function joinCoinMetricsPages(pages: readonly ParsedPage[]): DayRow[] {
  const rows: DayRow[] = [];
  const seen = new Set<CoinMetricsColumn>();
  const unexpected = new Set<string>();
  let previous = '';
  for (const page of pages) {
    for (const column of page.seenColumns) seen.add(column);
    for (const key of page.unexpectedKeys) unexpected.add(key);
    for (const row of page.rows) {
      if (row.day <= previous) {
        throw new ShapeError(`\`time\` ${row.day} is out of order or repeated (after ${previous})`);
      }
      previous = row.day;
      rows.push(row);
    }
  }
  const missing = COIN_METRICS_COLUMNS.filter((c) => !seen.has(c));
  if (missing.length > 0) {
    const extra = unexpected.size > 0 ? `; unexpected field(s) ${[...unexpected].join(', ')}` : '';
    throw new ShapeError(
      `column(s) ${missing.join(', ')} missing from every row (renamed or dropped upstream?)${extra}`,
    );
  }
  return rows;
}
