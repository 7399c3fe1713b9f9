/**
 * Builds and trims `DailySeries`: gap filling, plausibility screening and as-of cuts. Pure functions over
 * rows that have already passed the shape checks in coinmetrics-parse.ts.
 */

import { COIN_METRICS_COLUMNS, type CoinMetricsColumn, type DailySeries } from '../contracts/report-inputs';
import { addDays } from '../days';

/** One validated upstream day: decimal strings as received, null for "no value". */
export interface DayRow {
  day: string;
  values: Partial<Record<CoinMetricsColumn, string | null>>;
}

/** Columns whose day-over-day jump of 100× or more is treated as implausible. */
const JUMP_COLUMNS: readonly CoinMetricsColumn[] = ['PriceUSD', 'HashRate'];
const JUMP_FACTOR = 100;

/**
 * The first UTC day with a mined block (block 1, 2009-01-09). Every day since has had blocks, so a day
 * with none, or with a hashrate of 0, is missing data rather than news. Before it (genesis week) a count
 * of 0 is the truth and is kept.
 */
export const FIRST_MINED_DAY = '2009-01-09';
/** What a day without blocks takes with it: the columns Coin Metrics derives from that day's blocks. */
export const BLOCK_DERIVED_COLUMNS: readonly CoinMetricsColumn[] = [
  'BlkCnt',
  'HashRate',
  'IssTotNtv',
  'IssTotUSD',
  'FeeTotNtv',
];
/** Columns whose 0 is impossible on a day with blocks (price: no real day since trading began is 0). */
const ZERO_IS_MISSING: readonly CoinMetricsColumn[] = ['HashRate', 'PriceUSD'];
/**
 * Individual warnings listed per column before the rest are summarised, so one bad feed cannot flood a
 * report, and a single bad price is never hidden behind a thousand bad address counts.
 */
const MAX_LISTED_PER_COLUMN = 2;

function emptyColumns<T>(): Record<CoinMetricsColumn, T[]> {
  return {
    AdrActCnt: [],
    BlkCnt: [],
    CapMrktCurUSD: [],
    FeeTotNtv: [],
    HashRate: [],
    IssTotNtv: [],
    IssTotUSD: [],
    PriceUSD: [],
    SplyCur: [],
    TxCnt: [],
  };
}

/**
 * Lays rows (ascending, unique days) onto a gapless calendar and converts strings to numbers. Days missing
 * upstream become all-null days with one warning; implausible values become null with a warning naming
 * the day and column, while `raw` keeps the string exactly as received.
 */
export function buildDailySeries(rows: readonly DayRow[]): { series: DailySeries; warnings: string[] } {
  const series: DailySeries = { dates: [], values: emptyColumns(), raw: emptyColumns() };
  const problems = new Map<CoinMetricsColumn, { messages: string[]; days: string[] }>();
  const flag = (column: CoinMetricsColumn, day: string, message: string) => {
    const entry = problems.get(column) ?? { messages: [], days: [] };
    entry.messages.push(message);
    entry.days.push(day);
    problems.set(column, entry);
  };
  const filled: string[] = [];
  const lastAccepted: Partial<Record<CoinMetricsColumn, number>> = {};

  const push = (day: string, row: DayRow['values'] | null) => {
    series.dates.push(day);
    const noBlocks = day >= FIRST_MINED_DAY && isZero(row?.BlkCnt ?? null);
    if (noBlocks) {
      flag(
        'BlkCnt',
        day,
        `Coin Metrics BlkCnt on ${day} is 0: no UTC day since ${FIRST_MINED_DAY} has had no block; the day's ${listed(BLOCK_DERIVED_COLUMNS)} are treated as missing`,
      );
    }
    for (const column of COIN_METRICS_COLUMNS) {
      const text = row?.[column] ?? null;
      series.raw[column].push(text);
      const excluded = noBlocks && BLOCK_DERIVED_COLUMNS.includes(column);
      series.values[column].push(text === null || excluded ? null : screen(day, column, text));
    }
  };

  const screen = (day: string, column: CoinMetricsColumn, text: string): number | null => {
    const value = Number(text);
    if (!Number.isFinite(value)) {
      flag(column, day, `Coin Metrics ${column} on ${day} is out of range ("${text}"); treated as missing`);
      return null;
    }
    if (value < 0) {
      flag(column, day, `Coin Metrics ${column} on ${day} is negative (${text}); treated as missing`);
      return null;
    }
    if (value === 0 && ZERO_IS_MISSING.includes(column) && day >= FIRST_MINED_DAY) {
      flag(
        column,
        day,
        `Coin Metrics ${column} on ${day} is 0, which no day since ${FIRST_MINED_DAY} has had; treated as missing`,
      );
      return null;
    }
    if (JUMP_COLUMNS.includes(column)) {
      const previous = lastAccepted[column];
      if (previous !== undefined && previous > 0 && value > 0) {
        const ratio = value / previous;
        if (ratio >= JUMP_FACTOR || ratio <= 1 / JUMP_FACTOR) {
          flag(
            column,
            day,
            `Coin Metrics ${column} on ${day} jumped ${ratio >= 1 ? `${Math.round(ratio)}×` : `to 1/${Math.round(1 / ratio)}`} from the previous value (${text}); treated as missing`,
          );
          return null;
        }
      }
      // Zero (a day without blocks) says nothing about the next day's scale.
      if (value > 0) lastAccepted[column] = value;
    }
    return value;
  };

  let expected: string | null = null;
  for (const row of rows) {
    while (expected !== null && expected < row.day) {
      filled.push(expected);
      push(expected, null);
      expected = addDays(expected, 1);
    }
    push(row.day, row.values);
    expected = addDays(row.day, 1);
  }

  const warnings: string[] = [];
  for (const column of COIN_METRICS_COLUMNS) {
    const entry = problems.get(column);
    if (!entry) continue;
    warnings.push(...entry.messages.slice(0, MAX_LISTED_PER_COLUMN));
    const rest = entry.days.slice(MAX_LISTED_PER_COLUMN);
    if (rest.length > 0) {
      warnings.push(
        `Coin Metrics ${column}: ${rest.length} more implausible values treated as missing (${rest[0]} … ${rest.at(-1)})`,
      );
    }
  }
  if (filled.length > 0) {
    warnings.push(
      `Coin Metrics skipped ${filled.length} day(s) (first ${filled[0]}); they are kept as days without values`,
    );
  }
  return { series, warnings };
}

function isZero(text: string | null): boolean {
  return text !== null && Number(text) === 0;
}

/** "A, B and C". */
function listed(columns: readonly string[]): string {
  return columns.length <= 1
    ? (columns[0] ?? '')
    : `${columns.slice(0, -1).join(', ')} and ${columns.at(-1) ?? ''}`;
}

/** The series restricted to dates ≤ `asOf` (dates are ascending, so this is a prefix). */
export function cutSeries(series: DailySeries, asOf: string): DailySeries {
  let end = series.dates.length;
  while (end > 0 && (series.dates[end - 1] ?? '') > asOf) end--;
  if (end === series.dates.length) return series;
  const values = emptyColumns<number | null>();
  const raw = emptyColumns<string | null>();
  for (const column of COIN_METRICS_COLUMNS) {
    values[column] = series.values[column].slice(0, end);
    raw[column] = series.raw[column].slice(0, end);
  }
  return { dates: series.dates.slice(0, end), values, raw };
}

/**
 * The last complete UTC day the series has a price for: the latest date strictly before `today` whose
 * PriceUSD arrived. A price screened out as implausible still makes its day complete: Coin Metrics has
 * published that day, and quietly reporting the day before would hide the glitch (the integrity rule
 * judges it instead). Null when there is none.
 */
export function lastCompleteDay(series: DailySeries, today: string): string | null {
  for (let i = series.dates.length - 1; i >= 0; i--) {
    const day = series.dates[i];
    if (day !== undefined && day < today && series.raw.PriceUSD[i] != null) return day;
  }
  return null;
}
