import { describe, expect, it } from 'vitest';
import { defaultAssumptions } from '../../../src/metrics/assumptions';
import { computeCycleDrawdown, nullCycleDrawdown } from '../../../src/metrics/cycle';
import { createMetricsHistory } from '../../../src/metrics/history';
import { buildSnapshot } from '../../../src/metrics/snapshot';
import { inputsFor, seriesFromRows, steadyDay } from '../../fixtures/metrics/builders';

// 2024-04-10 … 2024-06-30 (82 days). Price $100k before the halving (2024-04-20), $80k peak on 2024-05-10,
// $60k from 2024-06-01. Hashrate 1000 EH/s, 900 EH/s from 2024-06-01.
function series() {
  const start = Date.parse('2024-04-10T00:00:00Z');
  const rows = Array.from({ length: 82 }, (_, i) => {
    const day = new Date(start + i * 86_400_000).toISOString().slice(0, 10);
    const price =
      day < '2024-04-20' ? 100_000 : day === '2024-05-10' ? 80_000 : day < '2024-06-01' ? 70_000 : 60_000;
    const hashrate = day < '2024-06-01' ? 1e9 : 9e8;
    return steadyDay(price, hashrate);
  });
  return seriesFromRows('2024-04-10', rows);
}

describe('this cycle so far', () => {
  it('measures the falls from the highs since the last halving, not from older highs', () => {
    const asOf = '2024-06-30';
    const { snapshot } = buildSnapshot(inputsFor(series(), asOf), defaultAssumptions(), {
      issueId: asOf,
      generatedAt: '2024-07-01T06:00:00Z',
    });
    const st = snapshot.metrics.stress;
    expect(st.cycleStartDate).toBe('2024-04-20');
    expect(st.cyclePricePeakUsd).toBe(80_000);
    expect(st.cyclePricePeakDate).toBe('2024-05-10');
    expect(st.cyclePriceDrawdownPct).toBeCloseTo(-25, 12); // 60k ÷ 80k − 1
    expect(snapshot.metrics.price.drawdownFromAthPct).toBeCloseTo(-40, 12); // vs the $100k all-time high
    expect(st.cycleHashratePeakEhs7d).toBeCloseTo(1000, 9);
    expect(st.cycleHashrateDrawdownPct).toBeCloseTo(-10, 9);
    // The configured shocks stay beside them.
    expect([st.priceDropPct, st.hashrateDropPct]).toEqual([38, 12]);
  });

  it('is null with a reason when the cycle start is unknown', () => {
    const history = createMetricsHistory(series());
    const { metrics, warnings } = computeCycleDrawdown(history, 10, null);
    expect(Object.values(metrics).every((v) => v === null)).toBe(true);
    expect(warnings[0]).toMatch(/start of the halving cycle is unknown/);
  });
});

describe('computeCycleDrawdown, by hand', () => {
  // Prices by day: $100 on days 0–4, $150 on days 5–6, $120 on days 7–9; hashrate 1, 2, 3 … 10 EH/s.
  const prices = [100, 100, 100, 100, 100, 150, 150, 120, 120, 120];
  const history = (price: (number | null)[] = prices) =>
    createMetricsHistory(
      seriesFromRows(
        '2026-01-01',
        price.map((p, k) => ({ ...steadyDay(p ?? 1, (k + 1) * 1e6), PriceUSD: p })),
      ),
    );

  it('dates the peak to its first day and measures today against it', () => {
    const { metrics, warnings } = computeCycleDrawdown(history(), 9, 2);
    expect(metrics.cycleStartDate).toBe('2026-01-03');
    expect(metrics.cyclePricePeakUsd).toBe(150);
    expect(metrics.cyclePricePeakDate).toBe('2026-01-06');
    expect(metrics.cyclePriceDrawdownPct).toBeCloseTo(-20, 12);
    // The 7-day mean rises every day from day 6 (4 EH/s) to day 9 (7 EH/s): today is the peak.
    expect(metrics.cycleHashratePeakEhs7d).toBeCloseTo(7, 12);
    expect(metrics.cycleHashratePeakDate).toBe('2026-01-10');
    expect(metrics.cycleHashrateDrawdownPct).toBe(0);
    expect(warnings).toEqual([]);
  });

  it('counts a cycle that starts at the first day of the data, or today', () => {
    expect(computeCycleDrawdown(history(), 9, 0).metrics.cyclePricePeakUsd).toBe(150);
    const today = computeCycleDrawdown(history(), 9, 9).metrics;
    expect(today.cycleStartDate).toBe('2026-01-10');
    expect(today.cyclePricePeakUsd).toBe(120);
    expect(today.cyclePriceDrawdownPct).toBe(0);
  });

  it('is all null for a cycle that starts after today or before the data', () => {
    // The seven cycle figures (the start, and a peak, its date and the drawdown for price and hashrate).
    const none = nullCycleDrawdown();
    expect(Object.keys(none)).toHaveLength(7);
    expect(Object.values(none).filter((v) => v !== null)).toEqual([]);
    expect(computeCycleDrawdown(history(), 5, 6).metrics).toEqual(none);
    expect(computeCycleDrawdown(history(), 5, -1).metrics).toEqual(none);
  });

  it('skips a price that is not a number when looking for the peak', () => {
    const { metrics } = computeCycleDrawdown(history([Number.NaN, 100, 110, 105]), 3, 0);
    expect(metrics.cyclePricePeakUsd).toBe(110);
    expect(metrics.cyclePricePeakDate).toBe('2026-01-03');
  });

  it('says which drawdown is missing, without inventing a peak', () => {
    const noPrices = computeCycleDrawdown(history([null, null, null, null]), 3, 0);
    expect(noPrices.metrics.cyclePricePeakUsd).toBeNull();
    expect(noPrices.metrics.cyclePricePeakDate).toBeNull();
    expect(noPrices.metrics.cyclePriceDrawdownPct).toBeNull();
    // Four days of data: no 7-day hashrate either.
    expect(noPrices.metrics.cycleHashratePeakEhs7d).toBeNull();
    expect(noPrices.metrics.cycleHashratePeakDate).toBeNull();
    expect(noPrices.warnings).toEqual([
      'stress.cyclePriceDrawdownPct unavailable: no PriceUSD for the day or the cycle',
      'stress.cycleHashrateDrawdownPct unavailable: no 7-day hashrate for the day or the cycle',
    ]);
  });
});
