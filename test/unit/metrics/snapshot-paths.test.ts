import { describe, expect, it } from 'vitest';
import { defaultAssumptions } from '../../../src/metrics/assumptions';
import { SnapshotInvariantError } from '../../../src/metrics/errors';
import { createMetricsHistory } from '../../../src/metrics/history';
import { buildChartSeries, buildSnapshot } from '../../../src/metrics/snapshot';
import {
  type DayRow,
  inputsFor,
  ok,
  poolsWeek,
  seriesFromRows,
  steadyDay,
} from '../../fixtures/metrics/builders';

const context = (issueId: string) => ({ issueId, generatedAt: '2026-11-24T06:00:00Z' });
const build = (rows: DayRow[], start: string, asOf: string, over: Parameters<typeof inputsFor>[2] = {}) =>
  buildSnapshot(inputsFor(seriesFromRows(start, rows), asOf, over), defaultAssumptions(), context(asOf));
/** A warning from a metric computed from the Coin Metrics series of the as-of day. */
const SERIES_METRIC_WARNING = /^(price|hashrate|revenue|hashprice|fees|stress)\b/;
const steady = (n: number) => Array.from({ length: n }, () => steadyDay(100, 1e6));

describe('buildSnapshot: sources and their warnings', () => {
  it('prefixes an ok source’s own warnings with its name, and warns of missing pools only when they are missing', () => {
    const withWarning = { ...ok(poolsWeek([['Foundry USA', 100]])), warnings: ['3 pools without a slug'] };
    const { snapshot } = build(steady(10), '2026-11-14', '2026-11-23', { pools: withWarning });
    expect(snapshot.warnings).toContain('mempool-pools-1w: 3 pools without a slug');
    expect(snapshot.warnings.some((w) => w.startsWith('pool metrics unavailable'))).toBe(false);
  });
});

describe('buildSnapshot: the as-of day and the data', () => {
  it('names the latest day of the data when the as-of day is not in it', () => {
    const { snapshot, series } = build(steady(10), '2026-11-01', '2026-12-01');
    expect(snapshot.warnings).toContain(
      'Coin Metrics has no row for the as-of day 2026-12-01 (latest: 2026-11-10); market, hashrate, revenue and hashprice metrics are null',
    );
    expect(series).toEqual([]);
    // Nothing is computed from a day that is not there, so no series metric explains a gap of its own.
    expect(snapshot.warnings.filter((w) => SERIES_METRIC_WARNING.test(w))).toEqual([]);
  });

  it('starts its warnings with the sources in the issue’s order, and says nothing of missing Coin Metrics data it has', () => {
    const { snapshot } = build(steady(10), '2026-11-14', '2026-11-23');
    expect(snapshot.warnings.slice(0, 6).map((w) => w.split(' ')[0])).toEqual([
      'mempool-pools-1w',
      'mempool-difficulty-adjustment',
      'mempool-hashrate',
      'mempool-tip-height',
      'mempool-reward-stats',
      'mempool-prices',
    ]);
    expect(snapshot.warnings.filter((w) => w.startsWith('Coin Metrics'))).toEqual([]);
    // A week of data explains its own gaps: no 30-day price change, no week before to compare with.
    expect(snapshot.warnings.filter((w) => SERIES_METRIC_WARNING.test(w)).length).toBeGreaterThan(0);
  });

  it('reports on the first day of the data, with one chart row', () => {
    const { snapshot, series } = build(steady(10), '2026-11-23', '2026-11-23');
    expect(snapshot.metrics.price.usd).toBe(100);
    expect(snapshot.warnings.some((w) => w.includes('no row for the as-of day'))).toBe(false);
    expect(series.map((r) => r.date)).toEqual(['2026-11-23']);
  });

  it('says so when there is no Coin Metrics data at all', () => {
    const { snapshot } = buildSnapshot(
      {
        ...inputsFor(seriesFromRows('2026-11-01', steady(10)), '2026-11-10'),
        coinMetrics: ok(seriesFromRows('2026-11-01', [])),
      },
      defaultAssumptions(),
      context('2026-11-10'),
    );
    expect(snapshot.warnings).toContain(
      'Coin Metrics has no row for the as-of day 2026-11-10 (latest: none); market, hashrate, revenue and hashprice metrics are null',
    );
  });

  it('counts the week’s blocks and their mean interval', () => {
    const rows = steady(10).map((r, k) => (k === 9 ? { ...r, BlkCnt: 150 } : r));
    const { snapshot } = build(rows, '2026-11-14', '2026-11-23');
    // 6 × 144 + 150 = 1,014 blocks in 7 × 86,400 s.
    expect(snapshot.metrics.blocks.count7d).toBe(1_014);
    expect(snapshot.metrics.blocks.meanIntervalSeconds7d).toBeCloseTo(604_800 / 1_014, 9);
  });

  it('does not take the real chain’s heights for sample data', () => {
    // Around the 2024 halving the built-in anchors would give a height; sample data is not the chain.
    const real = build(steady(10), '2024-04-15', '2024-04-24');
    const sample = buildSnapshot(
      { ...inputsFor(seriesFromRows('2024-04-15', steady(10)), '2024-04-24'), sample: true },
      defaultAssumptions(),
      context('2024-04-24'),
    );
    expect(real.snapshot.metrics.halving.currentHeight).toBe(839_998 + 5 * 144);
    expect(sample.snapshot.metrics.halving.currentHeight).toBeNull();
  });
});

describe('buildSnapshot: the week after a halving', () => {
  it('tells the aftermath from the Coin Metrics days around it', () => {
    // Eight days at 6.25 BTC a block (900 BTC a day), then the subsidy halves to 3.125 on 2026-11-20.
    const rows = steady(11).map((r, k) => (k < 8 ? { ...r, IssTotNtv: 900, IssTotUSD: 900 * 100 } : r));
    const { halving } = build(rows, '2026-11-12', '2026-11-22').snapshot.metrics;
    expect(halving.previousDate).toBe('2026-11-20');
    expect(halving.daysSincePrevious).toBe(2);
    expect(halving.afterPrevious).toMatchObject({ subsidyBeforeBtc: 6.25, subsidyAfterBtc: 3.125 });
  });
});

describe('buildSnapshot: a snapshot that breaks its schema', () => {
  it('is never returned: it throws, naming the day and each field that is wrong', () => {
    const inputs = inputsFor(seriesFromRows('2026-11-14', steady(10)), '2026-11-23');
    const context = { issueId: 'no spaces', generatedAt: '2026-11-24T06:00:00Z' };
    const inputsWithBadTime = {
      ...inputs,
      pools: { ...ok(poolsWeek([['Foundry USA', 100]])), fetchedAt: 'today' },
    };
    const thrown = (() => {
      try {
        buildSnapshot(inputsWithBadTime, defaultAssumptions(), context);
      } catch (error) {
        return error;
      }
    })();
    expect(thrown).toBeInstanceOf(SnapshotInvariantError);
    const message = (thrown as SnapshotInvariantError).message;
    expect(message).toMatch(
      /^buildSnapshot produced an invalid snapshot for 2026-11-23: issueId: .+; sources\.1\.fetchedAt: /,
    );
    expect((thrown as SnapshotInvariantError).cause).toHaveProperty('issues');
  });
});

describe('buildSnapshot: last week’s alert levels', () => {
  // Hashrate 1,000 EH/s, then 850 EH/s: the 7-day mean is 15% below its peak from the seventh day at 850.
  const drop = (daysAt850: number) =>
    Array.from({ length: 30 }, (_, k) => steadyDay(100, k < 30 - daysAt850 ? 1e9 : 8.5e8));

  it('recomputes last week’s levels from the data seven days back, so a drawdown is told once', () => {
    const fresh = build(drop(7), '2026-10-25', '2026-11-23').snapshot;
    expect(fresh.alerts.map((a) => a.id)).toContain('hashrate-drawdown');
    const known = build(drop(14), '2026-10-25', '2026-11-23').snapshot;
    expect(known.metrics.hashrate.fromPeakPct).toBeCloseTo(-15, 9);
    expect(known.alerts.map((a) => a.id)).not.toContain('hashrate-drawdown');
  });

  it('takes last week’s levels from the previous issue when it has them', () => {
    const previous = build(drop(14), '2026-10-25', '2026-11-16').snapshot;
    const quiet = { ...previous, alertLevels: { ...previous.alertLevels, 'hashrate-drawdown': 0 } };
    const { snapshot } = buildSnapshot(
      inputsFor(seriesFromRows('2026-10-25', drop(14)), '2026-11-23'),
      defaultAssumptions(),
      { ...context('2026-11-23'), previous: quiet },
    );
    expect(snapshot.alerts.map((a) => a.id)).toContain('hashrate-drawdown');
  });
});

describe('buildChartSeries', () => {
  it('starts at the first day with a price and gives each day its own figures', () => {
    // Days 0–1 without a price; day k has a HashRate of (k + 1) × 10⁶ TH/s and fees of k BTC.
    const rows = Array.from({ length: 5 }, (_, k) => ({
      ...steadyDay(100 + k, (k + 1) * 1e6, k),
      ...(k < 2 ? { PriceUSD: null } : {}),
    }));
    const h = createMetricsHistory(seriesFromRows('2026-01-01', rows));
    const series = buildChartSeries(h, 4, null);
    expect(series.map((r) => r.date)).toEqual(['2026-01-03', '2026-01-04', '2026-01-05']);
    expect(series.map((r) => r.priceUsd)).toEqual([102, 103, 104]);
    expect(series.map((r) => r.hashrateEhs)).toEqual([3, 4, 5]);
    expect(series.map((r) => r.revenueBtc)).toEqual([452, 453, 454]);
    expect(series.map((r) => r.revenueUsd)).toEqual([452 * 102, 453 * 103, 454 * 104]);
    expect(series[0]?.feeSharePct).toBeCloseTo((2 / 452) * 100, 12);
    // Without mempool's adjustments, each day's difficulty is its own mean (no retarget is shown).
    expect(series.map((r) => r.difficulty)).toEqual([2, 3, 4].map((k) => h.difficultyMeanDaily[k]));
    expect(series[0]?.hashrateEhs7d).toBeNull();
  });

  it('has no rows without any price, and null figures on a day without them', () => {
    const none = createMetricsHistory(
      seriesFromRows(
        '2026-01-01',
        steady(3).map((r) => ({ ...r, PriceUSD: null })),
      ),
    );
    expect(buildChartSeries(none, 2, null)).toEqual([]);
    const gap = createMetricsHistory(
      seriesFromRows('2026-01-01', [
        steadyDay(100, 1e6),
        { ...steadyDay(100, 1e6), HashRate: null, FeeTotNtv: null },
      ]),
    );
    const [, second] = buildChartSeries(gap, 1, null);
    expect(second).toMatchObject({
      hashrateEhs: null,
      feeSharePct: null,
      revenueBtc: null,
      revenueUsd: null,
    });
  });
});
