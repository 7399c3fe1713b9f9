/**
 * Fetches everything one report needs, all upstreams at once, and returns it as `ReportInputs` plus the
 * raw recordings. Upstream trouble never throws: each source ends as ok, failed (with a readable reason)
 * or skipped (with why).
 */

import type {
  CurrentPrice,
  DailySeries,
  HistoricalPrice,
  ReportInputs,
  SourceOutcome,
} from '../contracts/report-inputs';
import { addDays, isIsoDay, utcDay } from '../days';
import type { Clock, Fetch, Random, Reporter, Sleep } from '../ports';
import { coinMetricsFirstUrl, fetchCoinMetricsSeries } from './coinmetrics';
import { describeError, UpstreamError } from './errors';
import {
  COINMETRICS_COMMUNITY_LIMIT,
  createHttpClient,
  type HttpClient,
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
export interface SourceDeps {
  fetch: Fetch;
  clock: Clock;
  sleep: Sleep;
  random: Random;
  reporter: Reporter;
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
  const today = utcDay(deps.clock());
  if (options.asOf !== undefined && options.asOf >= today) {
    throw new InputsOptionError(
      `asOf must be a complete UTC day, ${addDays(today, -1)} or earlier (got ${options.asOf})`,
    );
  }
  const recordings: RecordedResponse[] = [];
  const http: HttpClient = createHttpClient({
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
  const { reporter } = deps;
  // Decided before fetching when the day is given, so a past report never asks for present-only data.
  const past = options.asOf !== undefined && describesThePast(options.asOf, today);

  const present = <T>(
    ep: MempoolEndpoint,
    parse: (body: unknown) => Parsed<T>,
  ): Promise<SourceOutcome<T>> => {
    const url = mempoolUrl(options.mempoolUrl, ep);
    if (past) return Promise.resolve(presentOnlySkipped(ep, url, options.asOf ?? ''));
    return settle(fetchMempool(http, options.mempoolUrl, ep, parse), url).then((outcome) => {
      reportOutcome(reporter, ep.label, outcome);
      return outcome;
    });
  };

  reporter.info('fetching Coin Metrics and mempool.space', { past });
  const cmUrl = coinMetricsFirstUrl(options.coinMetricsUrl, options.asOf, options.coinMetricsFrom);
  const cmWork = fetchCoinMetricsSeries(http, {
    baseUrl: options.coinMetricsUrl,
    asOf: options.asOf,
    ...(options.coinMetricsFrom !== undefined ? { from: options.coinMetricsFrom } : {}),
    reporter,
  }).then(
    (r) => ({ ok: true as const, r }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  const hashrateEp = hashrateEndpoint(options.asOf, today);
  const hashrateWork = fetchMempoolRaw(http, options.mempoolUrl, hashrateEp).then(
    (r) => ({ ok: true as const, r }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  const poolsWork = present(MEMPOOL_ENDPOINTS.pools, parsePools);
  const difficultyWork = present(MEMPOOL_ENDPOINTS.difficultyAdjustment, parseDifficultyAdjustment);
  const tipWork = present(MEMPOOL_ENDPOINTS.tipHeight, parseTipHeight);
  const rewardWork = present(MEMPOOL_ENDPOINTS.rewardStats, parseRewardStats);
  const priceWork = present(MEMPOOL_ENDPOINTS.prices, parsePrices);
  const closePriceWork = (day: string): Promise<SourceOutcome<HistoricalPrice>> => {
    const ep = historicalPriceEndpoint(day);
    return settle(
      fetchMempool(http, options.mempoolUrl, ep, parseHistoricalPrice),
      mempoolUrl(options.mempoolUrl, ep),
    ).then((outcome) => {
      reportOutcome(reporter, ep.label, outcome);
      return outcome;
    });
  };
  // With the day given, the close price is asked alongside everything else; otherwise once Coin Metrics
  // has said which day it is.
  const earlyClosePrice = options.asOf === undefined ? null : closePriceWork(options.asOf);

  const cm = await cmWork;
  const cmWarnings: string[] = [];
  let asOf = options.asOf;
  if (asOf === undefined) {
    // The day is taken from when Coin Metrics answered, so a replay picks the same day as the original.
    const last = cm.ok ? lastCompleteDay(cm.r.series, utcDay(new Date(cm.r.fetchedAt))) : null;
    asOf = last ?? addDays(today, -1);
    if (cm.ok && last === null)
      cmWarnings.push(`Coin Metrics has no complete day with a price; as-of set to ${asOf}`);
  }

  const closePriceAnswer = earlyClosePrice ?? closePriceWork(asOf);

  // Coin Metrics lagging days behind (or a stale dataset) makes even the default day a past one.
  const pastReport = past || describesThePast(asOf, today);

  let coinMetrics: SourceOutcome<DailySeries>;
  if (cm.ok) {
    const series = cutSeries(cm.r.series, asOf);
    const lastDay = series.dates.at(-1);
    if (lastDay === undefined || lastDay < asOf) {
      // An issue for a day the data does not reach would be all nulls, archived for good under that
      // day's id: refuse it, so a later run with the data can make the real one.
      coinMetrics = {
        status: 'failed',
        reason:
          lastDay === undefined
            ? `Coin Metrics asset metrics has no data on or before ${asOf}`
            : `Coin Metrics has no data for ${asOf} yet (its data ends ${lastDay})`,
        url: cm.r.url,
        fetchedAt: cm.r.fetchedAt,
        attempts: cm.r.attempts,
        noData: true,
      };
    } else {
      coinMetrics = {
        status: 'ok',
        value: series,
        url: cm.r.url,
        fetchedAt: cm.r.fetchedAt,
        attempts: cm.r.attempts,
        warnings: [...cm.r.warnings, ...cmWarnings],
      };
    }
  } else {
    coinMetrics = failed(cm.error, cmUrl);
  }
  reportOutcome(reporter, 'Coin Metrics asset metrics', coinMetrics);

  const hr = await hashrateWork;
  const hashrateUrl = mempoolUrl(options.mempoolUrl, hashrateEp);
  const hashrateHistory = hr.ok
    ? await settle(
        Promise.resolve().then(() =>
          interpretMempool(hashrateEp, hr.r, (body) =>
            parseHashrateHistory(body, { asOf, past: pastReport }),
          ),
        ),
        hashrateUrl,
      )
    : failed<never>(hr.error, hashrateUrl);
  reportOutcome(reporter, hashrateEp.label, hashrateHistory);

  // Fetched as the present, but the data ends days ago: today's pools and difficulty don't describe it.
  const asPresentOnly = async <T>(work: Promise<SourceOutcome<T>>, ep: MempoolEndpoint) => {
    const outcome = await work;
    if (!pastReport || outcome.status === 'skipped') return outcome;
    return presentOnlySkipped<T>(ep, outcome.url, asOf);
  };
  const [pools, difficultyAdjustment, tipHeight, rewardStats, price] = await Promise.all([
    asPresentOnly(poolsWork, MEMPOOL_ENDPOINTS.pools),
    asPresentOnly(difficultyWork, MEMPOOL_ENDPOINTS.difficultyAdjustment),
    asPresentOnly(tipWork, MEMPOOL_ENDPOINTS.tipHeight),
    asPresentOnly(rewardWork, MEMPOOL_ENDPOINTS.rewardStats),
    asPresentOnly(priceWork, MEMPOOL_ENDPOINTS.prices),
  ]);
  const closePrice = await closePriceAnswer;
  recordings.sort((a, b) => {
    const ka = `${a.source}-${a.name}`;
    const kb = `${b.source}-${b.name}`;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  const judged = judgeInputs(
    {
      asOf,
      sample: (options.sample ?? false) || fromSyntheticData(recordings),
      coinMetrics,
      pools,
      difficultyAdjustment,
      hashrateHistory,
      tipHeight,
      rewardStats,
      price,
    },
    closePrice,
  );
  for (const note of judged.verdict.notes) reporter.info(`integrity: ${note}`);
  // Progress only: a conflict is the caller's to report (produceIssue holds the issue, naming them all).
  for (const conflict of judged.verdict.conflicts) reporter.info(`integrity: unsettled: ${conflict}`);
  const inputs = {
    ...judged.inputs,
    price: crossCheckPrice(judged.inputs.price, coinMetrics, asOf),
  };
  return { inputs, recordings, integrity: judged.verdict };
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
