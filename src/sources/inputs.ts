/**
 * Fetches everything one report needs, all upstreams at once, and returns it as `ReportInputs` plus the
 * raw recordings. Upstream trouble never throws: each source ends as ok, failed (with a readable reason)
 * or skipped (with why).
 */

import type {
  CurrentPrice,
  DailySeries,
  HashrateHistory,
  HistoricalPrice,
  ReportInputs,
  SourceOutcome,
} from '../contracts/report-inputs';
import { addDays, isIsoDay, utcDay } from '../days';
import type { FetchPorts, Reporter } from '../ports';
import { type CoinMetricsResult, coinMetricsFirstUrl, fetchCoinMetricsSeries } from './coinmetrics';
import { describeError, UpstreamError } from './errors';
import {
  COINMETRICS_COMMUNITY_LIMIT,
  createHttpClient,
  type HttpClient,
  type HttpResponse,
  type HttpSettings,
  type ResponseAttempts,
  type ResponseTime,
} from './http';
import { type IntegrityVerdict, judgeInputs } from './integrity';
import {
  fetchMempool,
  fetchMempoolRaw,
  hashrateEndpoint,
  historicalPriceEndpoint,
  interpretMempool,
  MEMPOOL_ENDPOINTS,
  type MempoolEndpoint,
  type MempoolResult,
  mempoolUrl,
} from './mempool';
import {
  type Parsed,
  parseDifficultyAdjustment,
  parseHashrateHistory,
  parseHistoricalPrice,
  parsePools,
  parsePrices,
  parseRewardStats,
  parseTipHeight,
} from './mempool-parse';
import { fromSyntheticData, type RecordedResponse } from './recording';
import { cutSeries, lastCompleteDay } from './series';

export { lastCompleteDay } from './series';

/** Ports and HTTP settings for one report's fetching. */
export interface SourceDeps extends FetchPorts {
  settings?: Partial<HttpSettings>;
  /** Replay supplies the recorded fetch time of each response. */
  responseTime?: ResponseTime;
  /** Replay supplies the recorded attempt count of each response. */
  responseAttempts?: ResponseAttempts;
}

export interface FetchReportOptions {
  coinMetricsUrl: string;
  mempoolUrl: string;
  /** `YYYY-MM-DD`; default: the last complete UTC day Coin Metrics has a price for. */
  asOf?: string;
  /** Marks the inputs as the bundled sample data. */
  sample?: boolean;
  /**
   * `YYYY-MM-DD`: ask Coin Metrics for days from this one only (the alert run's window of recent days);
   * default: the whole history.
   */
  coinMetricsFrom?: string;
}

/**
 * An as-of day this close to today counts as the present: Coin Metrics publishes a day late, sometimes
 * two, and last week's pools still describe such a day. Anything older is a report about the past.
 */
export const PRESENT_WINDOW_DAYS = 2;

function describesThePast(asOf: string, today: string): boolean {
  return asOf < addDays(today, -PRESENT_WINDOW_DAYS);
}

function presentOnlySkipped<T>(ep: MempoolEndpoint, url: string, asOf: string): SourceOutcome<T> {
  return {
    status: 'skipped',
    reason: `${ep.label} only describes the present; the report is for ${asOf}`,
    url,
  };
}

/** Bad options (not upstream trouble): thrown, names the field. */
export class InputsOptionError extends Error {
  override name = 'InputsOptionError';
}

/** Limits applied unless the caller overrides them: Coin Metrics community pacing, gentle on mempool. */
const DEFAULT_LIMITS = {
  coinmetrics: COINMETRICS_COMMUNITY_LIMIT,
  mempool: { concurrency: 3 },
};

function failed<T>(error: unknown, url: string): SourceOutcome<T> {
  if (error instanceof UpstreamError) {
    return {
      status: 'failed',
      reason: error.message,
      url,
      fetchedAt: error.fetchedAt,
      attempts: error.attempts,
      ...(error.kind === 'no-data' ? { noData: true as const } : {}),
    };
  }
  // A bug in a parser must not take the whole report down either; the reason makes it visible.
  return {
    status: 'failed',
    reason: `unexpected error: ${describeError(error)}`,
    url,
    fetchedAt: null,
    attempts: 0,
  };
}

async function settle<T>(work: Promise<MempoolResult<T>>, url: string): Promise<SourceOutcome<T>> {
  try {
    const r = await work;
    return {
      status: 'ok',
      value: r.value,
      url: r.url,
      fetchedAt: r.fetchedAt,
      attempts: r.attempts,
      warnings: r.warnings,
    };
  } catch (error) {
    return failed(error, url);
  }
}

/** What fetchReportInputs hands back. */
export interface FetchedReportInputs {
  inputs: ReportInputs;
  recordings: RecordedResponse[];
  /** Whether the witnesses settle Coin Metrics' figures (see integrity.ts); conflicts hold the issue. */
  integrity: IntegrityVerdict;
}

/**
 * Fetches all sources concurrently. A past report (as-of before yesterday, UTC, per the clock) skips
 * mempool's present-only endpoints; series are cut to dates ≤ as-of. mempool's price at the as-of day's
 * close is asked too (once the day is known), as a witness for the integrity verdict. Throws only
 * InputsOptionError.
 */
export async function fetchReportInputs(
  deps: SourceDeps,
  options: FetchReportOptions,
): Promise<FetchedReportInputs> {
  const today = utcDay(deps.clock());
  checkOptions(options, today);
  const recordings: RecordedResponse[] = [];
  const http = recordingHttpClient(deps, recordings);
  const fetching = startFetching(http, deps.reporter, options, today);
  const { asOf, sources, closePrice } = await settleSources(fetching, deps.reporter, options, today);
  sortRecordings(recordings);
  const sample = (options.sample ?? false) || fromSyntheticData(recordings);
  const { inputs, integrity } = judgeAndCrossCheck({ asOf, sample, ...sources }, closePrice, deps.reporter);
  return { inputs, recordings, integrity };
}

/** Every fetch of one report, started at once; settleSources waits for them. */
interface Fetching {
  /** The report is about a past day, known before fetching: present-only endpoints are not asked. */
  past: boolean;
  mempool: MempoolFetcher;
  coinMetricsUrl: string;
  coinMetrics: Promise<Settled<CoinMetricsResult>>;
  hashrateEp: MempoolEndpoint;
  hashrate: Promise<Settled<HttpResponse & { json: unknown }>>;
  present: PresentWork;
  /** mempool's close price, asked at once when the day is given (else once Coin Metrics has said it). */
  earlyClosePrice: Promise<SourceOutcome<HistoricalPrice>> | null;
}

function startFetching(
  http: HttpClient,
  reporter: Reporter,
  options: FetchReportOptions,
  today: string,
): Fetching {
  // Decided before fetching when the day is given, so a past report never asks for present-only data.
  const past = options.asOf !== undefined && describesThePast(options.asOf, today);
  const mempool = mempoolFetcher(http, options.mempoolUrl, reporter);
  reporter.info('fetching Coin Metrics and mempool.space', { past });
  const coinMetrics = settled(
    fetchCoinMetricsSeries(http, {
      baseUrl: options.coinMetricsUrl,
      asOf: options.asOf,
      ...(options.coinMetricsFrom !== undefined ? { from: options.coinMetricsFrom } : {}),
      reporter,
    }),
  );
  const hashrateEp = hashrateEndpoint(options.asOf, today);
  return {
    past,
    mempool,
    coinMetricsUrl: coinMetricsFirstUrl(options.coinMetricsUrl, options.asOf, options.coinMetricsFrom),
    coinMetrics,
    hashrateEp,
    hashrate: settled(fetchMempoolRaw(http, options.mempoolUrl, hashrateEp)),
    present: startPresentFetches(mempool, past ? (options.asOf ?? '') : null),
    earlyClosePrice: options.asOf === undefined ? null : mempool.closePrice(options.asOf),
  };
}

/**
 * Waits for every source, in the order each depends on: Coin Metrics settles the report's day (when not
 * given), which decides how the hashrate history is read and whether present-only data still applies.
 */
async function settleSources(
  fetching: Fetching,
  reporter: Reporter,
  options: FetchReportOptions,
  today: string,
): Promise<{
  asOf: string;
  sources: Omit<ReportInputs, 'asOf' | 'sample'>;
  closePrice: SourceOutcome<HistoricalPrice>;
}> {
  const cm = await fetching.coinMetrics;
  const { asOf, warnings } = settleAsOf(cm, options.asOf, today);
  const closePriceAnswer = fetching.earlyClosePrice ?? fetching.mempool.closePrice(asOf);
  // Coin Metrics lagging days behind (or a stale dataset) makes even the default day a past one.
  const pastReport = fetching.past || describesThePast(asOf, today);

  const coinMetrics = coinMetricsOutcome(cm, asOf, fetching.coinMetricsUrl, warnings);
  reportOutcome(reporter, 'Coin Metrics asset metrics', coinMetrics);
  const hashrateHistory = await hashrateOutcome(fetching, { asOf, past: pastReport });
  reportOutcome(reporter, fetching.hashrateEp.label, hashrateHistory);
  const present = await presentOutcomes(fetching.present, pastReport ? asOf : null);
  const closePrice = await closePriceAnswer;
  const { pools, difficultyAdjustment, tipHeight, rewardStats, price } = present;
  return {
    asOf,
    sources: { coinMetrics, pools, difficultyAdjustment, hashrateHistory, tipHeight, rewardStats, price },
    closePrice,
  };
}

/** Refuses options that are not calendar days, and an as-of day that is not complete yet (UTC). */
function checkOptions(options: FetchReportOptions, today: string): void {
  if (options.asOf !== undefined && !isIsoDay(options.asOf)) {
    throw new InputsOptionError(
      `asOf must be a calendar day written YYYY-MM-DD (got ${JSON.stringify(options.asOf)})`,
    );
  }
  if (options.coinMetricsFrom !== undefined && !isIsoDay(options.coinMetricsFrom)) {
    throw new InputsOptionError(
      `coinMetricsFrom must be a calendar day written YYYY-MM-DD (got ${JSON.stringify(options.coinMetricsFrom)})`,
    );
  }
  if (options.asOf !== undefined && options.asOf >= today) {
    throw new InputsOptionError(
      `asOf must be a complete UTC day, ${addDays(today, -1)} or earlier (got ${options.asOf})`,
    );
  }
}

/** The report's one HTTP client, with the default host limits, pushing every final outcome to `recordings`. */
function recordingHttpClient(deps: SourceDeps, recordings: RecordedResponse[]): HttpClient {
  return createHttpClient({
    fetch: deps.fetch,
    clock: deps.clock,
    sleep: deps.sleep,
    random: deps.random,
    reporter: deps.reporter,
    responseTime: deps.responseTime,
    responseAttempts: deps.responseAttempts,
    recorder: (recording) => recordings.push(recording),
    settings: { ...deps.settings, hostLimits: { ...DEFAULT_LIMITS, ...deps.settings?.hostLimits } },
  });
}

/** A fetch's result or what it threw, so it can be awaited later without an unhandled rejection. */
type Settled<T> = { ok: true; r: T } | { ok: false; error: unknown };

function settled<T>(work: Promise<T>): Promise<Settled<T>> {
  return work.then(
    (r) => ({ ok: true as const, r }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

/** mempool endpoints fetched and parsed into SourceOutcomes, each reported as it settles. */
interface MempoolFetcher {
  url(ep: MempoolEndpoint): string;
  outcome<T>(ep: MempoolEndpoint, parse: (body: unknown) => Parsed<T>): Promise<SourceOutcome<T>>;
  /** mempool's price at the close of `day`: the integrity rule's witness for Coin Metrics' close. */
  closePrice(day: string): Promise<SourceOutcome<HistoricalPrice>>;
}

function mempoolFetcher(http: HttpClient, baseUrl: string, reporter: Reporter): MempoolFetcher {
  const outcome = <T>(ep: MempoolEndpoint, parse: (body: unknown) => Parsed<T>) =>
    settle(fetchMempool(http, baseUrl, ep, parse), mempoolUrl(baseUrl, ep)).then((settledOutcome) => {
      reportOutcome(reporter, ep.label, settledOutcome);
      return settledOutcome;
    });
  return {
    url: (ep) => mempoolUrl(baseUrl, ep),
    outcome,
    closePrice: (day) => outcome(historicalPriceEndpoint(day), parseHistoricalPrice),
  };
}

/** The inputs only mempool's present-only endpoints give. */
type PresentInputs = Pick<
  ReportInputs,
  'pools' | 'difficultyAdjustment' | 'tipHeight' | 'rewardStats' | 'price'
>;
type PresentWork = { [K in keyof PresentInputs]: Promise<PresentInputs[K]> };

const PRESENT_ENDPOINTS: Record<keyof PresentInputs, MempoolEndpoint> = {
  pools: MEMPOOL_ENDPOINTS.pools,
  difficultyAdjustment: MEMPOOL_ENDPOINTS.difficultyAdjustment,
  tipHeight: MEMPOOL_ENDPOINTS.tipHeight,
  rewardStats: MEMPOOL_ENDPOINTS.rewardStats,
  price: MEMPOOL_ENDPOINTS.prices,
};

/**
 * Starts the present-only fetches; with `pastAsOf` (a report about that past day, known before fetching)
 * none is asked, each is skipped.
 */
function startPresentFetches(mempool: MempoolFetcher, pastAsOf: string | null): PresentWork {
  const present = <T>(key: keyof PresentInputs, parse: (body: unknown) => Parsed<T>) => {
    const ep = PRESENT_ENDPOINTS[key];
    if (pastAsOf === null) return mempool.outcome(ep, parse);
    return Promise.resolve(presentOnlySkipped<T>(ep, mempool.url(ep), pastAsOf));
  };
  return {
    pools: present('pools', parsePools),
    difficultyAdjustment: present('difficultyAdjustment', parseDifficultyAdjustment),
    tipHeight: present('tipHeight', parseTipHeight),
    rewardStats: present('rewardStats', parseRewardStats),
    price: present('price', parsePrices),
  };
}

/**
 * The present-only outcomes. With `pastAsOf` (the report turned out to be about that past day: the data
 * ends days ago) they were fetched as the present, but today's pools and difficulty don't describe it.
 */
async function presentOutcomes(work: PresentWork, pastAsOf: string | null): Promise<PresentInputs> {
  const asPresentOnly = async <T>(outcomeWork: Promise<SourceOutcome<T>>, key: keyof PresentInputs) => {
    const outcome = await outcomeWork;
    if (pastAsOf === null || outcome.status === 'skipped') return outcome;
    return presentOnlySkipped<T>(PRESENT_ENDPOINTS[key], outcome.url, pastAsOf);
  };
  const [pools, difficultyAdjustment, tipHeight, rewardStats, price] = await Promise.all([
    asPresentOnly(work.pools, 'pools'),
    asPresentOnly(work.difficultyAdjustment, 'difficultyAdjustment'),
    asPresentOnly(work.tipHeight, 'tipHeight'),
    asPresentOnly(work.rewardStats, 'rewardStats'),
    asPresentOnly(work.price, 'price'),
  ]);
  return { pools, difficultyAdjustment, tipHeight, rewardStats, price };
}

/**
 * The report's day: the one asked for, else the last complete day Coin Metrics has a price for (else
 * yesterday, with a warning when Coin Metrics answered without one).
 */
function settleAsOf(
  cm: Settled<CoinMetricsResult>,
  requested: string | undefined,
  today: string,
): { asOf: string; warnings: string[] } {
  if (requested !== undefined) return { asOf: requested, warnings: [] };
  // The day is taken from when Coin Metrics answered, so a replay picks the same day as the original.
  const last = cm.ok ? lastCompleteDay(cm.r.series, utcDay(new Date(cm.r.fetchedAt))) : null;
  const asOf = last ?? addDays(today, -1);
  if (cm.ok && last === null) {
    return { asOf, warnings: [`Coin Metrics has no complete day with a price; as-of set to ${asOf}`] };
  }
  return { asOf, warnings: [] };
}

/** Coin Metrics' series cut to the as-of day; failed (no data) when it does not reach that day. */
function coinMetricsOutcome(
  cm: Settled<CoinMetricsResult>,
  asOf: string,
  url: string,
  asOfWarnings: string[],
): SourceOutcome<DailySeries> {
  if (!cm.ok) return failed(cm.error, url);
  const { r } = cm;
  const series = cutSeries(r.series, asOf);
  const lastDay = series.dates.at(-1);
  if (lastDay === undefined || lastDay < asOf) {
    // An issue for a day the data does not reach would be all nulls, archived for good under that
    // day's id: refuse it, so a later run with the data can make the real one.
    return {
      status: 'failed',
      reason:
        lastDay === undefined
          ? `Coin Metrics asset metrics has no data on or before ${asOf}`
          : `Coin Metrics has no data for ${asOf} yet (its data ends ${lastDay})`,
      url: r.url,
      fetchedAt: r.fetchedAt,
      attempts: r.attempts,
      noData: true,
    };
  }
  return {
    status: 'ok',
    value: series,
    url: r.url,
    fetchedAt: r.fetchedAt,
    attempts: r.attempts,
    warnings: [...r.warnings, ...asOfWarnings],
  };
}

/** mempool's hashrate history, read once the report's day (and whether it is a past one) is known. */
async function hashrateOutcome(
  fetching: Fetching,
  day: { asOf: string; past: boolean },
): Promise<SourceOutcome<HashrateHistory>> {
  const hr = await fetching.hashrate;
  const ep = fetching.hashrateEp;
  const url = fetching.mempool.url(ep);
  if (!hr.ok) return failed(hr.error, url);
  return settle(
    Promise.resolve().then(() => interpretMempool(ep, hr.r, (body) => parseHashrateHistory(body, day))),
    url,
  );
}

/** Recordings in a stable order (source, then name), whatever order the fetches finished in. */
function sortRecordings(recordings: RecordedResponse[]): void {
  recordings.sort((a, b) => {
    const ka = `${a.source}-${a.name}`;
    const kb = `${b.source}-${b.name}`;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}

/** The integrity verdict over the inputs (its notes and conflicts reported), then the price cross-check. */
function judgeAndCrossCheck(
  fetched: ReportInputs,
  closePrice: SourceOutcome<HistoricalPrice>,
  reporter: Reporter,
): Omit<FetchedReportInputs, 'recordings'> {
  const judged = judgeInputs(fetched, closePrice);
  for (const note of judged.verdict.notes) reporter.info(`integrity: ${note}`);
  // Progress only: a conflict is the caller's to report (produceIssue holds the issue, naming them all).
  for (const conflict of judged.verdict.conflicts) reporter.info(`integrity: unsettled: ${conflict}`);
  const inputs = {
    ...judged.inputs,
    price: crossCheckPrice(judged.inputs.price, fetched.coinMetrics, fetched.asOf),
  };
  return { inputs, integrity: judged.verdict };
}

/**
 * A spot price more than 2× away from Coin Metrics' close is wrong, whichever of the two moved: no real
 * day has moved that much (the integrity rule holds an issue whose Coin Metrics close did).
 */
const MAX_PRICE_DISAGREEMENT = 2;

/**
 * Fails mempool's price when it disagrees wildly with Coin Metrics' latest close (on or before as-of):
 * a unit or scaling error, never a real move. Judged after the integrity rule has settled that close.
 */
export function crossCheckPrice(
  price: SourceOutcome<CurrentPrice>,
  coinMetrics: SourceOutcome<DailySeries>,
  asOf: string,
): SourceOutcome<CurrentPrice> {
  if (price.status !== 'ok' || coinMetrics.status !== 'ok') return price;
  const { dates, values } = coinMetrics.value;
  for (let i = dates.length - 1; i >= 0; i--) {
    const close = values.PriceUSD[i];
    if (close === null || close === undefined || close <= 0) continue;
    const ratio = price.value.usd / close;
    if (ratio > MAX_PRICE_DISAGREEMENT || ratio < 1 / MAX_PRICE_DISAGREEMENT) {
      return {
        status: 'failed',
        reason: `mempool prices is implausible: USD ${price.value.usd} against Coin Metrics' ${close} on ${dates[i] ?? asOf}`,
        url: price.url,
        fetchedAt: price.fetchedAt,
        attempts: price.attempts,
      };
    }
    return price;
  }
  return price;
}

function reportOutcome(reporter: Reporter, label: string, outcome: SourceOutcome<unknown>): void {
  if (outcome.status === 'ok') reporter.info(`${label}: ok`, { attempts: outcome.attempts });
  else if (outcome.status === 'failed') reporter.info(`${label}: failed: ${outcome.reason}`);
  else reporter.info(`${label}: skipped: ${outcome.reason}`);
}
