import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCoinMetricsCsv } from '../../../src/emulator/csv-dataset';
import { DatasetError, datasetFromCsv } from '../../../src/emulator/dataset';

const FIXTURE = path.resolve(import.meta.dirname, '../../fixtures/emulator/tiny-btc.csv');

describe('datasetFromCsv', () => {
  it('keeps field strings verbatim, drops empty fields and unknown columns', async () => {
    const dataset = await datasetFromCsv(FIXTURE);
    expect(dataset.label).toBe(`csv:${FIXTURE}`);
    expect(dataset.sample).toBe(false);
    expect(dataset.coinMetricsRows[0]?.values.CapMrktCurUSD).toBe('1000.000000000000000000001');
    expect(dataset.coinMetricsRows[1]?.values).toEqual({
      AdrActCnt: '510000',
      BlkCnt: '150',
      FeeTotNtv: '0.6',
      IssTotNtv: '937.5',
      SplyCur: '19000937.5',
      TxCnt: '310000',
    });
    expect(dataset.coinMetricsRows[2]?.values).toEqual({});
  });

  it('derives the mempool state from the rows', async () => {
    const dataset = await datasetFromCsv(FIXTURE);
    expect(dataset.mempool?.asOf).toBe('2020-01-04');
    expect(dataset.mempool?.days.map((d) => d.blocks)).toEqual([140, 150, 0, 145]);
  });

  it.each([
    ['day,PriceUSD\n2020-01-01,1\n', /first column must be "time"/],
    ['time,Foo\n2020-01-01,1\n', /no known Coin Metrics column/],
    ['time,PriceUSD\n2020-13-01,1\n', /:2: bad day "2020-13-01"/],
    ['time,PriceUSD\n2020-01-02,1\n2020-01-01,1\n', /days must ascend/],
    ['time,PriceUSD\n', /no data rows/],
  ])('rejects malformed CSV %#', (text, message) => {
    expect(() => parseCoinMetricsCsv(text, 'x.csv')).toThrow(DatasetError);
    expect(() => parseCoinMetricsCsv(text, 'x.csv')).toThrow(message);
  });

  it('names the file it cannot read', async () => {
    await expect(datasetFromCsv('/nonexistent/btc.csv')).rejects.toThrow(
      'cannot read CSV /nonexistent/btc.csv',
    );
  });
});
