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
