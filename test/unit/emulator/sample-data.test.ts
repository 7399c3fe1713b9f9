import { describe, expect, it } from 'vitest';
import { COIN_METRICS_COLUMNS } from '../../../src/contracts/report-inputs';
import { sampleDataset } from '../../../src/emulator/dataset';
import { SampleDataError } from '../../../src/emulator/sample-data';
import { judgeSeries } from '../../../src/sources/integrity';
import { buildDailySeries } from '../../../src/sources/series';

const END = '2026-03-01';
const dataset = sampleDataset({ endDate: END });
const rows = dataset.coinMetricsRows;
const col = (name: (typeof COIN_METRICS_COLUMNS)[number]) => rows.map((row) => Number(row.values[name]));
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

/** 7-day hashprice (USD per PH/s per day) ending at index i, by the fixed definition (docs/metrics.md). */
function hashprice(i: number, price: number[], rev: number[], hash: number[]): number {
  let usd = 0;
  let ph = 0;
  for (let k = i - 6; k <= i; k++) {
    usd += (rev[k] ?? 0) * (price[k] ?? 0);
    ph += (hash[k] ?? 0) / 1000;
  }
  return usd / ph;
}

describe('sampleDataset', () => {
  it.each([
    ['2026-03-01', undefined],
    ['2021-11-10', 7],
    ['2018-12-15', 99],
  ])(
    'is plausible data on every day (ends %s, seed %s): nothing flagged, nothing the integrity rule would hold even without mempool',
    (endDate, seed) => {
      const sample = sampleDataset({ endDate, seed });
      const { series, warnings } = buildDailySeries(
        sample.coinMetricsRows.map((row) => ({ day: row.time, values: row.values })),
      );

      expect(warnings).toEqual([]);
      expect(judgeSeries(series, 0, series.dates.length - 1).conflicts).toEqual([]);
    },
  );

  it('is labelled as synthetic sample data', () => {
    expect(dataset.sample).toBe(true);
    expect(dataset.label).toBe('sample (synthetic)');
  });

  it('is deterministic for the same end day and seed, and differs for another seed', () => {
    const again = sampleDataset({ endDate: END });
    const other = sampleDataset({ endDate: END, seed: 7 });
    expect(again).toEqual(dataset);
    expect(other.coinMetricsRows.at(-1)?.values.PriceUSD).not.toBe(rows.at(-1)?.values.PriceUSD);
  });

  it('covers every day from 2016-01-01 to the end day with every column as a plain decimal', () => {
    expect(rows[0]?.time).toBe('2016-01-01');
    expect(rows.at(-1)?.time).toBe(END);
    expect(rows).toHaveLength(3713);
    const notPlain = rows.flatMap((row) =>
      COIN_METRICS_COLUMNS.filter((c) => !/^\d+(\.\d+)?$/.test(row.values[c] ?? '')).map(
        (c) => `${row.time} ${c}`,
      ),
    );
    expect(notPlain).toEqual([]);
  });

  it('has no negative values and plausible magnitudes', () => {
    const blocks = col('BlkCnt');
    expect(Math.min(...blocks)).toBeGreaterThanOrEqual(100);
    expect(Math.max(...blocks)).toBeLessThanOrEqual(200);
    expect(mean(blocks)).toBeGreaterThan(138);
    expect(mean(blocks)).toBeLessThan(152);
    const hash = col('HashRate');
    expect(hash[0]).toBeGreaterThan(3e5);
    expect(hash[0]).toBeLessThan(3e6);
    // ~1000 EH/s (1e9 TH/s) scale in 2025-26
    expect(Math.max(...hash.slice(-365))).toBeGreaterThan(7e8);
    expect(Math.max(...hash.slice(-365))).toBeLessThan(2e9);
    const price = col('PriceUSD');
    expect(Math.min(...price)).toBeGreaterThan(100);
    expect(Math.max(...price)).toBeLessThan(500_000);
  });

  it('issues the halving-era subsidy per block', () => {
    const perBlock = (day: string) => {
      const row = rows.find((r) => r.time === day);
      return Number(row?.values.IssTotNtv) / Number(row?.values.BlkCnt);
    };
    expect(perBlock('2016-07-08')).toBe(25);
    expect(perBlock('2016-07-10')).toBe(12.5);
    expect(perBlock('2020-05-10')).toBe(12.5);
    expect(perBlock('2020-05-12')).toBe(6.25);
    expect(perBlock('2024-04-19')).toBe(6.25);
    expect(perBlock('2024-04-21')).toBe(3.125);
    expect(perBlock('2024-04-20')).toBeGreaterThan(3.125);
    expect(perBlock('2024-04-20')).toBeLessThan(6.25);
  });

  it('keeps supply cumulative and the USD columns consistent with price', () => {
    const supply = col('SplyCur');
    const issued = col('IssTotNtv');
    const price = col('PriceUSD');
    for (let i = 1; i < rows.length; i++) {
      expect((supply[i] ?? 0) - (supply[i - 1] ?? 0)).toBeCloseTo(issued[i] ?? 0, 6);
    }
    const cap = col('CapMrktCurUSD');
    const issuedUsd = col('IssTotUSD');
    for (const i of [0, 1000, rows.length - 1]) {
      expect((cap[i] ?? 0) / ((price[i] ?? 0) * (supply[i] ?? 0))).toBeCloseTo(1, 9);
      expect((issuedUsd[i] ?? 0) / ((price[i] ?? 0) * (issued[i] ?? 0))).toBeCloseTo(1, 9);
    }
  });

  it('keeps fees mostly between 1% and 5% of revenue', () => {
    const fees = col('FeeTotNtv');
    const issued = col('IssTotNtv');
    const shares = fees.map((f, i) => f / (f + (issued[i] ?? 0)));
    const typical = shares.filter((s) => s >= 0.008 && s <= 0.06).length / shares.length;
    expect(typical).toBeGreaterThan(0.8);
    expect(Math.max(...shares)).toBeGreaterThan(0.06); // some congestion spikes
  });

  it.each([
    ['2025-11-22', undefined],
    ['2026-03-01', undefined],
    ['2026-06-30', 3],
    ['2024-01-01', 11],
  ])('ends %s (seed %s) in a bear market with a multi-year hashprice low', (endDate, seed) => {
    // Act
    const data = sampleDataset({ endDate, seed }).coinMetricsRows;
    const n = data.length;
    const price = data.map((r) => Number(r.values.PriceUSD));
    const hash = data.map((r) => Number(r.values.HashRate));
    const rev = data.map((r) => Number(r.values.IssTotNtv) + Number(r.values.FeeTotNtv));

    // Assess: price ~38% below its high of the last 90 days, which came 46–90 days before the end
    const recent = price.slice(-90);
    const high = Math.max(...recent);
    const drop = 1 - (price[n - 1] ?? 0) / high;
    expect(drop).toBeGreaterThan(0.35);
    expect(drop).toBeLessThan(0.45);
    expect(recent.indexOf(high)).toBeLessThanOrEqual(44);
    // hashrate: 7-day mean ~12% below its highest 7-day mean
    const week = (i: number) => mean(hash.slice(i - 6, i + 1));
    let peak = 0;
    for (let i = 6; i < n; i++) peak = Math.max(peak, week(i));
    expect(1 - week(n - 1) / peak).toBeCloseTo(0.12, 2);
    // hashprice: the end is below every day of the previous two years
    const end = hashprice(n - 1, price, rev, hash);
    for (let i = Math.max(6, n - 1 - 730); i < n - 1; i++)
      expect(hashprice(i, price, rev, hash)).toBeGreaterThan(end);
  });

  it('moves like a market: no flat stretches, no day-to-day jump over 30%', () => {
    const price = col('PriceUSD');
    let flat = 0;
    let longestFlat = 0;
    let biggestMove = 0;
    for (let i = 1; i < price.length; i++) {
      flat = price[i] === price[i - 1] ? flat + 1 : 0;
      longestFlat = Math.max(longestFlat, flat);
      biggestMove = Math.max(biggestMove, Math.abs(Math.log((price[i] ?? 1) / (price[i - 1] ?? 1))));
    }
    expect(longestFlat).toBe(0);
    expect(biggestMove).toBeLessThan(Math.log(1.3));
    expect(price.at(-1)).toBeGreaterThan(10_000);
  });

  it('rejects an end day it cannot build', () => {
    expect(() => sampleDataset({ endDate: '2016-05-01' })).toThrow(SampleDataError);
    expect(() => sampleDataset({ endDate: '2026-02-30' })).toThrow(SampleDataError);
  });
});
