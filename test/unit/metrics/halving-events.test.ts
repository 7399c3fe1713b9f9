import { describe, expect, it } from 'vitest';
import {
  computeHalvingAftermath,
  halvingDays,
  projectHalvingHashprice,
} from '../../../src/metrics/halving-events';
import { createMetricsHistory } from '../../../src/metrics/history';
import { type DayRow, seriesFromRows, shiftDay, steadyDay } from '../../fixtures/metrics/builders';

const START = '2026-03-01';
/**
 * A day of 144 blocks paying `subsidy` BTC each plus 0.1 BTC of fees (14.4 BTC), at $60,000 and
 * 600 EH/s: revenue per block = subsidy + 0.1.
 */
const day = (subsidy: number, over: DayRow = {}): DayRow => ({
  ...steadyDay(60_000, 6e8, 14.4),
  IssTotNtv: subsidy * 144,
  ...over,
});
const history = (rows: DayRow[]) => createMetricsHistory(seriesFromRows(START, rows));
/** `before` days at 6.25 BTC, then `rest` at 3.125 (a halving at midnight on day `before`). */
const midnight = (before: number, rest: number, edit: (row: DayRow, k: number) => DayRow = (r) => r) =>
  history(
    [
      ...Array.from({ length: before }, () => day(6.25)),
      ...Array.from({ length: rest }, () => day(3.125)),
    ].map(edit),
  );
// One day's hashprice in USD per PH/s: 144 × (subsidy + 0.1) BTC × $60,000 ÷ 600,000 PH/s.
const hashprice = (subsidy: number) => (144 * (subsidy + 0.1) * 60_000) / 600_000;

describe('halvingDays', () => {
  it('finds a halving on the last day it looks at', () => {
    const h = midnight(10, 1);
    expect(halvingDays(h, 10)).toEqual([10]);
    expect(halvingDays(h, 9)).toEqual([]);
  });

  it('reads the level from the first day with a subsidy, whatever comes before', () => {
    const h = history([
      day(6.25, { BlkCnt: null }),
      ...Array.from({ length: 5 }, () => day(6.25)),
      day(3.125),
    ]);
    expect(halvingDays(h, 6)).toEqual([6]);
  });

  it('takes a day without new coins for no halving, and 95% of the level for none either', () => {
    // 5.9375 = 0.95 × 6.25 exactly.
    const h = history([day(6.25), day(6.25), day(0), day(5.9375), day(6.25)]);
    expect(halvingDays(h, 4)).toEqual([]);
  });
});

describe('computeHalvingAftermath', () => {
  it('measures the week before a midnight halving against the days after it, the halving day included', () => {
    // Halving at midnight on day 10; as-of day 12: the after-window is days 10–12.
    const out = computeHalvingAftermath(midnight(10, 3), 12);
    const a = out.afterPrevious;
    expect(out.previousDate).toBe(shiftDay(START, 10));
    expect(a?.daysMeasured).toBe(3);
    expect(a?.revenueBtcPerBlockBefore).toBeCloseTo(6.35, 12);
    expect(a?.revenueBtcPerBlockAfter).toBeCloseTo(3.225, 12);
    expect(a?.feesPerBlockBeforeBtc).toBeCloseTo(0.1, 12);
    expect(a?.feesPerBlockAfterBtc).toBeCloseTo(0.1, 12);
    expect(a?.hashpriceBeforeUsdPerPhDay).toBeCloseTo(hashprice(6.25), 9);
    expect(a?.hashpriceAfterUsdPerPhDay).toBeCloseTo(hashprice(3.125), 9);
  });

  it('counts the last day of each window', () => {
    // Day 9, the last before the halving, and day 12, the as-of day, pay 1.1 BTC of fees a block.
    const h = midnight(10, 3, (row, k) => (k === 9 || k === 12 ? { ...row, FeeTotNtv: 158.4 } : row));
    const a = computeHalvingAftermath(h, 12).afterPrevious;
    expect(a?.feesPerBlockBeforeBtc).toBeCloseTo((6 * 0.1 + 1.1) / 7, 12);
    expect(a?.feesPerBlockAfterBtc).toBeCloseTo((2 * 0.1 + 1.1) / 3, 12);
  });

  it('measures nothing after the halving while a day after it lacks data', () => {
    const h = midnight(10, 3, (row, k) => (k === 11 ? { ...row, HashRate: null } : row));
    expect(computeHalvingAftermath(h, 12).afterPrevious).toMatchObject({
      daysMeasured: 0,
      revenueBtcPerBlockAfter: null,
      feesPerBlockAfterBtc: null,
    });
  });

  it('measures at most seven days after the halving', () => {
    const h = midnight(10, 15, (row, k) => (k === 17 ? { ...row, FeeTotNtv: 144 } : row));
    // Days 10–16 measured; day 17's 1 BTC of fees a block lies outside.
    const a = computeHalvingAftermath(h, 20).afterPrevious;
    expect(a?.daysMeasured).toBe(7);
    expect(a?.feesPerBlockAfterBtc).toBeCloseTo(0.1, 12);
  });

  it('counts a day with at most 55% of the old subsidy as wholly after the halving', () => {
    // 3.4375 = 0.55 × 6.25 exactly.
    const h = history([...Array.from({ length: 10 }, () => day(6.25)), day(3.4375), day(3.125)]);
    expect(computeHalvingAftermath(h, 11).afterPrevious?.daysMeasured).toBe(2);
  });

  it('has nothing after a mixed halving day until the next day, then one day', () => {
    const rows = [...Array.from({ length: 10 }, () => day(6.25)), day(4.6875), day(3.125)];
    const onTheDay = computeHalvingAftermath(history(rows), 10).afterPrevious;
    expect(onTheDay).toMatchObject({
      daysMeasured: 0,
      revenueBtcPerBlockAfter: null,
      hashpriceAfterUsdPerPhDay: null,
      hashpriceChangePct: null,
      feesPerBlockAfterBtc: null,
    });
    expect(onTheDay?.feesPerBlockToOffsetBtc).toBeCloseTo(6.35 - 3.125, 12);
    expect(computeHalvingAftermath(history(rows), 11).afterPrevious?.daysMeasured).toBe(1);
  });

  it('describes the halving for 30 days, the 30th included', () => {
    const h = midnight(10, 31);
    expect(computeHalvingAftermath(h, 40).daysSincePrevious).toBe(30);
    expect(computeHalvingAftermath(h, 40).afterPrevious).not.toBeNull();
  });

  it('needs a whole week before the halving', () => {
    expect(computeHalvingAftermath(midnight(6, 3), 8).afterPrevious).toBeNull();
    // Exactly seven days before: days 0–6.
    expect(computeHalvingAftermath(midnight(7, 3), 8).afterPrevious?.revenueBtcPerBlockBefore).toBeCloseTo(
      6.35,
      12,
    );
  });

  it('has no before-window with a day lacking blocks, revenue or hashrate', () => {
    for (const gap of [{ BlkCnt: null }, { IssTotNtv: null }, { HashRate: null }]) {
      const h = midnight(10, 3, (row, k) => (k === 5 ? { ...row, ...gap } : row));
      expect(computeHalvingAftermath(h, 12).afterPrevious, JSON.stringify(gap)).toBeNull();
    }
  });

  it('has no before-window when the day before the halving had no blocks', () => {
    const h = midnight(10, 3, (row, k) => (k === 9 ? { ...row, BlkCnt: 0 } : row));
    expect(computeHalvingAftermath(h, 12).afterPrevious).toBeNull();
  });

  it('has no hashprice for a window with a day without a price, but keeps the block figures', () => {
    const h = midnight(10, 3, (row, k) => (k === 5 ? { ...row, PriceUSD: null } : row));
    const a = computeHalvingAftermath(h, 12).afterPrevious;
    expect(a?.hashpriceBeforeUsdPerPhDay).toBeNull();
    expect(a?.hashpriceChangePct).toBeNull();
    expect(a?.revenueBtcPerBlockBefore).toBeCloseTo(6.35, 12);
    expect(a?.hashpriceAfterUsdPerPhDay).toBeCloseTo(hashprice(3.125), 9);
  });
});

describe('projectHalvingHashprice', () => {
  const halving = { currentSubsidyBtc: 3.125, nextSubsidyBtc: 1.5625, currentFeesPerBlockBtc: 0.025 };

  it('has no projection when any input is missing', () => {
    for (const key of ['currentSubsidyBtc', 'nextSubsidyBtc', 'currentFeesPerBlockBtc'] as const) {
      expect(projectHalvingHashprice(40, { ...halving, [key]: null }), key).toEqual({
        projectedHashpriceUsdPerPhDay: null,
        projectedHashpriceChangePct: null,
      });
    }
  });

  it('has no projection when blocks pay nothing today', () => {
    expect(
      projectHalvingHashprice(40, { currentSubsidyBtc: 0, nextSubsidyBtc: 0, currentFeesPerBlockBtc: 0 }),
    ).toEqual({ projectedHashpriceUsdPerPhDay: null, projectedHashpriceChangePct: null });
  });
});
