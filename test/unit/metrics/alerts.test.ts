import { describe, expect, it } from 'vitest';
import { type AlertView, alertLevels, buildAlerts, top2SharePct } from '../../../src/metrics/alerts';
import { defaultAssumptions } from '../../../src/metrics/assumptions';
import { calmAlertView } from '../../fixtures/metrics/alert-view';

const assumptions = defaultAssumptions();

const calm = calmAlertView;

/** The calm view with a 7-day hashprice that is a new record low. */
function atRecordLow(usdPerPhDay: number): AlertView {
  const v = calm();
  Object.assign(v.hashprice, { usdPerPhDay, recordLow: true, lowestSince: null, lowestSinceDays: null });
  return v;
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
    const record = atRecordLow(19);
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

const level = (view: AlertView, id: string, previous: Record<string, number> = {}) =>
  alertLevels(view, assumptions, previous)[id];
const message = (view: AlertView, previous: Record<string, number> = {}) =>
  buildAlerts(view, assumptions, previous).map((a) => a.message);

describe('hashprice-low: where the bands end', () => {
  it('counts exactly 5% above the 1-year low as near it, and a cent more as not', () => {
    const v = calm();
    v.hashprice.usdPerPhDay = 31.5; // 30 × 1.05
    expect(level(v, 'hashprice-low')).toBe(1);
    v.hashprice.usdPerPhDay = 31.51;
    expect(level(v, 'hashprice-low')).toBe(0);
  });

  it('clears exactly 15% above the low only past it, once told', () => {
    const v = calm();
    v.hashprice.usdPerPhDay = 34.5; // 30 × 1.15
    expect(level(v, 'hashprice-low', { 'hashprice-low': 1 })).toBe(1);
    v.hashprice.usdPerPhDay = 34.51;
    expect(level(v, 'hashprice-low', { 'hashprice-low': 1 })).toBe(0);
  });

  it('holds a 4-year low within 15% once told, but judges the 1-year band on its own', () => {
    const v = calm();
    v.hashprice.usdPerPhDay = 22.4; // 12% above the 4-year low of 20, 25% below the 1-year low of 30
    expect(level(v, 'hashprice-low', { 'hashprice-low': 2 })).toBe(2);
    expect(level(v, 'hashprice-low', { 'hashprice-low': 1 })).toBe(1);
    expect(level(v, 'hashprice-low')).toBe(1);
  });

  it('has no level without a hashprice, or without lows to compare with', () => {
    const v = calm();
    v.hashprice.usdPerPhDay = null;
    expect(level(v, 'hashprice-low')).toBe(0);
    const noLows = calm();
    Object.assign(noLows.hashprice, { usdPerPhDay: 1, low1yUsdPerPhDay: null, low4yUsdPerPhDay: null });
    expect(level(noLows, 'hashprice-low')).toBe(0);
  });
});

describe('hashprice-low: what it says', () => {
  it('names a record low', () => {
    expect(message(atRecordLow(19))).toEqual(['Hashprice set a record low: $19.00/PH/day (7-day average).']);
  });

  it('says how close to the 1-year low it is, with the low and its day', () => {
    const v = calm();
    v.hashprice.usdPerPhDay = 31.4;
    expect(message(v)).toEqual([
      'Hashprice ($31.40/PH/day, 7-day average) is within 4.7% of its 1-year low of $30.00/PH/day (1 May 2026).',
    ]);
  });

  it('says how close to the 4-year low it is when the last lower day is less than four years back', () => {
    const v = calm();
    Object.assign(v.hashprice, { usdPerPhDay: 20.5, lowestSince: '2024-09-01', lowestSinceDays: 1_460 });
    expect(message(v)).toEqual([
      'Hashprice ($20.50/PH/day, 7-day average) is within 2.5% of its 4-year low of $20.00/PH/day (1 September 2024).',
    ]);
  });

  it('says "lowest since" from exactly a year back for a 1-year low', () => {
    const v = calm();
    Object.assign(v.hashprice, { usdPerPhDay: 30.5, lowestSince: '2025-11-23', lowestSinceDays: 365 });
    expect(message(v)).toEqual([
      'Hashprice fell to $30.50/PH/day (7-day average), its lowest since November 2025: a 1-year low.',
    ]);
    v.hashprice.lowestSinceDays = 364;
    expect(message(v)[0]).toMatch(
      /^Hashprice \(\$30\.50\/PH\/day, 7-day average\) is within 1\.7% of its 1-year low/,
    );
  });

  it('never says "within 0.0%": at the low itself it says within 0.1%', () => {
    const v = calm();
    v.hashprice.usdPerPhDay = 30;
    expect(message(v)[0]).toContain('is within 0.1% of its 1-year low');
  });
});

describe('hashrate-drawdown: steps and words', () => {
  it('steps at exactly −10, −20 and −30%, and not before', () => {
    const v = calm();
    for (const [d, expected] of [
      [-9.9, 0],
      [-10, 1],
      [-20, 2],
      [-30, 3],
    ] as const) {
      v.hashrate.fromPeakPct = d;
      expect(level(v, 'hashrate-drawdown'), `${d}%`).toBe(expected);
    }
    // Once at −20%, it stays there down to −14% (70% of the step).
    v.hashrate.fromPeakPct = -14;
    expect(level(v, 'hashrate-drawdown', { 'hashrate-drawdown': 2 })).toBe(2);
    v.hashrate.fromPeakPct = -8;
    expect(level(v, 'hashrate-drawdown')).toBe(0);
  });

  it('has no level without a drawdown', () => {
    const v = calm();
    v.hashrate.fromPeakPct = null;
    expect(level(v, 'hashrate-drawdown', { 'hashrate-drawdown': 3 })).toBe(0);
  });

  it('says how far below which peak', () => {
    const v = calm();
    Object.assign(v.hashrate, { fromPeakPct: -15, ehs7d: 850, peakEhs7d: 1000, peakDate: '2026-10-02' });
    expect(message(v)).toEqual([
      'Hashrate (7-day average, 850 EH/s) is 15.0% below its peak of 1,000 EH/s (2 October 2026).',
    ]);
  });
});

describe('alert words without a day to name', () => {
  it("leaves out the low's day instead of printing a blank date", () => {
    const v = calm();
    Object.assign(v.hashprice, { usdPerPhDay: 31.4, low1yDate: null });
    expect(message(v)).toEqual([
      'Hashprice ($31.40/PH/day, 7-day average) is within 4.7% of its 1-year low of $30.00/PH/day.',
    ]);
  });

  it("leaves out the peak's day instead of printing a blank date", () => {
    const v = calm();
    Object.assign(v.hashrate, { fromPeakPct: -15, ehs7d: 850, peakEhs7d: 1000, peakDate: null });
    expect(message(v)).toEqual(['Hashrate (7-day average, 850 EH/s) is 15.0% below its peak of 1,000 EH/s.']);
  });
});

describe('pool alerts: lines and words', () => {
  const pools = (shares: number[]) =>
    shares.map((sharePct, i) => ({
      name: `Pool ${'ABC'[i]}`,
      slug: `pool${i}`,
      blocks: 10 * sharePct,
      sharePct,
    }));

  it('needs more than 30% for the largest pool and more than 50% for the two largest', () => {
    const v = calm();
    Object.assign(v.pools, { top: pools([30, 20, 15]), topPoolSharePct: 30, nakamotoCoefficient: 3 });
    expect(ids(v)).toEqual([]);
    Object.assign(v.pools, { top: pools([30.1, 20, 15]), topPoolSharePct: 30.1 });
    expect(ids(v)).toEqual(['pool-top2:critical', 'pool-top1:warning']);
    expect(message(v)).toEqual([
      "The two largest pools mined 50.1% of the week's blocks.",
      "Pool A mined 30.1% of the week's blocks, more than 30%.",
    ]);
  });

  it('sums only the two largest pools, and has no share without pools', () => {
    const v = calm();
    Object.assign(v.pools, { top: pools([26, 25, 24]), topPoolSharePct: 26, nakamotoCoefficient: 3 });
    expect(ids(v)).toEqual(['pool-top2:critical']);
    Object.assign(v.pools, { top: [], topPoolSharePct: null, nakamotoCoefficient: null });
    expect(level(v, 'pool-top2')).toBe(0);
    expect(level(v, 'pool-top1')).toBe(0);
  });

  it('calls the largest pool by its place when it has no name to give', () => {
    const v = calm();
    Object.assign(v.pools, { top: [], topPoolSharePct: 35, nakamotoCoefficient: null });
    expect(message(v)).toEqual(["The largest pool mined 35.0% of the week's blocks, more than 30%."]);
  });

  it('rates one pool with a majority above two, and three as nothing', () => {
    const v = calm();
    for (const [nc, expected] of [
      [null, 0],
      [3, 0],
      [2, 1],
      [1, 2],
    ] as const) {
      v.pools.nakamotoCoefficient = nc;
      expect(level(v, 'nakamoto-low'), `${nc}`).toBe(expected);
    }
    expect(message(v)).toEqual(["1 pool mined more than half of the week's blocks."]);
    v.pools.nakamotoCoefficient = 2;
    expect(message(v)).toEqual(["2 pools mined more than half of the week's blocks."]);
  });
});

describe('difficulty-drop: lines and words', () => {
  it('is info at exactly −5%, a warning at exactly −10%, and nothing above −5%', () => {
    const v = calm();
    Object.assign(v.difficulty, { nextAdjustmentEarly: false, epochProgressPct: 60 });
    for (const [pctChange, expected] of [
      [-4.9, []],
      [-5, ['difficulty-drop:info']],
      [-10, ['difficulty-drop:warning']],
    ] as const) {
      v.difficulty.nextAdjustmentPct = pctChange;
      expect(ids(v), `${pctChange}%`).toEqual(expected);
    }
  });

  it('raises nothing without an estimate, or when it is not known whether the epoch is early', () => {
    const v = calm();
    Object.assign(v.difficulty, { nextAdjustmentPct: null, nextAdjustmentEarly: false });
    expect(level(v, 'difficulty-drop')).toBe(0);
    Object.assign(v.difficulty, { nextAdjustmentPct: -12, nextAdjustmentEarly: null });
    expect(level(v, 'difficulty-drop')).toBe(0);
  });

  it('says the size, the day and the block-luck range when known, and leaves out what is not', () => {
    const v = calm();
    Object.assign(v.difficulty, {
      nextAdjustmentPct: -6.2,
      nextAdjustmentEarly: false,
      nextAdjustmentDate: '2026-11-28',
      epochProgressPct: 60,
      nextAdjustmentMarginPct: 5.4,
    });
    expect(message(v)).toEqual([
      'Difficulty is set to fall about 6.2% at the next adjustment, around 28 November 2026 (60% of the epoch mined; ±5.4% from block luck).',
    ]);
    Object.assign(v.difficulty, { nextAdjustmentDate: null, nextAdjustmentMarginPct: null });
    expect(message(v)).toEqual([
      'Difficulty is set to fall about 6.2% at the next adjustment (60% of the epoch mined).',
    ]);
  });
});

describe('every alert at once', () => {
  it('lists the rules in their order, each with the figures it is judged on', () => {
    const v = calm();
    v.hashprice.usdPerPhDay = 31.4; // within 5% of the 1-year low of 30
    v.hashrate.fromPeakPct = -12;
    Object.assign(v.difficulty, { nextAdjustmentPct: -6, nextAdjustmentEarly: false, epochProgressPct: 60 });
    const top = [
      { name: 'Foundry USA', slug: 'foundryusa', blocks: 301, sharePct: 30.1 },
      { name: 'AntPool', slug: 'antpool', blocks: 200, sharePct: 20 },
    ];
    Object.assign(v.pools, { top, topPoolSharePct: 30.1, nakamotoCoefficient: 2 });
    expect(buildAlerts(v, assumptions, {}).map((a) => [a.id, a.severity, a.metricKeys])).toEqual([
      [
        'hashprice-low',
        'info',
        ['usdPerPhDay', 'recordLow', 'low1yUsdPerPhDay', 'low4yUsdPerPhDay', 'lowestSince'].map(
          (k) => `hashprice.${k}`,
        ),
      ],
      ['hashrate-drawdown', 'warning', ['hashrate.fromPeakPct', 'hashrate.ehs7d', 'hashrate.peakDate']],
      [
        'difficulty-drop',
        'info',
        ['nextAdjustmentPct', 'nextAdjustmentEarly', 'epochProgressPct'].map((k) => `difficulty.${k}`),
      ],
      ['pool-top2', 'critical', ['pools.top']],
      ['nakamoto-low', 'critical', ['pools.nakamotoCoefficient']],
      ['pool-top1', 'warning', ['pools.topPoolSharePct', 'pools.top']],
    ]);
  });

  it('raises nothing for a record-low flag without a hashprice', () => {
    const v = calm();
    Object.assign(v.hashprice, { usdPerPhDay: null, recordLow: true });
    expect(ids(v)).toEqual([]);
    expect(ids(v, { 'hashprice-low': 3 })).toEqual([]);
  });

  it('says "lowest since" only with the day it was lower', () => {
    const v = calm();
    Object.assign(v.hashprice, { usdPerPhDay: 30.5, lowestSince: null, lowestSinceDays: 400 });
    expect(message(v)).toEqual([
      'Hashprice ($30.50/PH/day, 7-day average) is within 1.7% of its 1-year low of $30.00/PH/day (1 May 2026).',
    ]);
  });
});

describe('top2SharePct', () => {
  it('adds the two largest shares, and has none without pools', () => {
    const pool = (sharePct: number) => ({ name: 'P', slug: 'p', blocks: sharePct, sharePct });
    expect(top2SharePct({ ...calm().pools, top: [pool(30), pool(20), pool(15)] })).toBe(50);
    expect(top2SharePct({ ...calm().pools, top: [pool(30)] })).toBe(30);
    expect(top2SharePct({ ...calm().pools, top: [] })).toBeNull();
  });
});
