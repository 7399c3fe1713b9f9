import { describe, expect, it } from 'vitest';
import { AssumptionsError, MetricsInputError, SnapshotInvariantError } from '../../../src/metrics/errors';
import { createMetricsHistory } from '../../../src/metrics/history';
import { dayGapReason, windowGapReason } from '../../../src/metrics/reasons';
import { seriesFromRows, steadyDay } from '../../fixtures/metrics/builders';

describe('windowGapReason and dayGapReason', () => {
  const rows = Array.from({ length: 8 }, (_, k) =>
    k === 3 ? { ...steadyDay(100, 1e6), HashRate: null } : steadyDay(100, 1e6),
  );
  const h = () => createMetricsHistory(seriesFromRows('2026-01-01', rows));

  it('names the gap on the first day with a whole window, and the short history the day before', () => {
    expect(windowGapReason(h(), 6, ['HashRate', 'PriceUSD'], 'x')).toBe(
      'x unavailable: HashRate missing on 1 of the 7 days up to 2026-01-07',
    );
    expect(windowGapReason(h(), 5, ['HashRate'], 'x')).toBe(
      'x unavailable: fewer than 7 days of Coin Metrics data up to 2026-01-06',
    );
    expect(windowGapReason(h(), 7, ['PriceUSD'], 'x')).toBeNull();
  });

  it('names the day, or its place when the day is past the data', () => {
    expect(dayGapReason(h(), 3, 'HashRate', 'hashrate')).toBe(
      'hashrate unavailable: HashRate missing on 2026-01-04',
    );
    expect(dayGapReason(h(), 12, 'HashRate', 'hashrate')).toBe(
      'hashrate unavailable: HashRate missing on day #12',
    );
    expect(windowGapReason(h(), 3, ['HashRate'], 'x')).toBe(
      'x unavailable: fewer than 7 days of Coin Metrics data up to 2026-01-04',
    );
    const threeDays = createMetricsHistory(seriesFromRows('2026-01-01', rows.slice(0, 3)));
    expect(windowGapReason(threeDays, 5, ['HashRate'], 'x')).toBe(
      'x unavailable: fewer than 7 days of Coin Metrics data up to ?',
    );
  });
});

describe('metrics errors', () => {
  it('carry their own names, so logs and handlers can tell them apart', () => {
    expect(new AssumptionsError('x').name).toBe('AssumptionsError');
    expect(new MetricsInputError('x').name).toBe('MetricsInputError');
    expect(new SnapshotInvariantError('x').name).toBe('SnapshotInvariantError');
  });
});
