import { describe, expect, it } from 'vitest';
import { defaultAssumptions } from '../../../src/metrics/assumptions';
import { computeCycleDrawdown } from '../../../src/metrics/cycle';
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
