/**
 * Input integrity (issue 13): may the Coin Metrics figures an issue reads be published? A wrong price or
 * hashrate archived once stays wrong for good, so an implausible value must be confirmed by an independent
 * witness, and when the witnesses cannot settle it the issue is held (not archived, not sent).
 *
 * The rule, for each of the days an issue reads (the as-of day D and the seven before it, which carry the
 * weekly changes and the 7-day windows), on the values exactly as received:
 * 1. Coin Metrics must agree with itself: PriceUSD with CapMrktCurUSD ÷ SplyCur (within 1 %), and the
 *    difficulty its HashRate and BlkCnt imply with the previous day's (within ×2). A contradiction holds.
 * 2. A move against Coin Metrics' previous value beyond PLAUSIBLE_DAILY_MOVE (PriceUSD ×2, HashRate ×3) is
 *    implausible on its own: it needs an independent witness that agrees, and none that disagrees.
 * 3. Independent witnesses are mempool's: its price at D's close (historical price), its current price
 *    when taken within 36 h of that close, and its daily hashrate. One that disagrees is discredited when another witness
 *    agrees with Coin Metrics, or when its own move from Coin Metrics' previous value is implausible while
 *    Coin Metrics' is not; a discredited witness is left out (with a warning). Any other disagreement holds.
 * Zero, negative and non-finite values are not judged here: series.ts turns them into missing values with
 * a warning (a hashrate of 0 or a day without blocks is missing data, never news).
 *
 * Pure: a function of the fetched inputs, so replaying the recorded responses reproduces the verdict.
 */

import type {
  CoinMetricsColumn,
  CurrentPrice,
  DailySeries,
  HashrateHistory,
  HistoricalPrice,
  ReportInputs,
  SourceOutcome,
} from '../contracts/report-inputs';
import { daysBetween } from '../days';
import { closeOfDay } from './mempool';
import { BLOCK_DERIVED_COLUMNS, FIRST_MINED_DAY } from './series';

/** Days judged: the as-of day and the seven before it (weekly change and 7-day windows). */
export const JUDGED_DAYS = 8;

/**
 * The largest day-over-day move taken on Coin Metrics' word alone. Real extremes since PriceUSD starts
 * (2010-07-18): ×0.514 (2013-04-11) … ×1.548 (2010-11-06), −38 % on 2020-03-12; HashRate since 2011:
 * ×0.61 … ×1.81 (it follows the day's block count).
 */
export const PLAUSIBLE_DAILY_MOVE = { PriceUSD: 2, HashRate: 3 } as const;

/** PriceUSD and CapMrktCurUSD ÷ SplyCur are the same reference rate (real data: within 0.002 %). */
export const MARKET_CAP_TOLERANCE = 1.01;

/**
 * HashRate ÷ BlkCnt is proportional to the day's mean difficulty, which consensus moves at most ×4 per
 * retarget; real day-over-day changes since 2011 stay within ×0.77 … ×1.55.
 */
export const IMPLIED_DIFFICULTY_DAILY_MOVE = 2;

/** Agreement tolerances of the independent witnesses (a ratio, either way). */
export const WITNESS_TOLERANCE = {
  /** mempool's price at the close: another index, at most an hour off the close. */
  closePrice: 1.25,
  /** mempool's current price, taken up to CURRENT_PRICE_MAX_AGE_S after the close. */
  currentPrice: 1.5,
  /** mempool's daily hashrate: an estimate from the same blocks, by a different method. */
  hashrate: 2,
} as const;

/** A historical price counts as "at the close" when it is this close to it. */
const CLOSE_WINDOW_S = 3 * 3600;
/** mempool's current price stands in for the close only when taken this soon after it. */
const CURRENT_PRICE_MAX_AGE_S = 36 * 3600;
/** How far back "the previous value" may be (Coin Metrics gaps are filled with empty days). */
const LOOKBACK_DAYS = 7;

/** The Coin Metrics columns whose day-over-day move is judged (block counts ride with HashRate). */
export type JudgedColumn = keyof typeof PLAUSIBLE_DAILY_MOVE;
const JUDGED_COLUMNS: readonly JudgedColumn[] = ['PriceUSD', 'HashRate'];

/** What the witnesses decided. `conflicts` empty: the inputs may be published. */
export interface IntegrityVerdict {
  asOf: string;
  /** Disagreements the witnesses could not settle, each naming the values; any one holds the issue. */
  conflicts: string[];
  /** What was settled and how (a move confirmed, a witness left out), for the run's log. */
  notes: string[];
}

/** The issue may not be published: Coin Metrics' figures are implausible and no witness settles them. */
export class IssueHeldError extends Error {
  override name = 'IssueHeldError';
  readonly asOf: string;
  readonly conflicts: readonly string[];

  constructor(verdict: IntegrityVerdict, options?: { cause?: unknown }) {
    super(`issue for ${verdict.asOf} held, not archived or sent: ${verdict.conflicts.join('; ')}`, options);
    this.asOf = verdict.asOf;
    this.conflicts = [...verdict.conflicts];
  }
}

/**
 * The message the report Lambda logs (JSON, with `asOf` and `conflicts`) when it holds an issue; the
 * `IssueHeld` alarm's metric filter matches it, so the two must not drift apart.
 */
export const ISSUE_HELD_LOG_MESSAGE = 'issue held';

/** Throws IssueHeldError when the verdict has conflicts. */
export function holdIfUnsettled(verdict: IntegrityVerdict): void {
  if (verdict.conflicts.length > 0) throw new IssueHeldError(verdict);
}

/** One independent witness's reading of a judged value, in Coin Metrics' unit. */
export interface Witness {
  kind: 'close-price' | 'current-price' | 'hashrate';
  /** "mempool's price at the close", for messages. */
  label: string;
  value: number;
  tolerance: number;
}

const within = (ratio: number, bound: number): boolean => ratio < bound && ratio > 1 / bound;

function significant(value: number): string {
  return Number(value.toPrecision(6)).toString();
}

function factor(ratio: number): string {
  return `×${ratio >= 10 ? ratio.toFixed(0) : ratio.toFixed(2)}`;
}

/** A Coin Metrics value with its unit: prices in USD, HashRate (TH/s) in EH/s. */
function show(column: JudgedColumn, value: number): string {
  return column === 'PriceUSD' ? `${significant(value)} USD` : `${significant(value / 1e6)} EH/s`;
}

/** The value of `column` on day `i` as received, or null when it is not a usable positive number. */
function receivedValue(series: DailySeries, column: CoinMetricsColumn, i: number): number | null {
  const text = series.raw[column][i];
  if (text === null || text === undefined) return null;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) return null;
  const day = series.dates[i] ?? '';
  const blocks = series.raw.BlkCnt[i];
  const noBlocks = blocks !== null && blocks !== undefined && Number(blocks) === 0;
  if (noBlocks && day >= FIRST_MINED_DAY && BLOCK_DERIVED_COLUMNS.includes(column)) return null;
  return value;
}

/** The latest index before `i`, at most LOOKBACK_DAYS earlier, where `usable(j)` holds. */
function previousIndex(series: DailySeries, i: number, usable: (j: number) => boolean): number {
  const day = series.dates[i] ?? '';
  for (let j = i - 1; j >= 0; j--) {
    if (daysBetween(series.dates[j] ?? '', day) > LOOKBACK_DAYS) return -1;
    if (usable(j)) return j;
  }
  return -1;
}

/** Coin Metrics contradicting itself on day `i`: market cap ÷ supply vs price, implied difficulty. */
function selfContradictions(series: DailySeries, i: number): string[] {
  const day = series.dates[i] ?? '';
  const out: string[] = [];
  const price = receivedValue(series, 'PriceUSD', i);
  const cap = receivedValue(series, 'CapMrktCurUSD', i);
  const supply = receivedValue(series, 'SplyCur', i);
  if (
    price !== null &&
    cap !== null &&
    supply !== null &&
    !within(cap / supply / price, MARKET_CAP_TOLERANCE)
  ) {
    out.push(
      `Coin Metrics contradicts itself on ${day}: PriceUSD is ${show('PriceUSD', price)} but CapMrktCurUSD ÷ SplyCur is ${show('PriceUSD', cap / supply)}`,
    );
  }
  const difficulty = (j: number): number | null => {
    const hashrate = receivedValue(series, 'HashRate', j);
    const blocks = receivedValue(series, 'BlkCnt', j);
    return hashrate === null || blocks === null ? null : hashrate / blocks;
  };
  const today = difficulty(i);
  const j = today === null ? -1 : previousIndex(series, i, (k) => difficulty(k) !== null);
  const before = j < 0 ? null : difficulty(j);
  if (today !== null && before !== null && !within(today / before, IMPLIED_DIFFICULTY_DAILY_MOVE)) {
    const hashrate = receivedValue(series, 'HashRate', i) ?? 0;
    const blocks = receivedValue(series, 'BlkCnt', i) ?? 0;
    out.push(
      `Coin Metrics contradicts itself on ${day}: HashRate ${show('HashRate', hashrate)} over ${significant(blocks)} blocks (BlkCnt) implies a difficulty ${factor(today / before)} that of ${series.dates[j]}, where a day's difficulty moves less than ×${IMPLIED_DIFFICULTY_DAILY_MOVE}`,
    );
  }
  return out;
}

/** How one judged value came out. */
interface MoveJudgement {
  conflict: string | null;
  discredited: Witness[];
  note: string | null;
}

/**
 * Rules 2 and 3 for one value: its move from Coin Metrics' previous value and what the witnesses say.
 * `missing` explains why no independent witness exists, for the message when one was needed.
 */
function judgeMove(
  series: DailySeries,
  column: JudgedColumn,
  i: number,
  witnesses: readonly Witness[],
  missing: string,
): MoveJudgement {
  const none: MoveJudgement = { conflict: null, discredited: [], note: null };
  const value = receivedValue(series, column, i);
  if (value === null) return none;
  const day = series.dates[i] ?? '';
  const bound = PLAUSIBLE_DAILY_MOVE[column];
  const j = previousIndex(series, i, (k) => receivedValue(series, column, k) !== null);
  const previous = j < 0 ? null : receivedValue(series, column, j);
  const moveOk = previous === null || within(value / previous, bound);
  const agree = witnesses.filter((w) => within(w.value / value, w.tolerance));
  const dissent = witnesses.filter((w) => !agree.includes(w));
  // A dissenter is outvoted by another witness, or by Coin Metrics' own continuity when its move is not.
  const discredited = dissent.filter(
    (w) => agree.length > 0 || (moveOk && previous !== null && !within(w.value / previous, bound)),
  );
  const unsettled = dissent.filter((w) => !discredited.includes(w));
  const stated = `Coin Metrics ${column} on ${day} is ${show(column, value)}`;
  const move =
    previous === null
      ? ''
      : ` (${factor(value / previous)} the ${show(column, previous)} of ${series.dates[j]})`;
  if (unsettled.length > 0) {
    const others = unsettled.map((w) => `${w.label} is ${show(column, w.value)}`).join(' and ');
    return { conflict: `${stated}${move}, but ${others}`, discredited, note: null };
  }
  if (!moveOk && agree.length === 0) {
    return {
      conflict: `${stated}${move}: a move beyond ×${bound} in a day that no independent witness confirms (${missing})`,
      discredited,
      note: null,
    };
  }
  const note =
    !moveOk && agree.length > 0
      ? `${stated}${move}, a move beyond ×${bound} confirmed by ${agree.map((w) => w.label).join(' and ')}`
      : null;
  return { conflict: null, discredited, note };
}

/** Why a source is not a witness, in a few words. */
function absence(label: string, outcome: SourceOutcome<unknown>): string {
  return outcome.status === 'ok' ? `${label}: no value for that day` : `${label}: ${outcome.reason}`;
}

/**
 * mempool's price at the as-of day's close: its historical price when it is at the close, and its current
 * price when taken soon enough after it. Either, both or neither may qualify.
 */
function priceWitnesses(
  asOf: string,
  closePrice: SourceOutcome<HistoricalPrice>,
  current: SourceOutcome<CurrentPrice>,
): { witnesses: Witness[]; missing: string } {
  const close = closeOfDay(asOf);
  const secondsOf = (time: string): number => Date.parse(time) / 1000;
  const witnesses: Witness[] = [];
  const missing: string[] = [];
  if (closePrice.status !== 'ok') {
    missing.push(absence("mempool's price at the close", closePrice));
  } else if (closePrice.value === null) {
    missing.push("mempool's price at the close: none");
  } else if (Math.abs(secondsOf(closePrice.value.time) - close) > CLOSE_WINDOW_S) {
    missing.push(`mempool's price at the close: its nearest is from ${closePrice.value.time}`);
  } else {
    witnesses.push({
      kind: 'close-price',
      label: `mempool's price at that day's close (${closePrice.value.time})`,
      value: closePrice.value.usd,
      tolerance: WITNESS_TOLERANCE.closePrice,
    });
  }
  if (current.status !== 'ok') {
    missing.push(absence("mempool's current price", current));
  } else {
    const age = secondsOf(current.value.time) - close;
    if (age < -CLOSE_WINDOW_S || age > CURRENT_PRICE_MAX_AGE_S) {
      missing.push(`mempool's current price is from ${current.value.time}`);
    } else {
      witnesses.push({
        kind: 'current-price',
        label: `mempool's current price (${current.value.time})`,
        value: current.value.usd,
        tolerance: WITNESS_TOLERANCE.currentPrice,
      });
    }
  }
  return { witnesses, missing: missing.join('; ') };
}

/** mempool's daily hashrate as a witness for Coin Metrics' HashRate (TH/s) on `day`. */
function hashrateWitnesses(
  day: string,
  history: SourceOutcome<HashrateHistory>,
): { witnesses: Witness[]; missing: string } {
  if (history.status !== 'ok') return { witnesses: [], missing: absence("mempool's hashrate", history) };
  const entry = history.value.hashrates.find((h) => h.date === day);
  if (!entry) return { witnesses: [], missing: `mempool's hashrate: no value for ${day}` };
  return {
    witnesses: [
      {
        kind: 'hashrate',
        label: `mempool's hashrate for that day`,
        value: entry.hashrateHs / 1e12,
        tolerance: WITNESS_TOLERANCE.hashrate,
      },
    ],
    missing: '',
  };
}

/**
 * Judges Coin Metrics' days `first`…`last` (indices) with the witnesses `witnessesFor` supplies (by
 * default none: Coin Metrics judged on its own). Returns the conflicts with their day, the notes and every
 * discredited witness with its day.
 */
export function judgeSeries(
  series: DailySeries,
  first: number,
  last: number,
  witnessesFor: (column: JudgedColumn, i: number) => { witnesses: Witness[]; missing: string } = () => ({
    witnesses: [],
    missing: 'no independent witness consulted',
  }),
): {
  conflicts: { day: string; message: string }[];
  notes: string[];
  discredited: { day: string; witness: Witness }[];
} {
  const conflicts: { day: string; message: string }[] = [];
  const notes: string[] = [];
  const discredited: { day: string; witness: Witness }[] = [];
  for (let i = Math.max(0, first); i <= last && i < series.dates.length; i++) {
    const day = series.dates[i] ?? '';
    for (const message of selfContradictions(series, i)) conflicts.push({ day, message });
    for (const column of JUDGED_COLUMNS) {
      const { witnesses, missing } = witnessesFor(column, i);
      const judged = judgeMove(series, column, i, witnesses, missing);
      if (judged.conflict !== null) conflicts.push({ day, message: judged.conflict });
      if (judged.note !== null) notes.push(judged.note);
      for (const witness of judged.discredited) {
        discredited.push({ day, witness });
        notes.push(
          `${witness.label} on ${day} (${show(column, witness.value)}) disagrees with Coin Metrics and its own previous day; left out`,
        );
      }
    }
  }
  return { conflicts, notes, discredited };
}

/** The inputs with discredited mempool values left out, and the verdict. */
export interface JudgedInputs {
  inputs: ReportInputs;
  verdict: IntegrityVerdict;
}

/**
 * Applies the rule to the days an issue for `inputs.asOf` reads. `closePrice` is mempool's price at the
 * as-of day's close (not part of ReportInputs: it only witnesses). A discredited current price fails the
 * `price` source; a discredited daily hashrate is left out of mempool's history with a warning.
 */
export function judgeInputs(inputs: ReportInputs, closePrice: SourceOutcome<HistoricalPrice>): JudgedInputs {
  const verdict: IntegrityVerdict = { asOf: inputs.asOf, conflicts: [], notes: [] };
  if (inputs.coinMetrics.status !== 'ok') return { inputs, verdict };
  const series = inputs.coinMetrics.value;
  const last = series.dates.lastIndexOf(inputs.asOf);
  if (last < 0) return { inputs, verdict };
  const prices = priceWitnesses(inputs.asOf, closePrice, inputs.price);
  const judged = judgeSeries(series, last - (JUDGED_DAYS - 1), last, (column, i) => {
    if (column === 'HashRate') return hashrateWitnesses(series.dates[i] ?? '', inputs.hashrateHistory);
    if (i === last) return prices;
    return { witnesses: [], missing: `mempool's price is asked only for the as-of day ${inputs.asOf}` };
  });
  verdict.conflicts.push(...judged.conflicts.map((c) => c.message));
  verdict.notes.push(...judged.notes);

  let { price, hashrateHistory } = inputs;
  for (const { day, witness } of judged.discredited) {
    if (witness.kind === 'current-price' && price.status === 'ok') {
      price = {
        status: 'failed',
        reason: `mempool prices is implausible: USD ${price.value.usd} against Coin Metrics' ${significant(receivedValue(series, 'PriceUSD', last) ?? 0)} on ${day}`,
        url: price.url,
        fetchedAt: price.fetchedAt,
        attempts: price.attempts,
      };
    }
    if (witness.kind === 'hashrate' && hashrateHistory.status === 'ok') {
      const history = hashrateHistory.value;
      hashrateHistory = {
        ...hashrateHistory,
        value: { ...history, hashrates: history.hashrates.filter((h) => h.date !== day) },
        warnings: [
          ...hashrateHistory.warnings,
          `mempool hashrate on ${day} (${significant(witness.value / 1e6)} EH/s) disagrees with Coin Metrics' and with the day before; left out`,
        ],
      };
    }
  }
  return { inputs: { ...inputs, price, hashrateHistory }, verdict };
}
