import { describe, expect, it } from 'vitest';
import {
  computeHashprice,
  hashpriceDrivers,
  windowLow,
  windowPercentile,
} from '../../../src/metrics/hashprice';
import { createMetricsHistory } from '../../../src/metrics/history';
import { type DayRow, seriesFromRows, shiftDay, steadyDay } from '../../fixtures/metrics/builders';

describe('windowPercentile', () => {
  it('ranks a day among the days of its window that have a value, today included', () => {
    const values = [9, 3, null, 1, 2, 2];
    // Window of 3 ending day 5: 1, 2, 2 → all three ≤ 2.
    expect(windowPercentile(values, 5, 3)).toBe(100);
    // Window of 5 ending day 5: 3, (none), 1, 2, 2 → 3 of the 4 values are ≤ 2.
    expect(windowPercentile(values, 5, 5)).toBe(75);
    // Whole history: 9, 3, 1, 2, 2 → 3 of 5; a window longer than the history starts at day 0.
    expect(windowPercentile(values, 5, 100)).toBe(60);
    // Day 1 alone in a one-day window: itself, 100%.
    expect(windowPercentile(values, 1, 1)).toBe(100);
    // Day 1 against day 0: 3 ≤ 3 but not 9 → 50%.
    expect(windowPercentile(values, 1, 2)).toBe(50);
  });

  it('has no rank for a day without a value, or for a day past the end', () => {
    const values = [1, 2, null, 3];
    expect(windowPercentile(values, 2, 3)).toBeNull();
    expect(windowPercentile(values, 4, 3)).toBeNull();
  });
});

describe('windowLow', () => {
  it('finds the lowest value of the window, today included, skipping days without one', () => {
    expect(windowLow([5, 4, null, 6, 1], 4, 3)).toEqual({ value: 1, index: 4 });
    expect(windowLow([5, 4, null, 6, 7], 4, 3)).toEqual({ value: 6, index: 3 });
    expect(windowLow([5, 4, null, 6, 7], 4, 5)).toEqual({ value: 4, index: 1 });
  });

  it('dates a tie to its latest day', () => {
    expect(windowLow([2, 5, 2, 3], 3, 4)).toEqual({ value: 2, index: 2 });
  });

  it('is null when no day of the window has a value', () => {
    expect(windowLow([1, null, null], 2, 2)).toBeNull();
    // Past the end of the series there is nothing either.
    expect(windowLow([null, null], 3, 2)).toBeNull();
  });
});

/**
 * 400 days from 2023-01-01 at 1,000 PH/s and 460 BTC of rewards a day, so a day's spot hashprice is
 * 0.46 × price and the 7-day one 0.46 × the window's mean price:
 * - days 0–9 at $20: hashprice $9.20 on days 6–9 (the first complete windows);
 * - days 10–379 at $100: the window fills with $100 days, k = 1…6 of them on days 10–15
 *   (0.46 × (20 + 80k ÷ 7) = 14.46, 19.71, 24.97, 30.23, 35.49, 40.74), then $46 from day 16;
 * - days 380–399 at $80: 46 − 1.314k on days 380–385 (44.69 … 38.11), then $36.80 from day 386.
 */
describe('computeHashprice over 400 days of history, by hand', () => {
  const START = '2023-01-01';
  const price = (day: number) => (day < 10 ? 20 : day < 380 ? 100 : 80);
  const history = () =>
    createMetricsHistory(
      seriesFromRows(
        START,
        Array.from({ length: 400 }, (_, day) => steadyDay(price(day), 1e6)),
      ),
    );

  it('finds the 1-year and 4-year lows and the last lower day', () => {
    const { metrics, warnings } = computeHashprice(history(), 399);
    expect(metrics).toMatchObject({
      usdPerPhDay: expect.closeTo(36.8, 10),
      spotUsdPerPhDay: expect.closeTo(36.8, 10),
      spotBtcPerPhDay: expect.closeTo(0.46, 12),
      // The year ending day 399 is days 35–399: its low is today's $36.80 (ties go to the latest day).
      low1yUsdPerPhDay: expect.closeTo(36.8, 10),
      low1yDate: shiftDay(START, 399),
      // Four years reach back to day 0: $9.20 on days 6–9, dated to day 9.
      low4yUsdPerPhDay: expect.closeTo(9.2, 10),
      low4yDate: shiftDay(START, 9),
      // Last day below $36.80: day 14 ($35.49); 385 days ago.
      lowestSince: shiftDay(START, 14),
      lowestSinceDays: 385,
      recordLow: false,
    });
    expect(warnings).toEqual([]);
  });

  it('ranks today within the last year and the last four years', () => {
    const { metrics } = computeHashprice(history(), 399);
    // Year: only the 14 days 386–399 are ≤ $36.80, of 365.
    expect(metrics.percentile1y).toBeCloseTo((14 / 365) * 100, 10);
    // Four years = all 394 days with a value (6–399): days 6–9, 10–14 (up to $35.49) and 386–399.
    expect(metrics.percentile4y).toBeCloseTo((23 / 394) * 100, 10);
    // The all-time percentile agrees with the four-year one while history is shorter than four years.
    expect(metrics.percentile).toBeCloseTo((23 / 394) * 100, 10);
    expect(metrics.low52wUsdPerPhDay).toBeCloseTo(36.8, 10);
    expect(metrics.high52wUsdPerPhDay).toBeCloseTo(46, 10);
  });

  it('calls the first complete week a record low with no earlier lower day', () => {
    const { metrics } = computeHashprice(history(), 6);
    expect(metrics.recordLow).toBe(true);
    expect(metrics.lowestSince).toBeNull();
    expect(metrics.lowestSinceDays).toBeNull();
    expect(metrics.low1yUsdPerPhDay).toBeCloseTo(9.2, 10);
    expect(metrics.low1yDate).toBe(shiftDay(START, 6));
  });
});

describe('computeHashprice on a day without a hashprice', () => {
  // 20 steady days, then HashRate missing on day 20: days 20–26 have no 7-day hashprice.
  const rows = (): DayRow[] =>
    Array.from({ length: 24 }, (_, day) =>
      day === 20 ? { ...steadyDay(100, 1e6), HashRate: null } : steadyDay(day < 10 ? 50 : 100, 1e6),
    );

  it('reports no range, lows or drivers, although earlier days have them', () => {
    const h = createMetricsHistory(seriesFromRows('2026-03-01', rows()));
    const { metrics, warnings } = computeHashprice(h, 22);

    expect(metrics.usdPerPhDay).toBeNull();
    expect(metrics.low52wUsdPerPhDay).toBeNull();
    expect(metrics.high52wUsdPerPhDay).toBeNull();
    expect(metrics.low1yUsdPerPhDay).toBeNull();
    expect(metrics.low1yDate).toBeNull();
    expect(metrics.low4yUsdPerPhDay).toBeNull();
    expect(metrics.low4yDate).toBeNull();
    expect(metrics.percentile1y).toBeNull();
    expect(metrics.drivers).toBeNull();
    expect(metrics.change7dPct).toBeNull();
    // The day's own spot figure needs only the day: day 22 has its hashrate.
    expect(metrics.spotUsdPerPhDay).toBeCloseTo(46, 10);
    expect(warnings).toEqual(['hashprice unavailable: HashRate missing on 1 of the 7 days up to 2026-03-23']);
  });

  it('has no drivers in a week of zero hashrate, although each driver could be computed', () => {
    // 14 days: 1,000 PH/s for a week, then none. The hashrate change (−100%) exists; hashprice does not.
    const h = createMetricsHistory(
      seriesFromRows(
        '2026-03-01',
        Array.from({ length: 14 }, (_, day) => steadyDay(100, day < 7 ? 1e6 : 0)),
      ),
    );
    const { metrics } = computeHashprice(h, 13);
    expect(metrics.usdPerPhDay).toBeNull();
    expect(hashpriceDrivers(h, 13)?.hashrateChangePct).toBe(-100);
    expect(metrics.drivers).toBeNull();
  });

  it('says why the week-on-week change is missing when the week before is incomplete', () => {
    const h = createMetricsHistory(seriesFromRows('2026-03-01', rows()));
    // Day 29 has a hashprice (window 23–29); day 22 has none.
    const longer = createMetricsHistory(
      seriesFromRows('2026-03-01', [...rows(), ...Array.from({ length: 6 }, () => steadyDay(100, 1e6))]),
    );
    const { metrics, warnings } = computeHashprice(longer, 29);
    expect(h.hashpriceUsdPerPhDay7d[22]).toBeNull();
    expect(metrics.usdPerPhDay).toBeCloseTo(46, 10);
    expect(metrics.change7dPct).toBeNull();
    expect(metrics.btcChange7dPct).toBeNull();
    expect(warnings).toEqual(['hashprice.change7dPct unavailable: no complete hashprice week before']);
  });
});

describe('hashpriceDrivers', () => {
  // 14 days at 1,000 PH/s, 450 BTC subsidy and 10 BTC fees a day, $100; `change` edits the first week.
  const fortnight = (change: (row: DayRow, day: number) => DayRow) =>
    createMetricsHistory(
      seriesFromRows(
        '2026-03-01',
        Array.from({ length: 14 }, (_, day) =>
          day < 7 ? change(steadyDay(100, 1e6), day) : steadyDay(100, 1e6),
        ),
      ),
    );

  it('splits a steady fortnight into no change at all', () => {
    expect(
      hashpriceDrivers(
        fortnight((row) => row),
        13,
      ),
    ).toEqual({
      avgPriceChangePct: 0,
      btcRevenueChangePct: 0,
      subsidyBtcChangePct: 0,
      feesBtcChangePct: 0,
      hashrateChangePct: 0,
    });
  });

  it('is null before there is a day seven days back', () => {
    expect(
      hashpriceDrivers(
        fortnight((row) => row),
        6,
      ),
    ).toBeNull();
  });

  it('is null when any one driver has no week to compare with', () => {
    // A missing price: the revenue-weighted price of week 1 is unknown, its BTC revenue is not.
    const noPrice = fortnight((row, day) => (day === 3 ? { ...row, PriceUSD: null } : row));
    // A missing hashrate: only the hashrate change is unknown.
    const noHashrate = fortnight((row, day) => (day === 3 ? { ...row, HashRate: null } : row));
    // No fees in week 1: a change from zero is undefined; subsidy, revenue and price changes exist.
    const noFees = fortnight((row) => ({ ...row, FeeTotNtv: 0 }));
    // No subsidy in week 1 (as after the last halving): likewise.
    const noSubsidy = fortnight((row) => ({ ...row, IssTotNtv: 0 }));

    expect(noPrice.revenueBtcPerDay7d[6]).toBeCloseTo(460, 12);
    expect(hashpriceDrivers(noPrice, 13)).toBeNull();
    expect(hashpriceDrivers(noHashrate, 13)).toBeNull();
    expect(hashpriceDrivers(noFees, 13)).toBeNull();
    expect(hashpriceDrivers(noSubsidy, 13)).toBeNull();
  });
});
