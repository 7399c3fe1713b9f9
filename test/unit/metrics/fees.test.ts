import { describe, expect, it } from 'vitest';
import { computeFees } from '../../../src/metrics/fees';
import { createMetricsHistory } from '../../../src/metrics/history';
import { type DayRow, seriesFromRows, shiftDay } from '../../fixtures/metrics/builders';

const START = '2026-01-01';
/** A day of 144 blocks paying `perBlock` BTC of fees each and `subsidy` BTC of new coins in all. */
const feeDay = (perBlock: number, subsidy = 450): DayRow => ({
  PriceUSD: 100,
  HashRate: 1e6,
  BlkCnt: 144,
  IssTotNtv: subsidy,
  FeeTotNtv: perBlock * 144,
});
/** The daily fee share of such a day: FeeTotNtv ÷ (IssTotNtv + FeeTotNtv) × 100. */
const shareOf = (perBlock: number, subsidy = 450) => ((perBlock * 144) / (subsidy + perBlock * 144)) * 100;
const fees = (rows: DayRow[], i = rows.length - 1) =>
  computeFees(createMetricsHistory(seriesFromRows(START, rows)), i);

describe('computeFees: the week against exactly the 90 days before it', () => {
  // Day 109 is the as-of day: the week is days 103–109, the norm days 13–102. Fees per block rise by
  // 0.001 BTC a day up to day 101; day 102, the last norm day, pays 1 BTC a block; the week pays 0.2,
  // and the as-of day itself 0.5.
  const rows = () =>
    Array.from({ length: 110 }, (_, k) =>
      feeDay(k < 102 ? 0.001 * k : k === 102 ? 1 : k === 109 ? 0.5 : 0.2),
    );

  it('takes the busiest day of the seven days ending today, today included', () => {
    const { metrics, warnings } = fees(rows());
    // Day 102's 1 BTC a block is one day before the week and never the peak.
    expect(metrics.peakDay).toBe(shiftDay(START, 109));
    expect(metrics.peakDayBtcPerBlock).toBeCloseTo(0.5, 12);
    expect(metrics.peakDaySharePct).toBeCloseTo(shareOf(0.5), 12);
    expect(warnings).toEqual([]);
  });

  it('takes the median of the 90 norm days, whichever day a window edge moves', () => {
    const { metrics } = fees(rows());
    // Days 13–101 pay 0.013 … 0.101 and day 102 pays 1: sorted, the 45th and 46th of 90 are 0.057 and
    // 0.058. One day more or less at either edge would move the median to 0.057 (or further).
    expect(metrics.norm90dBtcPerBlock).toBeCloseTo(0.0575, 12);
    expect(metrics.norm90dSharePct).toBeCloseTo((shareOf(0.057) + shareOf(0.058)) / 2, 12);
    expect(metrics.peakMultipleOfNorm).toBeCloseTo(0.5 / 0.0575, 10);
    expect(metrics.spike).toBe(true);
  });
});

describe('computeFees: the medians', () => {
  // 0.01 … 0.45 BTC a block in a shuffled order: day k pays ((7k mod 45) + 1) × 0.01.
  const shuffled = (k: number) => (((7 * k) % 45) + 1) * 0.01;
  const rows = (normDays: number) =>
    Array.from({ length: normDays + 7 }, (_, k) => feeDay(k < normDays ? shuffled(k) : 0.1));

  it('sorts the norm days before taking the middle one of an odd count', () => {
    // Days 0–44: each of 0.01 … 0.45 once, so the 23rd of 45 is 0.23.
    expect(fees(rows(45)).metrics.norm90dBtcPerBlock).toBeCloseTo(0.23, 12);
  });

  it('averages the two middle days of an even count', () => {
    // Days 0–45: day 45 pays 0.01 again, so the sorted 46 are 0.01, 0.01, 0.02 … 0.45: (0.22 + 0.23) ÷ 2.
    expect(fees(rows(46)).metrics.norm90dBtcPerBlock).toBeCloseTo(0.225, 12);
  });

  it('leaves days without a figure out of each median', () => {
    // Norm days 0–49 (as-of day 56). Days 0–4 have no block count (a fee share but no fees per block),
    // days 5–9 no issuance (fees per block but no share). 0.1 BTC a block on days 0–26, 0.3 on 27–49.
    const r = Array.from({ length: 57 }, (_, k): DayRow => {
      const day = feeDay(k >= 27 ? 0.3 : 0.1);
      if (k < 5) return { ...day, BlkCnt: null };
      if (k < 10) return { ...day, IssTotNtv: null };
      return day;
    });
    const { metrics } = fees(r);
    // Fees per block on days 5–49: 22 × 0.1 and 23 × 0.3, so the 23rd of 45 is 0.3.
    expect(metrics.norm90dBtcPerBlock).toBeCloseTo(0.3, 12);
    // Shares on days 0–4 and 10–49: 22 at 0.1 and 23 at 0.3 BTC a block.
    expect(metrics.norm90dSharePct).toBeCloseTo(shareOf(0.3), 12);
  });

  it('has a share norm only from days with a share, and never NaN', () => {
    // No issuance on any norm day: fees per block exist, fee shares do not.
    const r = Array.from({ length: 57 }, (_, k) =>
      k < 50 ? { ...feeDay(0.1), IssTotNtv: null } : feeDay(0.3),
    );
    const { metrics } = fees(r);
    expect(metrics.norm90dBtcPerBlock).toBeCloseTo(0.1, 12);
    expect(metrics.norm90dSharePct).toBeNull();
    expect(metrics.peakMultipleOfNorm).toBeCloseTo(3, 12);
  });
});

describe('computeFees: the norm needs 45 days', () => {
  const rows = (n: number) => Array.from({ length: n }, () => feeDay(0.1));

  it('has a norm from exactly 45 days before the week, and none (so no spike verdict) with 44', () => {
    // As-of day 51: norm days 0–44. As-of day 50: days 0–43.
    expect(fees(rows(52)).metrics.norm90dBtcPerBlock).toBeCloseTo(0.1, 12);
    expect(fees(rows(52)).warnings).toEqual([]);
    const young = fees(rows(51));
    expect(young.metrics.norm90dBtcPerBlock).toBeNull();
    expect(young.metrics.peakMultipleOfNorm).toBeNull();
    // A week with a fee share but no norm to measure it against is neither a spike nor calm.
    expect(young.metrics.peakDaySharePct).toBeCloseTo(shareOf(0.1), 12);
    expect(young.metrics.spike).toBeNull();
    expect(young.warnings).toEqual([
      'fees: fewer than 45 days of fee history before the week, no 90-day norm',
    ]);
  });
});

describe('computeFees: the peak day', () => {
  it('dates a tie to its earliest day, even when that is the first day of the data', () => {
    // Days 0–6, as-of day 6: days 0 and 3 both pay 0.5 BTC a block.
    const r = [0.5, 0.1, 0.2, 0.5, 0.1, 0.1, 0.1].map((p) => feeDay(p));
    const { metrics, warnings } = fees(r);
    expect(metrics.peakDay).toBe(START);
    expect(metrics.peakDayBtcPerBlock).toBeCloseTo(0.5, 12);
    expect(metrics.peakDaySharePct).toBeCloseTo(shareOf(0.5), 12);
    expect(warnings).toEqual(['fees: fewer than 45 days of fee history before the week, no 90-day norm']);
  });

  it('never takes a day without a fee share, even in a week without fees', () => {
    // The week's first day has no issuance (no share); the others pay no fees (a 0% share).
    const r = Array.from({ length: 7 }, (_, k) => (k === 0 ? { ...feeDay(0), IssTotNtv: null } : feeDay(0)));
    const { metrics } = fees(r);
    expect(metrics.peakDay).toBe(shiftDay(START, 1));
    expect(metrics.peakDaySharePct).toBe(0);
  });

  it('is null with a reason when no day of the week has a fee share', () => {
    const r = Array.from({ length: 60 }, (_, k) =>
      k < 53 ? feeDay(0.1) : { ...feeDay(0.1), IssTotNtv: null },
    );
    const { metrics, warnings } = fees(r);
    expect(metrics.peakDay).toBeNull();
    expect(metrics.peakDaySharePct).toBeNull();
    expect(metrics.peakDayBtcPerBlock).toBeNull();
    expect(metrics.spike).toBeNull();
    expect(metrics.norm90dBtcPerBlock).toBeCloseTo(0.1, 12);
    expect(warnings).toEqual([`fees: no daily fee share in the 7 days up to ${shiftDay(START, 59)}`]);
  });
});

describe('computeFees: a spike needs both three times the norm and a 10% share', () => {
  // 45 norm days at 0.25 BTC a block, then a week whose as-of day is the busiest.
  const week = (peakPerBlock: number, peakSubsidy: number) =>
    fees([...Array.from({ length: 51 }, () => feeDay(0.25)), feeDay(peakPerBlock, peakSubsidy)]);

  it('is a spike at exactly 3 × the norm and exactly 10% of revenue', () => {
    // 0.75 ÷ 0.25 = 3; 108 BTC of fees ÷ (972 + 108) = 10%.
    const { metrics } = week(0.75, 972);
    expect(metrics.peakMultipleOfNorm).toBe(3);
    expect(metrics.peakDaySharePct).toBe(10);
    expect(metrics.spike).toBe(true);
  });

  it('is no spike at 3 × the norm when fees are under 10% of revenue', () => {
    const { metrics } = week(0.75, 1000);
    expect(metrics.peakMultipleOfNorm).toBe(3);
    expect(metrics.peakDaySharePct).toBeLessThan(10);
    expect(metrics.spike).toBe(false);
  });

  it('is no spike at a large share when fees per block are under 3 × the norm', () => {
    const { metrics } = week(0.5, 100);
    expect(metrics.peakMultipleOfNorm).toBe(2);
    expect(metrics.peakDaySharePct).toBeGreaterThan(10);
    expect(metrics.spike).toBe(false);
  });
});
