import { describe, expect, it } from 'vitest';
import { type AlertView, alertLevels, buildAlerts } from '../../../src/metrics/alerts';
import { defaultAssumptions } from '../../../src/metrics/assumptions';
import { fixtureSnapshot } from '../../fixtures/render/fixture';

const assumptions = defaultAssumptions();

/** A view with no alert tripped: hashprice well above its lows, hashrate at its peak, no pools. */
function calm(): AlertView {
  const m = structuredClone(fixtureSnapshot().metrics);
  Object.assign(m.hashprice, {
    usdPerPhDay: 50,
    recordLow: false,
    lowestSince: '2026-11-20',
    lowestSinceDays: 3,
    low1yUsdPerPhDay: 30,
    low1yDate: '2026-05-01',
    low4yUsdPerPhDay: 20,
    low4yDate: '2024-09-01',
  });
  Object.assign(m.hashrate, { fromPeakPct: 0 });
  Object.assign(m.difficulty, { nextAdjustmentPct: 1, nextAdjustmentEarly: false });
  Object.assign(m.pools, { top: [], topPoolSharePct: null, nakamotoCoefficient: null });
  return m;
}

const ids = (view: AlertView, previous: Record<string, number> = {}) =>
  buildAlerts(view, assumptions, previous).map((a) => `${a.id}:${a.severity}`);

describe('hashprice-low', () => {
  it('is a 1-year low within 5% of the year’s low, judged against the previous issue', () => {
    const v = calm();
    v.hashprice.usdPerPhDay = 31.4; // 4.7% above the 1-year low of 30
    expect(alertLevels(v, assumptions, {})['hashprice-low']).toBe(1);
    expect(ids(v)).toEqual(['hashprice-low:info']);
    // Already told last week: not again.
    expect(ids(v, { 'hashprice-low': 1 })).toEqual([]);
  });

  it('clears only 15% above the low, so a hashprice hovering near it is told once', () => {
    const v = calm();
    v.hashprice.usdPerPhDay = 33; // 10% above
    expect(alertLevels(v, assumptions, { 'hashprice-low': 1 })['hashprice-low']).toBe(1);
    expect(alertLevels(v, assumptions, {})['hashprice-low']).toBe(0);
    v.hashprice.usdPerPhDay = 35; // 16.7% above
    expect(alertLevels(v, assumptions, { 'hashprice-low': 1 })['hashprice-low']).toBe(0);
  });

  it('escalates to a 4-year low (warning) and a record low (critical), and repeats only for a new record', () => {
    const v = calm();
    v.hashprice.usdPerPhDay = 20.5;
    v.hashprice.lowestSince = '2021-06-01';
    v.hashprice.lowestSinceDays = 1_800;
    expect(ids(v, { 'hashprice-low': 1 })).toEqual(['hashprice-low:warning']);
    expect(buildAlerts(v, assumptions, {})[0]?.message).toBe(
      'Hashprice fell to $20.50/PH/day (7-day average), its lowest since June 2021: a 4-year low.',
    );
    const record = calm();
    Object.assign(record.hashprice, {
      usdPerPhDay: 19,
      recordLow: true,
      lowestSince: null,
      lowestSinceDays: null,
    });
    expect(ids(record, { 'hashprice-low': 3 })).toEqual(['hashprice-low:critical']);
    // Still at level 3 the next week but no new record (lowest since 3 days ago): silent.
    const after = calm();
    Object.assign(after.hashprice, { usdPerPhDay: 19.5, low4yUsdPerPhDay: 19, low1yUsdPerPhDay: 19 });
    expect(ids(after, { 'hashprice-low': 3 })).toEqual([]);
  });

  it('never judges against all of history in USD: a high hashprice far from its lows raises nothing', () => {
    const v = calm();
    v.hashprice.percentile = 4.2; // the old all-history rule would have fired here
    expect(ids(v)).toEqual([]);
  });
});

describe('hashrate-drawdown and difficulty-drop', () => {
  it('steps up at −10/−20/−30% from the peak and clears only above −7%', () => {
    const v = calm();
    v.hashrate.fromPeakPct = -12;
    expect(ids(v)).toEqual(['hashrate-drawdown:warning']);
    v.hashrate.fromPeakPct = -8;
    expect(alertLevels(v, assumptions, { 'hashrate-drawdown': 1 })['hashrate-drawdown']).toBe(1);
    v.hashrate.fromPeakPct = -31;
    expect(ids(v, { 'hashrate-drawdown': 2 })).toEqual(['hashrate-drawdown:critical']);
  });

  it('never alerts on a forecast early in the epoch', () => {
    const v = calm();
    Object.assign(v.difficulty, { nextAdjustmentPct: -9, nextAdjustmentEarly: true, epochProgressPct: 20 });
    expect(ids(v)).toEqual([]);
    Object.assign(v.difficulty, {
      nextAdjustmentEarly: false,
      epochProgressPct: 70,
      nextAdjustmentMarginPct: 4.5,
    });
    expect(ids(v)).toEqual(['difficulty-drop:info']);
    expect(buildAlerts(v, assumptions, {})[0]?.message).toContain(
      '70% of the epoch mined; ±4.5% from block luck',
    );
  });
});

describe('pool alerts', () => {
  it('fire when concentration crosses a line, once', () => {
    const v = calm();
    Object.assign(v.pools, {
      top: [
        { name: 'Foundry USA', slug: 'foundryusa', blocks: 320, sharePct: 31.7 },
        { name: 'AntPool', slug: 'antpool', blocks: 200, sharePct: 19.8 },
      ],
      topPoolSharePct: 31.7,
      nakamotoCoefficient: 2,
    });
    expect(ids(v)).toEqual(['pool-top2:critical', 'nakamoto-low:critical', 'pool-top1:warning']);
    expect(ids(v, { 'pool-top1': 1, 'pool-top2': 1, 'nakamoto-low': 1 })).toEqual([]);
  });
});
