/**
 * Fetches everything one report needs, all upstreams at once, and returns it as `ReportInputs` plus the
 * raw recordings. Upstream trouble never throws: each source ends as ok, failed (with a readable reason)
 * or skipped (with why).
 */
import type { Clock, Fetch, Random, Reporter, Sleep } from '../ports';
import { coinMetricsFirstUrl, fetchCoinMetricsSeries } from './coinmetrics';
import { addDays, isIsoDay, utcDay } from './dates';
import { describeError, UpstreamError } from './errors';
import {
  COINMETRICS_COMMUNITY_LIMIT,
  createHttpClient,
  type HttpClient,
  type HttpSettings,
  type ResponseTime,
} from './http';
import {
  fetchMempool,
  fetchMempoolRaw,
  hashrateEndpoint,
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
  parsePools,
  parsePrices,
  parseRewardStats,
  parseTipHeight,
} from './mempool-parse';
import { fromSyntheticData, type RecordedResponse } from './recording';
import { cutSeries, lastCompleteDay } from './series';
import type { CurrentPrice, DailySeries, ReportInputs, SourceOutcome } from './types';

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
}

export interface FetchReportOptions {
  coinMetricsUrl: string;
  mempoolUrl: string;
  /** `YYYY-MM-DD`; default: the last complete UTC day Coin Metrics has a price for. */
  asOf?: string;
  /** Marks the inputs as the bundled sample data. */
  sample?: boolean;
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

/**
 * Fetches all sources concurrently. A past report (as-of before yesterday, UTC, per the clock) skips
 * mempool's present-only endpoints; series are cut to dates ≤ as-of. Throws only InputsOptionError.
 */
export async function fetchReportInputs(
  deps: SourceDeps,
  options: FetchReportOptions,
): Promise<{ inputs: ReportInputs; recordings: RecordedResponse[] }> {
  if (options.asOf !== undefined && !isIsoDay(options.asOf)) {
    throw new InputsOptionError(
      `asOf must be a calendar day written YYYY-MM-DD (got ${JSON.stringify(options.asOf)})`,
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
    recorder: (recording) => recordings.push(recording),
    settings: { ...deps.settings, hostLimits: { ...DEFAULT_LIMITS, ...deps.settings?.hostLimits } },
  });
  const { reporter } = deps;
  const today = utcDay(deps.clock());
  // Coin Metrics' last complete day is at best yesterday; anything earlier is a report about the past.
  const past = options.asOf !== undefined && options.asOf < addDays(today, -1);

  const present = <T>(
    ep: MempoolEndpoint,
    parse: (body: unknown) => Parsed<T>,
  ): Promise<SourceOutcome<T>> => {
    const url = mempoolUrl(options.mempoolUrl, ep);
    if (past) {
      return Promise.resolve({
        status: 'skipped',
        reason: `${ep.label} only describes the present; the report is for ${options.asOf}`,
        url,
      });
    }
    return settle(fetchMempool(http, options.mempoolUrl, ep, parse), url).then((outcome) => {
      reportOutcome(reporter, ep.label, outcome);
      return outcome;
    });
  };

  reporter.info('fetching Coin Metrics and mempool.space', { past });
  const cmUrl = coinMetricsFirstUrl(options.coinMetricsUrl, options.asOf);
  const cmWork = fetchCoinMetricsSeries(http, {
    baseUrl: options.coinMetricsUrl,
    asOf: options.asOf,
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

  let coinMetrics: SourceOutcome<DailySeries>;
  if (cm.ok) {
    const series = cutSeries(cm.r.series, asOf);
    const lastDay = series.dates.at(-1);
    if (lastDay === undefined) {
      coinMetrics = {
        status: 'failed',
        reason: `Coin Metrics asset metrics has no data on or before ${asOf}`,
        url: cm.r.url,
        fetchedAt: cm.r.fetchedAt,
        attempts: cm.r.attempts,
      };
    } else {
      if (lastDay < asOf)
        cmWarnings.push(`Coin Metrics data ends on ${lastDay}, before the as-of day ${asOf}`);
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
          interpretMempool(hashrateEp, hr.r, (body) => parseHashrateHistory(body, { asOf, past })),
        ),
        hashrateUrl,
      )
    : failed<never>(hr.error, hashrateUrl);
  reportOutcome(reporter, hashrateEp.label, hashrateHistory);

  const [pools, difficultyAdjustment, tipHeight, rewardStats, price] = await Promise.all([
    poolsWork,
    difficultyWork,
    tipWork,
    rewardWork,
    priceWork,
  ]);
  const checkedPrice = crossCheckPrice(price, coinMetrics, asOf);
  recordings.sort((a, b) => {
    const ka = `${a.source}-${a.name}`;
    const kb = `${b.source}-${b.name}`;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  return {
    inputs: {
      asOf,
      sample: (options.sample ?? false) || fromSyntheticData(recordings),
      coinMetrics,
      pools,
      difficultyAdjustment,
      hashrateHistory,
      tipHeight,
      rewardStats,
      price: checkedPrice,
    },
    recordings,
  };
}

/** A spot price more than 10× away from Coin Metrics' close is wrong, whichever of the two moved. */
const MAX_PRICE_DISAGREEMENT = 10;

/**
 * Fails mempool's price when it disagrees wildly with Coin Metrics' latest close (on or before as-of):
 * a day's move of 10× has never happened, a unit or scaling error has.
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
