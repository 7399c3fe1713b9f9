import { describe, expect, it } from 'vitest';
import { createMetricsHistory } from '../../../src/metrics/history';
import { computeMarket } from '../../../src/metrics/market';
import { type DayRow, seriesFromRows, shiftDay, steadyDay } from '../../fixtures/metrics/builders';

const START = '2026-01-01';
// 40 days: $500 on day 0 (the all-time high), then $100 + $1 a day: $101 on day 1 … $139 on day 39.
const rows = (): DayRow[] =>
  Array.from({ length: 40 }, (_, day) => steadyDay(day === 0 ? 500 : 100 + day, 1e6));
const market = (r: DayRow[], i: number) => computeMarket(createMetricsHistory(seriesFromRows(START, r)), i);
/** computeMarket on day 39 of rows() with `column` missing on that day. */
const lastDayWithout = (column: keyof DayRow) =>
  market(
    rows().map((row, day) => (day === 39 ? { ...row, [column]: null } : row)),
    39,
  );

describe('computeMarket', () => {
  it('compares today with 7 and 30 days back and with the high on the first day', () => {
    const { metrics, warnings } = market(rows(), 39);
    expect(metrics.usd).toBe(139);
    expect(metrics.change7dPct).toBeCloseTo((139 / 132 - 1) * 100, 12);
    expect(metrics.change30dPct).toBeCloseTo((139 / 109 - 1) * 100, 12);
    expect(metrics.athUsd).toBe(500);
    expect(metrics.athDate).toBe(START);
    expect(metrics.drawdownFromAthPct).toBeCloseTo((139 / 500 - 1) * 100, 12);
    expect(metrics.marketCapUsd).toBe(139 * 19_900_000);
    expect(warnings).toEqual([]);
  });

  it('says which changes have no day to compare with', () => {
    const { metrics, warnings } = market(rows(), 5);
    expect(metrics.change7dPct).toBeNull();
    expect(metrics.change30dPct).toBeNull();
    expect(warnings).toEqual([
      `price.change7dPct unavailable: no PriceUSD 7 days before ${shiftDay(START, 5)}`,
      `price.change30dPct unavailable: no PriceUSD 30 days before ${shiftDay(START, 5)}`,
    ]);
  });

  it('has no price figures on a day without a price, and one warning for it', () => {
    const { metrics, warnings } = lastDayWithout('PriceUSD');
    expect(metrics).toMatchObject({
      usd: null,
      change7dPct: null,
      change30dPct: null,
      drawdownFromAthPct: null,
    });
    expect(metrics.marketCapUsd).toBe(139 * 19_900_000);
    expect(warnings).toEqual([`price unavailable: PriceUSD missing on ${shiftDay(START, 39)}`]);
  });

  it('has no all-time high before the first price', () => {
    const r = rows().map((row, day) => (day < 3 ? { ...row, PriceUSD: null } : row));
    const { metrics } = market(r, 1);
    expect(metrics.athUsd).toBeNull();
    expect(metrics.athDate).toBeNull();
    expect(market(r, 3).metrics.athDate).toBe(shiftDay(START, 3));
  });

  it('names a missing market cap', () => {
    const { metrics, warnings } = lastDayWithout('CapMrktCurUSD');
    expect(metrics.marketCapUsd).toBeNull();
    expect(metrics.usd).toBe(139);
    expect(warnings).toEqual([
      `price.marketCapUsd unavailable: CapMrktCurUSD missing on ${shiftDay(START, 39)}`,
    ]);
  });
});
