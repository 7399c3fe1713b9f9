import { describe, expect, it } from 'vitest';
import { createMetricsHistory } from '../../../src/metrics/history';
import { computeRevenue } from '../../../src/metrics/revenue';
import { type DayRow, seriesFromRows, shiftDay, steadyDay } from '../../fixtures/metrics/builders';

const START = '2026-02-01';
// Days 0–14: price $100 + $10 a day; 450 BTC of subsidy and 10 BTC of fees a day (460 BTC of revenue).
const fifteenDays = (): DayRow[] =>
  Array.from({ length: 15 }, (_, day) => steadyDay(100 + 10 * day, 1e6, 10));
const revenue = (rows: DayRow[], i: number) =>
  computeRevenue(createMetricsHistory(seriesFromRows(START, rows)), i);

describe('computeRevenue, by hand over 15 days', () => {
  it('gives the week’s means, totals and fee share, and compares with seven days back', () => {
    const { metrics, warnings } = revenue(fifteenDays(), 14);
    // Days 8–14: 460 BTC × ($180 + … + $240) = 460 × 1,470 = $676,200 in the week, $96,600 a day.
    expect(metrics.usdTotal7d).toBeCloseTo(676_200, 6);
    expect(metrics.usdPerDay7d).toBeCloseTo(96_600, 6);
    expect(metrics.btcTotal7d).toBeCloseTo(3_220, 9);
    expect(metrics.btcPerDay7d).toBeCloseTo(460, 12);
    expect(metrics.subsidyBtcPerDay7d).toBeCloseTo(450, 12);
    expect(metrics.feesBtcPerDay7d).toBeCloseTo(10, 12);
    expect(metrics.feeSharePct7d).toBeCloseTo((10 / 460) * 100, 12);
    // Days 1–7: 460 × 980 ÷ 7 = $64,400 a day, so +50%.
    expect(metrics.change7dPct).toBeCloseTo(50, 10);
    expect(warnings).toEqual([]);
  });

  it('has no change, and says so, while the week seven days back is incomplete', () => {
    const { metrics, warnings } = revenue(fifteenDays(), 12);
    expect(metrics.usdPerDay7d).not.toBeNull();
    expect(metrics.change7dPct).toBeNull();
    expect(warnings).toEqual(['revenue.change7dPct unavailable: no complete revenue week before']);
  });

  it('keeps the BTC figures when only the price is missing, and names the gap', () => {
    const rows = fifteenDays();
    rows[10] = { ...rows[10], PriceUSD: null };
    const { metrics, warnings } = revenue(rows, 12);
    expect(metrics.usdPerDay7d).toBeNull();
    expect(metrics.usdTotal7d).toBeNull();
    expect(metrics.change7dPct).toBeNull();
    expect(metrics.btcPerDay7d).toBeCloseTo(460, 12);
    expect(metrics.btcTotal7d).toBeCloseTo(3_220, 9);
    expect(metrics.feeSharePct7d).toBeCloseTo((10 / 460) * 100, 12);
    expect(warnings).toEqual([
      `revenue.usdPerDay7d unavailable: PriceUSD missing on 1 of the 7 days up to ${shiftDay(START, 12)}`,
    ]);
  });

  it('names every missing revenue column, and has no BTC figures without them', () => {
    const rows = fifteenDays();
    rows[9] = { ...rows[9], IssTotNtv: null };
    rows[10] = { ...rows[10], FeeTotNtv: null };
    rows[11] = { ...rows[11], FeeTotNtv: null };
    const { metrics, warnings } = revenue(rows, 12);
    expect(metrics).toMatchObject({
      usdPerDay7d: null,
      btcPerDay7d: null,
      btcTotal7d: null,
      usdTotal7d: null,
      feeSharePct7d: null,
      change7dPct: null,
    });
    expect(warnings).toEqual([
      `revenue.usdPerDay7d unavailable: IssTotNtv missing on 1 of the 7 days, FeeTotNtv missing on 2 of the 7 days up to ${shiftDay(START, 12)}`,
    ]);
  });

  it('explains a fee share that cannot exist: a week without any miner revenue', () => {
    const rows = Array.from({ length: 7 }, () => ({ ...steadyDay(100, 1e6, 0), IssTotNtv: 0 }));
    const { metrics, warnings } = revenue(rows, 6);
    expect(metrics.btcPerDay7d).toBe(0);
    expect(metrics.usdTotal7d).toBe(0);
    expect(metrics.feeSharePct7d).toBeNull();
    expect(warnings).toEqual([
      `revenue.feeSharePct7d unavailable: zero miner revenue over the 7 days up to ${shiftDay(START, 6)}`,
      'revenue.change7dPct unavailable: no complete revenue week before',
    ]);
  });
});
