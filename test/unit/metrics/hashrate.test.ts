import { describe, expect, it } from 'vitest';
import { computeHashrate } from '../../../src/metrics/hashrate';
import { createMetricsHistory } from '../../../src/metrics/history';
import { seriesFromRows, steadyDay } from '../../fixtures/metrics/builders';

describe('computeHashrate', () => {
  it('averages 7 days in EH/s and compares with 7 and 30 days earlier', () => {
    // Hashrate rises 1% of 1 EH/s a day: day i = 1e6 × (1 + i/100) TH/s, so the 7-day mean ending i is
    // 1 + (i − 3)/100 EH/s.
    const rows = Array.from({ length: 40 }, (_, i) => steadyDay(100, 1e6 * (1 + i / 100)));
    const h = createMetricsHistory(seriesFromRows('2026-01-01', rows));
    const { metrics } = computeHashrate(h, 39);
    expect(metrics.ehs7d).toBeCloseTo(1.36, 12);
    expect(metrics.change7dPct).toBeCloseTo((1.36 / 1.29 - 1) * 100, 10);
    expect(metrics.change30dPct).toBeCloseTo((1.36 / 1.06 - 1) * 100, 10);
    expect(metrics.fromPeakPct).toBe(0);
    expect(metrics.peakDate).toBe('2026-02-09');
  });

  it('measures the distance from the highest 7-day mean so far', () => {
    // 7 days at 2 EH/s, then 7 days at 1.5 EH/s: peak 2 on day 6, today 1.5 → −25%.
    const rows = [...Array(7).fill(steadyDay(100, 2e6)), ...Array(7).fill(steadyDay(100, 1.5e6))];
    const h = createMetricsHistory(seriesFromRows('2026-01-01', rows));
    const { metrics } = computeHashrate(h, 13);
    expect(metrics.fromPeakPct).toBeCloseTo(-25, 12);
    expect(metrics.peakEhs7d).toBeCloseTo(2, 12);
    expect(metrics.peakDate).toBe('2026-01-07');
    expect(metrics.change7dPct).toBeCloseTo(-25, 12);
  });

  it('is null with a reason when a day of the window has no hashrate', () => {
    const rows = Array.from({ length: 8 }, () => steadyDay(100, 1e6));
    rows[5] = { ...rows[5], HashRate: null };
    rows[6] = { ...rows[6], HashRate: null };
    const h = createMetricsHistory(seriesFromRows('2026-11-16', rows));
    const { metrics, warnings } = computeHashrate(h, 7);
    expect(metrics.ehs7d).toBeNull();
    expect(metrics.fromPeakPct).toBeNull();
    expect(warnings).toEqual([
      'hashrate.ehs7d unavailable: HashRate missing on 2 of the 7 days up to 2026-11-23',
    ]);
  });
});

/**
 * 84 days of HashRate held in fortnights (EH/s): 10, 8, 12, 10.2, 9, 10.8. The 7-day mean reaches each
 * level on the seventh day of its fortnight (days 6, 20, 34, 48, 62, 76) and moves between levels on the
 * six days before. Peaks: 10 (days 6–13), then 12 from day 34 (the mean first tops 10 on day 31).
 */
describe('computeHashrate: the deepest drawdown since', () => {
  const levels = [10, 8, 12, 10.2, 9, 10.8];
  const h = () =>
    createMetricsHistory(
      seriesFromRows(
        '2026-01-01',
        Array.from({ length: 84 }, (_, day) =>
          steadyDay(100, (levels[Math.floor(day / 14)] as number) * 1e6),
        ),
      ),
    );

  it.each([
    {
      // Day 48: 10.2 against the peak of 12 (day 34) = −15%. Before day 34 the last day at −15% or deeper
      // is day 27 (8 against 10 = −20%); day 28's mean (6 × 8 + 12) ÷ 7 = 8.57 is only −14.3%.
      case: 'dates a drawdown to the last day before its peak that was at least as deep',
      day: 48,
      fromPeakPct: -15,
      since: '2026-01-28',
      onRecord: false,
      deepest90dPct: -20,
    },
    {
      // Day 62: 9 against 12 = −25%, deeper than the −20% of the first fortnight at 8.
      case: 'calls a drawdown deeper than any before it the deepest on record',
      day: 62,
      fromPeakPct: -25,
      since: null,
      onRecord: true,
      deepest90dPct: -25,
    },
    {
      // Day 76: 10.8 against 12 = −10%, after −25% on days 62–69 of the same episode.
      case: 'names nothing for a drawdown already passed in the same episode',
      day: 76,
      fromPeakPct: -10,
      since: null,
      onRecord: false,
      deepest90dPct: -25,
    },
  ])('$case', ({ day, fromPeakPct, since, onRecord, deepest90dPct }) => {
    const { metrics } = computeHashrate(h(), day);
    expect(metrics.fromPeakPct).toBeCloseTo(fromPeakPct, 10);
    expect(metrics.peakDate).toBe('2026-02-04');
    expect(metrics.drawdownDeepestSince).toBe(since);
    expect(metrics.drawdownDeepestOnRecord).toBe(onRecord);
    expect(metrics.drawdownDeepest90dPct).toBeCloseTo(deepest90dPct, 10);
  });

  it('keeps that date on the next day at the same depth: equal is not deeper', () => {
    expect(computeHashrate(h(), 50).metrics.drawdownDeepestSince).toBe('2026-01-28');
  });

  it('counts an earlier drawdown of exactly the same depth as at least as deep', () => {
    // Fortnights at 10, 7.5, 12, 9 EH/s: 7.5 ÷ 10 and 9 ÷ 12 are both exactly −25%.
    const tie = [10, 7.5, 12, 9];
    const h2 = createMetricsHistory(
      seriesFromRows(
        '2026-01-01',
        Array.from({ length: 56 }, (_, day) => steadyDay(100, (tie[Math.floor(day / 14)] as number) * 1e6)),
      ),
    );
    const { metrics } = computeHashrate(h2, 48);
    expect(metrics.fromPeakPct).toBe(-25);
    expect(metrics.drawdownDeepestSince).toBe('2026-01-28');
    expect(metrics.drawdownDeepestOnRecord).toBe(false);
  });

  it('looks for the earlier drawdown before the peak, also on the day right after it', () => {
    // HashRate 10 EH/s on days 0–13, 5 on days 14–27, 20 on days 28–34, 6 on day 35. The 7-day mean rises
    // every day from day 28 to its peak of 20 on day 34; day 35's is (6 × 20 + 6) ÷ 7 = 18, −10%. Before
    // the peak, day 28 ((6 × 5 + 20) ÷ 7 = 7.14 against 10, −28.6%) is the last at −10% or deeper: day 29
    // is (5 × 5 + 2 × 20) ÷ 7 = 9.29, −7.1%, and days 30–33 are new peaks.
    const level = (day: number) => (day < 14 ? 10 : day < 28 ? 5 : day < 35 ? 20 : 6);
    const rows = Array.from({ length: 36 }, (_, day) => steadyDay(100, level(day) * 1e6));
    const { metrics } = computeHashrate(createMetricsHistory(seriesFromRows('2026-01-01', rows)), 35);
    expect(metrics.fromPeakPct).toBeCloseTo(-10, 10);
    expect(metrics.peakDate).toBe('2026-02-04');
    expect(metrics.drawdownDeepestSince).toBe('2026-01-29');
    expect(metrics.drawdownDeepestOnRecord).toBe(false);
  });

  it('has no peak before the first complete week', () => {
    const { metrics } = computeHashrate(h(), 3);
    expect(metrics.peakEhs7d).toBeNull();
    expect(metrics.peakDate).toBeNull();
  });

  it('names nothing at a peak', () => {
    const { metrics } = computeHashrate(h(), 40);
    expect(metrics.fromPeakPct).toBe(0);
    expect(metrics.drawdownDeepestSince).toBeNull();
    expect(metrics.drawdownDeepestOnRecord).toBe(false);
  });

  it('has no drawdown figures on a day without a 7-day mean', () => {
    const rows = Array.from({ length: 70 }, (_, day) =>
      steadyDay(100, (levels[Math.floor(day / 14)] as number) * 1e6),
    );
    rows[68] = { ...rows[68], HashRate: null };
    const { metrics, warnings } = computeHashrate(
      createMetricsHistory(seriesFromRows('2026-01-01', rows)),
      69,
    );
    expect(metrics).toMatchObject({
      ehs7d: null,
      fromPeakPct: null,
      drawdownDeepestSince: null,
      drawdownDeepestOnRecord: null,
      drawdownDeepest90dPct: null,
      change7dPct: null,
      change30dPct: null,
    });
    expect(warnings).toEqual([
      'hashrate.ehs7d unavailable: HashRate missing on 1 of the 7 days up to 2026-03-11',
    ]);
  });
});

describe('computeHashrate: week and month changes', () => {
  it('says which change has no complete week to compare with', () => {
    const rows = Array.from({ length: 21 }, () => steadyDay(100, 1e6));
    const { metrics, warnings } = computeHashrate(
      createMetricsHistory(seriesFromRows('2026-01-01', rows)),
      20,
    );
    expect(metrics.change7dPct).toBe(0);
    expect(metrics.change30dPct).toBeNull();
    expect(warnings).toEqual([
      'hashrate.change30dPct unavailable: no complete 7-day hashrate ending 30 days earlier',
    ]);
    const early = computeHashrate(createMetricsHistory(seriesFromRows('2026-01-01', rows)), 12);
    expect(early.warnings).toEqual([
      'hashrate.change7dPct unavailable: no complete 7-day hashrate ending 7 days earlier',
      'hashrate.change30dPct unavailable: no complete 7-day hashrate ending 30 days earlier',
    ]);
  });
});
