/**
 * The metrics stage's entry point: validated inputs in, a schema-checked snapshot and the chart series
 * out. Pure: the clock and the issue id come in through `context`.
 */

import type { ReportInputs, SourceName, SourceOutcome } from '../contracts/report-inputs';
import {
  type ChartRow,
  COINMETRICS_ATTRIBUTION,
  type Metrics,
  SNAPSHOT_SCHEMA_VERSION,
  type Snapshot,
  type SourceStatus,
  snapshotSchema,
} from '../snapshot/schema';
import { type AlertView, alertLevels, buildAlerts } from './alerts';
import { type Assumptions, assumptionsOn } from './assumptions';
import { blockHeightOn, createBlockHeights, cycleStartIndex } from './block-height';
import { computeCycleDrawdown, nullCycleDrawdown } from './cycle';
import { computeDifficulty, difficultyLevelsFromCoinMetrics, forwardFillDifficulty } from './difficulty';
import { SnapshotInvariantError } from './errors';
import { computeFees } from './fees';
import { computeHalving } from './halving';
import { computeHalvingAftermath, projectHalvingHashprice } from './halving-events';
import { computeHashprice } from './hashprice';
import { computeHashrate } from './hashrate';
import { createMetricsHistory, type MetricsHistory, safeDiv, WINDOW_DAYS } from './history';
import { computeMarket } from './market';
import { computeMiners } from './miners';
import { buildNarrative } from './narrative';
import { computePools, nullPools, previousWeekPools } from './pools';
import type { MetricResult } from './reasons';
import { computeRevenue } from './revenue';
import { computeSecurity } from './security';
import { computeStress } from './stress';

export interface SnapshotContext {
  issueId: string;
  /** ISO 8601 instant the issue was generated (from the caller's clock). */
  generatedAt: string;
  /** The prior issue's snapshot, for week-on-week pool figures. */
  previous?: Snapshot | null;
  /**
   * A history already built over the same Coin Metrics series (or a longer one with the same past):
   * lets the benchmark and batch back-fills skip the O(n log n) precompute. Histories are causal, so
   * one built over a longer series gives the same answers for any earlier as-of day.
   */
  history?: MetricsHistory;
}

const SOURCE_FIELDS: readonly [keyof Omit<ReportInputs, 'asOf' | 'sample'>, SourceName][] = [
  ['coinMetrics', 'coinmetrics-asset-metrics'],
  ['pools', 'mempool-pools-1w'],
  ['difficultyAdjustment', 'mempool-difficulty-adjustment'],
  ['hashrateHistory', 'mempool-hashrate'],
  ['tipHeight', 'mempool-tip-height'],
  ['rewardStats', 'mempool-reward-stats'],
  ['price', 'mempool-prices'],
];

function sourceStatus(name: SourceName, o: SourceOutcome<unknown>): SourceStatus {
  if (o.status === 'ok')
    return { name, url: o.url, fetchedAt: o.fetchedAt, status: 'ok', attempts: o.attempts };
  if (o.status === 'failed') {
    return {
      name,
      url: o.url,
      fetchedAt: o.fetchedAt,
      status: 'failed',
      reason: o.reason,
      attempts: o.attempts,
    };
  }
  return { name, url: o.url, fetchedAt: null, status: 'skipped', reason: o.reason };
}

/** What each upstream answered for these inputs, in the order the issue lists its sources. */
export function sourceStatuses(inputs: ReportInputs): SourceStatus[] {
  return SOURCE_FIELDS.map(([field, name]) => sourceStatus(name, inputs[field]));
}

function sourceWarnings(name: SourceName, o: SourceOutcome<unknown>): string[] {
  if (o.status === 'ok') return o.warnings.map((w) => `${name}: ${w}`);
  return [`${name} ${o.status}: ${o.reason}`];
}

function okValue<T>(o: SourceOutcome<T>): T | null {
  return o.status === 'ok' ? o.value : null;
}

type SeriesGroups = Pick<Metrics, 'price' | 'hashrate' | 'revenue' | 'hashprice' | 'fees' | 'blocks'>;

/** The Coin Metrics groups when there is no row for the as-of day. */
function nullSeriesGroups(): SeriesGroups {
  return {
    price: {
      usd: null,
      change7dPct: null,
      change30dPct: null,
      drawdownFromAthPct: null,
      athUsd: null,
      athDate: null,
      marketCapUsd: null,
    },
    hashrate: {
      ehs7d: null,
      change7dPct: null,
      change30dPct: null,
      fromPeakPct: null,
      peakEhs7d: null,
      peakDate: null,
      drawdownDeepestSince: null,
      drawdownDeepestOnRecord: null,
      drawdownDeepest90dPct: null,
    },
    revenue: {
      usdPerDay7d: null,
      btcPerDay7d: null,
      subsidyBtcPerDay7d: null,
      feesBtcPerDay7d: null,
      feeSharePct7d: null,
      change7dPct: null,
      btcTotal7d: null,
      usdTotal7d: null,
    },
    hashprice: {
      usdPerPhDay: null,
      btcPerPhDay: null,
      change7dPct: null,
      percentile: null,
      lowestSince: null,
      recordLow: null,
      low52wUsdPerPhDay: null,
      high52wUsdPerPhDay: null,
      btcChange7dPct: null,
      spotUsdPerPhDay: null,
      spotBtcPerPhDay: null,
      percentile1y: null,
      percentile4y: null,
      lowestSinceDays: null,
      drivers: null,
      low1yUsdPerPhDay: null,
      low1yDate: null,
      low4yUsdPerPhDay: null,
      low4yDate: null,
    },
    fees: {
      peakDay: null,
      peakDaySharePct: null,
      peakDayBtcPerBlock: null,
      norm90dSharePct: null,
      norm90dBtcPerBlock: null,
      peakMultipleOfNorm: null,
      spike: null,
    },
    blocks: { count7d: null, meanIntervalSeconds7d: null },
  };
}

/** The groups read from Coin Metrics alone for day i, with the warnings that explain their nulls. */
function seriesGroupsAt(history: MetricsHistory, i: number, warnings: string[]): SeriesGroups {
  const take = <T>(r: MetricResult<T>): T => {
    warnings.push(...r.warnings);
    return r.metrics;
  };
  const count7d = history.blocks7d[i] ?? null;
  return {
    price: take(computeMarket(history, i)),
    hashrate: take(computeHashrate(history, i)),
    revenue: take(computeRevenue(history, i)),
    hashprice: take(computeHashprice(history, i)),
    fees: take(computeFees(history, i)),
    blocks: {
      count7d,
      meanIntervalSeconds7d: safeDiv(WINDOW_DAYS * 86_400, count7d),
    },
  };
}

/**
 * The alert levels of the previous weekly issue: as that issue recorded them when it is at hand, else
 * recomputed from the same history seven days back (so a first issue or a backfill judges the same way).
 */
function previousAlertLevels(
  history: MetricsHistory | null,
  index: number,
  previous: Snapshot | null | undefined,
  assumptions: Assumptions,
): Record<string, number> {
  if (previous?.alertLevels) return previous.alertLevels;
  if (history === null || index < WINDOW_DAYS) return {};
  const i = index - WINDOW_DAYS;
  const groups = seriesGroupsAt(history, i, []);
  const skipped = { status: 'skipped', reason: 'previous week', url: '' } as const;
  const difficulty = computeDifficulty({
    asOf: history.dates[i] as string,
    hashrateHistory: skipped,
    difficultyAdjustment: skipped,
    height: null,
    history,
    index: i,
  }).metrics;
  const pools = previous ? previous.metrics.pools : nullPools(null);
  // One week further back is not known; a level that needs a margin to clear is judged as if it were fresh.
  return alertLevels(
    { hashprice: groups.hashprice, hashrate: groups.hashrate, difficulty, pools },
    assumptions,
    {},
  );
}

/**
 * One ChartRow per day from the first day with a price up to index `last` (inclusive). Daily values
 * are per day (revenue, fee share, hashrate); `…7d` values are the 7-day figures of the design.
 */
export function buildChartSeries(
  history: MetricsHistory,
  last: number,
  adjustments: Parameters<typeof forwardFillDifficulty>[1] | null,
): ChartRow[] {
  const price = history.column('PriceUSD');
  const hashrate = history.column('HashRate');
  const fees = history.column('FeeTotNtv');
  let first = 0;
  while (first <= last && price[first] === null) first++;
  if (first > last) return [];
  const dates = history.dates.slice(first, last + 1);
  const difficulty =
    adjustments === null
      ? difficultyLevelsFromCoinMetrics(history, last).slice(first)
      : forwardFillDifficulty(dates, adjustments);
  const rows: ChartRow[] = [];
  for (let i = first; i <= last; i++) {
    const hr = hashrate[i] ?? null;
    const share = safeDiv(fees[i] ?? null, history.revenueBtc[i] ?? null);
    rows.push({
      date: history.dates[i] as string,
      priceUsd: price[i] ?? null,
      hashrateEhs: hr === null ? null : hr / 1e6,
      hashrateEhs7d: history.hashrateEhs7d[i] ?? null,
      difficulty: difficulty[i - first] ?? null,
      revenueUsd: history.revenueUsd[i] ?? null,
      revenueBtc: history.revenueBtc[i] ?? null,
      feeSharePct: share === null ? null : share * 100,
      hashpriceUsdPerPhDay7d: history.hashpriceUsdPerPhDay7d[i] ?? null,
      hashpriceBtcPerPhDay7d: history.hashpriceBtcPerPhDay7d[i] ?? null,
    });
  }
  return rows;
}

/**
 * Computes every metric for `inputs.asOf`, the narrative and alerts, and the chart series. Metrics whose
 * inputs are missing are null and `warnings` says why (source failures and source warnings included).
 * Throws SnapshotInvariantError if the result fails snapshotSchema: that is a bug here, never bad data.
 */
export function buildSnapshot(
  inputs: ReportInputs,
  assumptions: Assumptions,
  context: SnapshotContext,
): { snapshot: Snapshot; series: ChartRow[] } {
  const warnings: string[] = [];
  const take = <T>(r: MetricResult<T>): T => {
    warnings.push(...r.warnings);
    return r.metrics;
  };
  for (const [field, name] of SOURCE_FIELDS) warnings.push(...sourceWarnings(name, inputs[field]));

  const series = okValue(inputs.coinMetrics);
  const history = series === null ? null : (context.history ?? createMetricsHistory(series));
  const index = history === null ? -1 : history.indexOf(inputs.asOf);
  if (history !== null && index < 0) {
    const last = history.dates[history.dates.length - 1] ?? 'none';
    warnings.push(
      `Coin Metrics has no row for the as-of day ${inputs.asOf} (latest: ${last}); market, hashrate, revenue and hashprice metrics are null`,
    );
  } else if (history === null) {
    warnings.push('Coin Metrics data unavailable: market, hashrate, revenue and hashprice metrics are null');
  }

  const seriesGroups =
    history !== null && index >= 0 ? seriesGroupsAt(history, index, warnings) : nullSeriesGroups();

  const onDay = assumptionsOn(assumptions, inputs.asOf);
  const hashrateHistory = okValue(inputs.hashrateHistory);
  const heights =
    history === null
      ? null
      : createBlockHeights(history, hashrateHistory?.difficulty ?? [], { sample: inputs.sample });
  const height = take(
    blockHeightOn({ asOf: inputs.asOf, tipHeight: okValue(inputs.tipHeight), heights, index }),
  );
  const difficulty = take(
    computeDifficulty({
      asOf: inputs.asOf,
      hashrateHistory: inputs.hashrateHistory,
      difficultyAdjustment: inputs.difficultyAdjustment,
      height: height?.height ?? null,
      history,
      index,
    }),
  );
  const previousWeek = previousWeekPools(context.previous);
  const poolsWeek = okValue(inputs.pools);
  const pools = poolsWeek === null ? nullPools(previousWeek) : take(computePools(poolsWeek, previousWeek));
  if (poolsWeek === null) warnings.push('pool metrics unavailable: mempool pools source not ok');
  const largest = pools.top[0];
  const miners = take(computeMiners(seriesGroups.hashprice.usdPerPhDay, onDay));
  const security = take(
    computeSecurity(
      {
        revenueUsdPerDay7d: seriesGroups.revenue.usdPerDay7d,
        marketCapUsd: seriesGroups.price.marketCapUsd,
        hashrateEhs7d: seriesGroups.hashrate.ehs7d,
        largestPool: largest ? { name: largest.name, sharePct: largest.sharePct } : null,
      },
      onDay,
    ),
  );
  const outlook = take(
    computeHalving({
      asOf: inputs.asOf,
      height,
      rewardStats: okValue(inputs.rewardStats),
      history,
      index,
      feeSharePct7d: seriesGroups.revenue.feeSharePct7d,
      feesBtcPerDay7d: seriesGroups.revenue.feesBtcPerDay7d,
    }),
  );
  const halving: Metrics['halving'] = {
    ...outlook,
    ...projectHalvingHashprice(seriesGroups.hashprice.usdPerPhDay, outlook),
    ...(history !== null && index >= 0
      ? computeHalvingAftermath(history, index)
      : { previousDate: null, daysSincePrevious: null, afterPrevious: null }),
  };
  const cycle =
    history !== null && index >= 0
      ? take(
          computeCycleDrawdown(
            history,
            index,
            heights !== null && height !== null
              ? cycleStartIndex(history, heights, index, height.height)
              : null,
          ),
        )
      : nullCycleDrawdown();
  const stress = computeStress(
    {
      usdPerPhDay: seriesGroups.hashprice.usdPerPhDay,
      budgetUsdPerDay: security.budgetUsdPerDay,
      capexAttackHardwareUsd: security.capexAttackHardwareUsd,
      cycle,
    },
    onDay,
  );
  const metrics: Metrics = { ...seriesGroups, difficulty, miners, security, pools, halving, stress };
  const view: AlertView = metrics;
  const previousLevels = previousAlertLevels(history, index, context.previous, assumptions);
  const levels = alertLevels(view, assumptions, previousLevels);

  const candidate: Snapshot = {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    issueId: context.issueId,
    asOf: inputs.asOf,
    generatedAt: context.generatedAt,
    sample: inputs.sample,
    sources: sourceStatuses(inputs),
    metrics,
    alerts: buildAlerts(view, assumptions, previousLevels),
    alertLevels: levels,
    narrative: buildNarrative(metrics, inputs.asOf),
    warnings: [...new Set(warnings)],
    attribution: COINMETRICS_ATTRIBUTION,
  };
  const parsed = snapshotSchema.safeParse(candidate);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new SnapshotInvariantError(
      `buildSnapshot produced an invalid snapshot for ${inputs.asOf}: ${detail}`,
      {
        cause: parsed.error,
      },
    );
  }
  const chart =
    history !== null && index >= 0
      ? buildChartSeries(history, index, hashrateHistory?.difficulty ?? null)
      : [];
  return { snapshot: parsed.data, series: chart };
}
