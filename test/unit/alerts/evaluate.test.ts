/**
 * The alert run fetches only a recent window and takes the long past from the latest issue's metrics.csv:
 * the figures the rules read must be the ones a full-history issue computes for the same day.
 */
import { describe, expect, it } from 'vitest';
import {
  ALERT_WINDOW_DAYS,
  AlertViewUnavailableError,
  alertWindowStart,
  evaluateAlertView,
} from '../../../src/alerts/evaluate';
import { LongHistoryError, parseLongHistory } from '../../../src/alerts/long-history';
import { metricsCsv } from '../../../src/archive/metrics-csv';
import {
  COIN_METRICS_COLUMNS,
  type DailySeries,
  type ReportInputs,
} from '../../../src/contracts/report-inputs';
import { addDays } from '../../../src/days';
import { alertLevels } from '../../../src/metrics/alerts';
import { defaultAssumptions } from '../../../src/metrics/assumptions';
import { computeHashprice } from '../../../src/metrics/hashprice';
import { computeHashrate } from '../../../src/metrics/hashrate';
import { createMetricsHistory, type MetricsHistory } from '../../../src/metrics/history';
import { buildChartSeries } from '../../../src/metrics/snapshot';
import { buildDailySeries, cutSeries } from '../../../src/sources/series';
import { fixtureSnapshot } from '../../fixtures/render/fixture';
import { liveLikeDataset } from '../../support/datasets';
import { noteIfAbsent, realDataPresent, realSeries } from '../../support/real-history';

const full = buildDailySeries(
  liveLikeDataset({ endDate: '2026-11-29' }).coinMetricsRows.map((r) => ({
    day: r.time.slice(0, 10),
    values: r.values,
  })),
).series;
const history = createMetricsHistory(full);

/** The series from `from` on (the alert run's request). */
function from(series: DailySeries, first: string): DailySeries {
  const start = series.dates.findIndex((d) => d >= first);
  const values = {} as DailySeries['values'];
  const raw = {} as DailySeries['raw'];
  for (const c of COIN_METRICS_COLUMNS) {
    values[c] = series.values[c].slice(start);
    raw[c] = series.raw[c].slice(start);
  }
  return { dates: series.dates.slice(start), values, raw };
}

/** The alert run's inputs on `asOf`: the recent window of `series` (by default the live-like one) alone. */
function inputsFor(asOf: string, series: DailySeries = full): ReportInputs {
  const skipped = { status: 'skipped', reason: 'test', url: '' } as const;
  return {
    asOf,
    sample: false,
    coinMetrics: {
      status: 'ok',
      value: from(cutSeries(series, asOf), alertWindowStart(asOf)),
      url: '',
      fetchedAt: `${asOf}T06:00:00.000Z`,
      attempts: 1,
      warnings: [],
    },
    pools: skipped,
    difficultyAdjustment: skipped,
    hashrateHistory: skipped,
    tipHeight: skipped,
    rewardStats: skipped,
    price: skipped,
  };
}

/** metrics.csv of the issue of `anchor` (from the live-like history by default), as stored, read back. */
function longHistoryTo(anchor: string, of: MetricsHistory = history) {
  return parseLongHistory(metricsCsv(buildChartSeries(of, of.indexOf(anchor), null)));
}

describe('the alert view from a recent window and the latest issue’s series', () => {
  it.each([
    ['a record low, three days after the issue', '2026-11-25', '2026-11-22'],
    ['a record low, a week after the issue', '2026-11-29', '2026-11-22'],
    ['an ordinary day in mid-history', '2024-06-12', '2024-06-09'],
    ['the day after a halving', '2024-04-21', '2024-04-14'],
  ])('matches a full-history issue on %s', (_what, asOf, anchor) => {
    const i = history.indexOf(asOf);
    const fullHashprice = computeHashprice(history, i).metrics;
    const fullHashrate = computeHashrate(history, i).metrics;

    const { view } = evaluateAlertView(inputsFor(asOf), longHistoryTo(anchor), fixtureSnapshot());

    const pick = (h: typeof fullHashprice) => ({
      usdPerPhDay: h.usdPerPhDay,
      change7dPct: h.change7dPct,
      recordLow: h.recordLow,
      lowestSince: h.lowestSince,
      lowestSinceDays: h.lowestSinceDays,
      low1yUsdPerPhDay: h.low1yUsdPerPhDay,
      low1yDate: h.low1yDate,
      low4yUsdPerPhDay: h.low4yUsdPerPhDay,
      low4yDate: h.low4yDate,
      percentile: h.percentile,
      percentile1y: h.percentile1y,
      percentile4y: h.percentile4y,
    });
    expect(pick(view.hashprice)).toEqual(pick(fullHashprice));
    expect({
      ehs7d: view.hashrate.ehs7d,
      peakEhs7d: view.hashrate.peakEhs7d,
      peakDate: view.hashrate.peakDate,
      fromPeakPct: view.hashrate.fromPeakPct,
    }).toEqual({
      ehs7d: fullHashrate.ehs7d,
      peakEhs7d: fullHashrate.peakEhs7d,
      peakDate: fullHashrate.peakDate,
      fromPeakPct: fullHashrate.fromPeakPct,
    });
    const levels = (v: typeof view) =>
      alertLevels({ ...v, pools: fixtureSnapshot().metrics.pools }, defaultAssumptions(), {});
    expect(levels(view)).toEqual(levels({ ...view, hashprice: fullHashprice, hashrate: fullHashrate }));
  });

  it('asks Coin Metrics for about the last 400 days only', () => {
    expect(ALERT_WINDOW_DAYS).toBe(400);
    expect(alertWindowStart('2026-11-25')).toBe(addDays('2026-11-25', -400));
    expect(
      inputsFor('2026-11-25').coinMetrics.status === 'ok' && inputsFor('2026-11-25').coinMetrics,
    ).toMatchObject({
      value: { dates: expect.arrayContaining(['2025-10-21', '2026-11-25']) },
    });
  });

  it('refuses to judge when the latest issue’s series ends before the window starts', () => {
    expect(() =>
      evaluateAlertView(inputsFor('2026-11-25'), longHistoryTo('2025-06-01'), fixtureSnapshot()),
    ).toThrow(AlertViewUnavailableError);
  });

  it('names the line of a metrics.csv it cannot read', () => {
    expect(() =>
      parseLongHistory('date,hashrate_7d_mean_ehs,hashprice_7d_usd_per_ph_day\r\n2026-01-01,x,1\r\n'),
    ).toThrow(LongHistoryError);
    expect(() => parseLongHistory('date,price_usd\r\n')).toThrow(/no column hashrate_7d_mean_ehs|no column/);
  });
});

describe.skipIf(!realDataPresent)('the alert view on the real Coin Metrics history', () => {
  noteIfAbsent('alert view vs full history on real data');
  it.each([
    ['the November 2022 record low', '2022-11-23', '2022-11-20'],
    ['the 2024 halving week', '2024-04-24', '2024-04-21'],
    ['a late 2025 day', '2025-11-19', '2025-11-16'],
  ])('matches a full-history issue on %s', (_what, asOf, anchor) => {
    const real = realSeries();
    const realHistory = createMetricsHistory(real);
    const i = realHistory.indexOf(asOf);

    const { view } = evaluateAlertView(
      inputsFor(asOf, real),
      longHistoryTo(anchor, realHistory),
      fixtureSnapshot(),
    );

    const expected = computeHashprice(realHistory, i).metrics;
    const rate = computeHashrate(realHistory, i).metrics;
    expect([view.hashprice.recordLow, view.hashprice.lowestSince, view.hashprice.low4yUsdPerPhDay]).toEqual([
      expected.recordLow,
      expected.lowestSince,
      expected.low4yUsdPerPhDay,
    ]);
    expect([view.hashrate.peakDate, view.hashrate.fromPeakPct]).toEqual([rate.peakDate, rate.fromPeakPct]);
  });
});
