import { beforeEach, describe, expect, it } from 'vitest';
import { computeFees } from '../../../src/metrics/fees';
import {
  computeHalvingAftermath,
  halvingDays,
  projectHalvingHashprice,
} from '../../../src/metrics/halving-events';
import { hashpriceDrivers, windowLow, windowPercentile } from '../../../src/metrics/hashprice';
import { createMetricsHistory, type MetricsHistory } from '../../../src/metrics/history';
import { type DayRow, seriesFromRows, steadyDay } from '../../fixtures/metrics/builders';

describe('fee events', () => {
  // 100 quiet days at 0.05 BTC per block, then one day at 2 BTC per block.
  const rows: DayRow[] = Array.from({ length: 101 }, (_, i) => steadyDay(50_000, 1e9, i === 99 ? 288 : 7.2));
  let history: MetricsHistory;
  // Built per test, so Stryker attributes the history code to the tests (see retargets.test.ts).
  beforeEach(() => {
    history = createMetricsHistory(seriesFromRows('2026-01-01', rows));
  });

  it('names the week’s busiest fee day and compares its fees per block with the 90-day median', () => {
    const { metrics } = computeFees(history, 100);
    expect(metrics.peakDay).toBe(history.dates[99]);
    expect(metrics.peakDayBtcPerBlock).toBeCloseTo(2, 12);
    expect(metrics.norm90dBtcPerBlock).toBeCloseTo(0.05, 12);
    expect(metrics.peakMultipleOfNorm).toBeCloseTo(40, 9);
    // 288 of 288 + 450 BTC.
    expect(metrics.peakDaySharePct).toBeCloseTo((288 / 738) * 100, 9);
    expect(metrics.spike).toBe(true);
  });

  it('is no spike in a quiet week, and has no norm without 45 days before the week', () => {
    expect(computeFees(history, 60).metrics.spike).toBe(false);
    const young = computeFees(history, 20);
    expect(young.metrics.norm90dBtcPerBlock).toBeNull();
    expect(young.metrics.spike).toBeNull();
    expect(young.warnings.join(' ')).toMatch(/no 90-day norm/);
  });
});

describe('halvings from the subsidy per block', () => {
  // 20 days at 6.25 BTC a block, a halving mid-day 20 (72 blocks each side), then 3.125.
  const rows: DayRow[] = Array.from({ length: 30 }, (_, i) => {
    const perBlock = i < 20 ? 6.25 : i === 20 ? (72 * 6.25 + 72 * 3.125) / 144 : 3.125;
    return { ...steadyDay(60_000, 6e8, 14.4), IssTotNtv: perBlock * 144 };
  });
  let history: MetricsHistory;
  beforeEach(() => {
    history = createMetricsHistory(seriesFromRows('2026-03-01', rows));
  });

  it('finds the halving day, including a mixed one', () => {
    expect(halvingDays(history, 29)).toEqual([20]);
    expect(halvingDays(history, 19)).toEqual([]);
  });

  it('measures the cut in revenue per block, the hashprice step and the fees that would offset it', () => {
    const out = computeHalvingAftermath(history, 23);
    expect(out.previousDate).toBe('2026-03-21');
    expect(out.daysSincePrevious).toBe(3);
    const a = out.afterPrevious;
    expect(a?.subsidyBeforeBtc).toBe(6.25);
    expect(a?.subsidyAfterBtc).toBe(3.125);
    // After = days 21–23 (day 20 was mixed): 3.125 + 0.1 fees per block, against 6.25 + 0.1 before.
    expect(a?.daysMeasured).toBe(3);
    expect(a?.revenueBtcPerBlockBefore).toBeCloseTo(6.35, 12);
    expect(a?.revenueBtcPerBlockAfter).toBeCloseTo(3.225, 12);
    expect(a?.hashpriceChangePct).toBeCloseTo((3.225 / 6.35 - 1) * 100, 9);
    expect(a?.feesPerBlockToOffsetBtc).toBeCloseTo(6.35 - 3.125, 12);
  });

  it('stops describing the halving 30 days after it', () => {
    const long = createMetricsHistory(
      seriesFromRows('2026-03-01', [
        ...rows,
        ...Array.from({ length: 30 }, () => ({ ...steadyDay(60_000, 6e8, 14.4), IssTotNtv: 450 })),
      ]),
    );
    expect(computeHalvingAftermath(long, 51).afterPrevious).toBeNull();
    expect(computeHalvingAftermath(long, 51).daysSincePrevious).toBe(31);
  });

  it('projects hashprice after the next halving at today’s fees', () => {
    const p = projectHalvingHashprice(40, {
      currentSubsidyBtc: 3.125,
      nextSubsidyBtc: 1.5625,
      currentFeesPerBlockBtc: 0.025,
    });
    expect(p.projectedHashpriceUsdPerPhDay).toBeCloseTo((40 * 1.5875) / 3.15, 12);
    expect(p.projectedHashpriceChangePct).toBeCloseTo((1.5875 / 3.15 - 1) * 100, 12);
    expect(
      projectHalvingHashprice(null, {
        currentSubsidyBtc: 3.125,
        nextSubsidyBtc: 1.5625,
        currentFeesPerBlockBtc: 0.025,
      }).projectedHashpriceUsdPerPhDay,
    ).toBeNull();
  });
});

describe('hashprice windows and drivers', () => {
  it('ranks and finds lows within a window only', () => {
    const values = [10, 1, 5, 7, 6];
    expect(windowPercentile(values, 4, 3)).toBeCloseTo((2 / 3) * 100, 12);
    expect(windowPercentile(values, 4, 5)).toBeCloseTo((3 / 5) * 100, 12);
    expect(windowLow(values, 4, 3)).toEqual({ value: 5, index: 2 });
    expect(windowLow(values, 4, 5)).toEqual({ value: 1, index: 1 });
  });

  it('splits the week’s move exactly: (1 + hashprice) = (1 + price)(1 + BTC revenue) ÷ (1 + hashrate)', () => {
    const rows: DayRow[] = Array.from({ length: 21 }, (_, i) =>
      steadyDay(50_000 + 900 * i + 3_000 * Math.sin(i), 8e8 * (1 + 0.01 * i), 5 + (i % 5)),
    );
    const history = createMetricsHistory(seriesFromRows('2026-01-01', rows));
    const d = hashpriceDrivers(history, 20);
    const hp = history.hashpriceUsdPerPhDay7d;
    const change = ((hp[20] as number) / (hp[13] as number) - 1) * 100;
    expect(d).not.toBeNull();
    const product =
      ((1 + (d?.avgPriceChangePct ?? 0) / 100) * (1 + (d?.btcRevenueChangePct ?? 0) / 100)) /
      (1 + (d?.hashrateChangePct ?? 0) / 100);
    expect((product - 1) * 100).toBeCloseTo(change, 10);
    // Hashrate grew 1% a day: the two 7-day means differ by 7 points of 1.17 vs 1.10 etc.
    expect(d?.hashrateChangePct).toBeCloseTo(((1 + 0.01 * 17) / (1 + 0.01 * 10) - 1) * 100, 9);
  });
});
