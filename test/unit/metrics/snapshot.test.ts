import { describe, expect, it } from 'vitest';
import type { HashrateHistory } from '../../../src/contracts/report-inputs';
import { buildAlerts } from '../../../src/metrics/alerts';
import { defaultAssumptions } from '../../../src/metrics/assumptions';
import { buildSnapshot } from '../../../src/metrics/snapshot';
import { type Snapshot, snapshotSchema } from '../../../src/snapshot/schema';
import { failed, inputsFor, ok, poolsWeek, seriesFromRows, steadyDay } from '../../fixtures/metrics/builders';

// 40 days from 2026-10-15 to 2026-11-23. Price falls from 100 000 to 61 000 over the last week;
// hashrate 1000 EH/s then 850 EH/s in the last week. Days before the 5th have no price yet.
function series() {
  const rows = Array.from({ length: 40 }, (_, i) => {
    const price = i < 33 ? 100_000 : 61_000;
    const hr = i < 33 ? 1e9 : 8.5e8;
    const day = steadyDay(price, hr, 5);
    return i < 4 ? { ...day, PriceUSD: null, CapMrktCurUSD: null } : day;
  });
  return seriesFromRows('2026-10-15', rows);
}
const AS_OF = '2026-11-23';
const context = { issueId: AS_OF, generatedAt: '2026-11-24T06:00:00Z' };
const concentrated = poolsWeek([
  ['Foundry USA', 350],
  ['AntPool', 200],
  ['Unknown', 50],
  ['ViaBTC', 400 - 0],
]);
const mempoolHistory: HashrateHistory = {
  hashrates: [],
  difficulty: [
    { date: '2026-10-20', height: 933_408, difficulty: 1.4e14, adjustmentRatio: 1.01 },
    { date: '2026-11-03', height: 935_424, difficulty: 1.45e14, adjustmentRatio: 1.03 },
  ],
  currentHashrateHs: null,
  currentDifficulty: null,
};

function metricAt(snapshot: Snapshot, dotted: string): unknown {
  return dotted
    .split('.')
    .reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], snapshot.metrics);
}

describe('buildSnapshot', () => {
  it('builds a valid snapshot with sources, narrative and alerts traceable to metric keys', () => {
    // Act
    const { snapshot } = buildSnapshot(
      inputsFor(series(), AS_OF, {
        pools: ok(concentrated),
        hashrateHistory: ok(mempoolHistory),
        tipHeight: ok(936_000),
      }),
      defaultAssumptions(),
      context,
    );
    // Assert
    expect(snapshotSchema.safeParse(snapshot).success).toBe(true);
    expect(snapshot.sources.map((s) => [s.name, s.status])).toEqual([
      ['coinmetrics-asset-metrics', 'ok'],
      ['mempool-pools-1w', 'ok'],
      ['mempool-difficulty-adjustment', 'skipped'],
      ['mempool-hashrate', 'ok'],
      ['mempool-tip-height', 'ok'],
      ['mempool-reward-stats', 'skipped'],
      ['mempool-prices', 'skipped'],
    ]);
    expect(snapshot.metrics.price.change7dPct).toBeCloseTo(-39, 10);
    expect(snapshot.metrics.hashrate.ehs7d).toBeCloseTo(850, 9);
    expect(snapshot.metrics.hashrate.fromPeakPct).toBeCloseTo(-15, 10);
    expect(snapshot.metrics.difficulty.current).toBe(1.45e14);
    expect(snapshot.metrics.security.budgetUsdPerDay).toBeCloseTo(455 * 61_000, 4);
    expect(snapshot.narrative.length).toBeGreaterThanOrEqual(3);
    expect(snapshot.narrative.length).toBeLessThanOrEqual(6);
    for (const sentence of snapshot.narrative) {
      for (const key of sentence.metricKeys) expect(metricAt(snapshot, key), key).not.toBeUndefined();
    }
    for (const alert of snapshot.alerts) {
      for (const key of alert.metricKeys) expect(metricAt(snapshot, key), key).not.toBeUndefined();
    }
    // Shares of 1000 blocks: ViaBTC 40%, Foundry 35%, AntPool 20%.
    expect(snapshot.alerts.map((a) => a.id)).toEqual(
      expect.arrayContaining([
        'hashprice-low',
        'hashrate-drawdown',
        'pool-top1',
        'pool-top2',
        'nakamoto-low',
      ]),
    );
    expect(snapshot.attribution).toMatch(/Coin Metrics/);
  });

  it('returns one chart row per day from the first price, with difficulty forward-filled', () => {
    const { series: rows } = buildSnapshot(
      inputsFor(series(), AS_OF, { hashrateHistory: ok(mempoolHistory) }),
      defaultAssumptions(),
      context,
    );
    expect(rows).toHaveLength(36);
    expect(rows[0]?.date).toBe('2026-10-19');
    expect(rows[0]?.difficulty).toBeNull();
    expect(rows.find((r) => r.date === '2026-10-20')?.difficulty).toBe(1.4e14);
    expect(rows.find((r) => r.date === '2026-11-02')?.difficulty).toBe(1.4e14);
    expect(rows.at(-1)?.difficulty).toBe(1.45e14);
    expect(rows.at(-1)?.hashpriceUsdPerPhDay7d).toBeCloseTo((455 * 61_000) / 850_000, 9);
    // The last seven days at 850 EH/s and 455 BTC a day: 455 ÷ 850,000 PH/s in BTC.
    expect(rows.at(-1)?.hashrateEhs7d).toBeCloseTo(850, 9);
    expect(rows.at(-1)?.hashpriceBtcPerPhDay7d).toBeCloseTo(455 / 850_000, 15);
  });

  it('nulls every metric that needs Coin Metrics when it failed, and says why', () => {
    const { snapshot, series: rows } = buildSnapshot(
      { ...inputsFor(series(), AS_OF), coinMetrics: failed('HTTP 500 after 3 attempts') },
      defaultAssumptions(),
      context,
    );
    expect(snapshotSchema.safeParse(snapshot).success).toBe(true);
    expect(snapshot.metrics.price.usd).toBeNull();
    expect(snapshot.metrics.hashprice.usdPerPhDay).toBeNull();
    expect(snapshot.metrics.security.budgetUsdPerDay).toBeNull();
    expect(snapshot.sources[0]).toMatchObject({
      status: 'failed',
      reason: 'HTTP 500 after 3 attempts',
      attempts: 3,
    });
    expect(snapshot.warnings).toContain('coinmetrics-asset-metrics failed: HTTP 500 after 3 attempts');
    expect(snapshot.warnings).toContain(
      'Coin Metrics data unavailable: market, hashrate, revenue and hashprice metrics are null',
    );
    expect(snapshot.warnings.some((w) => w.startsWith('pool metrics unavailable'))).toBe(true);
    expect(snapshot.narrative).toEqual([]);
    expect(rows).toEqual([]);
  });

  it('takes the previous week from the prior issue', () => {
    const inputs = inputsFor(series(), AS_OF, { pools: ok(concentrated) });
    const first = buildSnapshot(inputs, defaultAssumptions(), { ...context, issueId: '2026-11-16' }).snapshot;
    const { snapshot } = buildSnapshot(inputs, defaultAssumptions(), { ...context, previous: first });
    expect(snapshot.metrics.pools.previousWeek).toEqual({
      issueId: '2026-11-16',
      hhi: first.metrics.pools.hhi,
      nakamotoCoefficient: 2,
      topPoolSharePct: 40,
    });
  });

  it('nulls the series metrics when the as-of day is not in the data', () => {
    const { snapshot } = buildSnapshot(inputsFor(series(), '2026-12-01'), defaultAssumptions(), context);
    expect(snapshot.metrics.price.usd).toBeNull();
    expect(snapshot.warnings.some((w) => w.includes('no row for the as-of day 2026-12-01'))).toBe(true);
  });
});

describe('buildAlerts', () => {
  it('raises nothing when every metric is null', () => {
    const { snapshot } = buildSnapshot(
      { ...inputsFor(series(), AS_OF), coinMetrics: failed('down') },
      defaultAssumptions(),
      context,
    );
    expect(buildAlerts(snapshot.metrics, defaultAssumptions(), {})).toEqual([]);
  });

  it('forecasts a difficulty drop at or below the threshold once half the epoch is mined', () => {
    const { snapshot } = buildSnapshot(inputsFor(series(), AS_OF), defaultAssumptions(), context);
    const d = { ...snapshot.metrics.difficulty, nextAdjustmentPct: -5, epochProgressPct: 60 };
    const confident = { ...snapshot.metrics, difficulty: { ...d, nextAdjustmentEarly: false } };
    const early = { ...snapshot.metrics, difficulty: { ...d, nextAdjustmentEarly: true } };
    expect(
      buildAlerts(confident, defaultAssumptions(), {}).find((a) => a.id === 'difficulty-drop')?.severity,
    ).toBe('info');
    expect(buildAlerts(early, defaultAssumptions(), {}).some((a) => a.id === 'difficulty-drop')).toBe(false);
  });
});
