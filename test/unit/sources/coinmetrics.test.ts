import { describe, expect, it } from 'vitest';
import { silentReporter } from '../../../src/ports';
import { coinMetricsFirstUrl, fetchCoinMetricsSeries } from '../../../src/sources/coinmetrics';
import { UpstreamError } from '../../../src/sources/errors';
import { buildDailySeries } from '../../../src/sources/series';
import {
  clientOnFakeTime,
  cmRows,
  coinMetricsRoute,
  createFakeTime,
  type Handler,
  json,
  stubFetch,
} from './helpers';

const BASE = 'http://127.0.0.1:9/coinmetrics/v4';

async function fetchWith(handler: Handler, asOf?: string) {
  const time = createFakeTime();
  const { fetch, calls } = stubFetch({ '/timeseries/asset-metrics': handler });
  const http = clientOnFakeTime(time, fetch, { random: () => 0 });
  const work = fetchCoinMetricsSeries(http, { baseUrl: BASE, asOf, reporter: silentReporter });
  const result = await time.run(work).then(
    (r) => ({ ok: true as const, r }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  return { result, calls };
}

async function driftMessage(body: unknown): Promise<string> {
  const { result } = await fetchWith(() => json(body));
  if (result.ok) throw new Error('expected a failure');
  expect(result.error).toBeInstanceOf(UpstreamError);
  expect(result.error).toMatchObject({ kind: 'invalid-shape' });
  return (result.error as Error).message;
}

describe('fetchCoinMetricsSeries', () => {
  it('asks for btc daily, all ten columns, 10 000 rows a page, oldest first, ending at the as-of day', () => {
    const url = new URL(coinMetricsFirstUrl(BASE, '2024-04-20'));
    expect(url.pathname).toBe('/coinmetrics/v4/timeseries/asset-metrics');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      assets: 'btc',
      metrics: 'AdrActCnt,BlkCnt,CapMrktCurUSD,FeeTotNtv,HashRate,IssTotNtv,IssTotUSD,PriceUSD,SplyCur,TxCnt',
      frequency: '1d',
      page_size: '10000',
      paging_from: 'start',
      end_time: '2024-04-20',
    });
    expect(new URL(coinMetricsFirstUrl(BASE)).searchParams.has('end_time')).toBe(false);
  });

  it('follows next_page_url re-targeted to the configured base and joins the pages', async () => {
    const rows = cmRows('2024-01-01', 25);
    const { result, calls } = await fetchWith(coinMetricsRoute(rows, 10));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.r.pages).toBe(3);
    expect(result.r.series.dates).toHaveLength(25);
    expect(result.r.series.dates.at(-1)).toBe('2024-01-25');
    expect(calls.map((c) => new URL(c.url).host)).toEqual(['127.0.0.1:9', '127.0.0.1:9', '127.0.0.1:9']);
    expect(new URL(calls[1]?.url ?? '').pathname).toBe('/coinmetrics/v4/timeseries/asset-metrics');
    expect(new URL(calls[1]?.url ?? '').searchParams.get('next_page_token')).toBe('tok10');
  });

  it('follows a bare next_page_token by adding it to the first query', async () => {
    const rows = cmRows('2024-01-01', 4);
    const handler: Handler = (url) =>
      url.searchParams.get('next_page_token') === 'T2'
        ? json({ data: rows.slice(2) })
        : json({ data: rows.slice(0, 2), next_page_token: 'T2' });
    const { result, calls } = await fetchWith(handler);
    expect(result.ok && result.r.series.dates).toEqual([
      '2024-01-01',
      '2024-01-02',
      '2024-01-03',
      '2024-01-04',
    ]);
    expect(new URL(calls[1]?.url ?? '').searchParams.get('page_size')).toBe('10000');
  });

  it('keeps exact strings in raw, numbers in values, and missing values as null', async () => {
    const rows = cmRows('2024-01-01', 2);
    const first = rows[0];
    if (!first) throw new Error('fixture');
    first.PriceUSD = '42000.123456789012345678901234567';
    first.CapMrktCurUSD = null;
    delete first.IssTotUSD;
    const { result } = await fetchWith(() => json({ data: rows }));
    if (!result.ok) throw result.error;
    const { series } = result.r;
    expect(series.raw.PriceUSD[0]).toBe('42000.123456789012345678901234567');
    expect(series.values.PriceUSD[0]).toBeCloseTo(42000.123456789, 6);
    expect(series.raw.CapMrktCurUSD[0]).toBeNull();
    expect(series.values.CapMrktCurUSD[0]).toBeNull();
    expect(series.raw.IssTotUSD[0]).toBeNull();
    expect(series.raw.IssTotUSD[1]).not.toBeNull();
  });

  it('fills missing days so dates have no gaps, with a warning', async () => {
    const rows = cmRows('2024-01-01', 5);
    const { result } = await fetchWith(() => json({ data: [rows[0], rows[1], rows[4]] }));
    if (!result.ok) throw result.error;
    expect(result.r.series.dates).toEqual([
      '2024-01-01',
      '2024-01-02',
      '2024-01-03',
      '2024-01-04',
      '2024-01-05',
    ]);
    expect(result.r.series.values.PriceUSD[2]).toBeNull();
    expect(result.r.warnings.join('\n')).toContain('skipped 2 day(s) (first 2024-01-03)');
  });

  describe('schema drift fails the source with a reason naming the field', () => {
    it('missing `data`', async () => {
      expect(await driftMessage({ rows: [] })).toContain('field `data`');
    });
    it('a value that arrives as a number', async () => {
      const rows = cmRows('2024-01-01', 2);
      const bad = { ...rows[1], HashRate: 712345678.5 };
      expect(await driftMessage({ data: [rows[0], bad] })).toContain(
        '`HashRate` on 2024-01-02 arrived as a number (712345678.5), expected a decimal string',
      );
    });
    it('a value that is not a decimal string', async () => {
      const rows = cmRows('2024-01-01', 1);
      expect(await driftMessage({ data: [{ ...rows[0], PriceUSD: '12,5' }] })).toContain(
        '`PriceUSD` on 2024-01-01',
      );
    });
    it('a column renamed across the whole response', async () => {
      const rows = cmRows('2024-01-01', 3).map(({ HashRate, ...rest }) => ({
        ...rest,
        hash_rate: HashRate ?? null,
      }));
      const message = await driftMessage({ data: rows });
      expect(message).toContain('HashRate missing from every row');
      expect(message).toContain('unexpected field(s) hash_rate');
    });
    it('an empty page', async () => {
      expect(await driftMessage({ data: [] })).toContain('empty page');
    });
    it('a malformed time', async () => {
      const rows = cmRows('2024-01-01', 2);
      expect(await driftMessage({ data: [rows[0], { ...rows[1], time: '02/01/2024' }] })).toContain(
        '`data[1].time` is not a daily UTC timestamp',
      );
    });
    it('days out of order', async () => {
      const rows = cmRows('2024-01-01', 3);
      expect(await driftMessage({ data: [rows[0], rows[2], rows[1]] })).toContain('out of order');
    });
  });

  it('a page that is not JSON fails as invalid-json', async () => {
    const { result } = await fetchWith(() => new Response('{"data":[{"asset":"btc"', { status: 200 }));
    expect(!result.ok && result.error).toMatchObject({ kind: 'invalid-json' });
  });
});

describe('buildDailySeries plausibility', () => {
  const row = (day: string, values: Record<string, string>) => ({ day, values });

  it('nulls a negative hashrate, price or block count with a warning naming date and column; raw keeps the string', () => {
    const { series, warnings } = buildDailySeries([
      row('2024-01-01', { HashRate: '700000000', PriceUSD: '42000', BlkCnt: '144' }),
      row('2024-01-02', { HashRate: '-5', PriceUSD: '-1', BlkCnt: '-144' }),
    ]);
    expect(series.values.HashRate).toEqual([700000000, null]);
    expect(series.values.PriceUSD).toEqual([42000, null]);
    expect(series.values.BlkCnt).toEqual([144, null]);
    expect(series.raw.HashRate[1]).toBe('-5');
    expect(warnings).toContain('Coin Metrics HashRate on 2024-01-02 is negative (-5); treated as missing');
  });

  it('nulls a day-over-day price or hashrate jump of 100× or more, and compares the next day with the last good one', () => {
    const { series, warnings } = buildDailySeries([
      row('2024-01-01', { PriceUSD: '42000', HashRate: '700000000' }),
      row('2024-01-02', { PriceUSD: '4200000', HashRate: '6000000' }),
      row('2024-01-03', { PriceUSD: '42500', HashRate: '705000000' }),
    ]);
    expect(series.values.PriceUSD).toEqual([42000, null, 42500]);
    expect(series.values.HashRate).toEqual([700000000, null, 705000000]);
    expect(warnings.some((w) => w.startsWith('Coin Metrics PriceUSD on 2024-01-02 jumped 100×'))).toBe(true);
    expect(warnings.some((w) => w.startsWith('Coin Metrics HashRate on 2024-01-02 jumped to 1/117'))).toBe(
      true,
    );
  });

  it('accepts a 99× move (only 100× or more is implausible)', () => {
    const { series, warnings } = buildDailySeries([
      row('2024-01-01', { PriceUSD: '1' }),
      row('2024-01-02', { PriceUSD: '99' }),
    ]);
    expect(series.values.PriceUSD).toEqual([1, 99]);
    expect(warnings).toEqual([]);
  });

  it('issue 12: a day with HashRate 0 is implausible data: flagged and treated as missing, never used as 0', () => {
    const { series, warnings } = buildDailySeries([
      row('2024-01-01', { HashRate: '700000000', BlkCnt: '144' }),
      row('2024-01-02', { HashRate: '0', BlkCnt: '150' }),
    ]);
    expect(series.values.HashRate).toEqual([700000000, null]);
    expect(series.raw.HashRate[1]).toBe('0');
    expect(warnings).toContain(
      'Coin Metrics HashRate on 2024-01-02 is 0, which no day since 2009-01-09 has had; treated as missing',
    );
  });

  it('issue 12: a day with no blocks is implausible data: its block-derived values are treated as missing', () => {
    const { series, warnings } = buildDailySeries([
      row('2024-01-01', { HashRate: '700000000', BlkCnt: '144', IssTotNtv: '450', FeeTotNtv: '5' }),
      row('2024-01-02', { HashRate: '0', BlkCnt: '0', IssTotNtv: '0', FeeTotNtv: '0', PriceUSD: '42000' }),
    ]);
    expect(series.values.BlkCnt).toEqual([144, null]);
    expect(series.values.HashRate).toEqual([700000000, null]);
    expect(series.values.IssTotNtv).toEqual([450, null]);
    expect(series.values.FeeTotNtv).toEqual([5, null]);
    expect(series.values.PriceUSD).toEqual([null, 42000]);
    expect(warnings).toContain(
      "Coin Metrics BlkCnt on 2024-01-02 is 0: no UTC day since 2009-01-09 has had no block; the day's BlkCnt, HashRate, IssTotNtv, IssTotUSD and FeeTotNtv are treated as missing",
    );
  });

  it('keeps the real days without blocks before the first mined block (2009-01-03 … 2009-01-08) without a warning', () => {
    const { series, warnings } = buildDailySeries([
      row('2009-01-08', { BlkCnt: '0', IssTotNtv: '0', FeeTotNtv: '0' }),
      row('2009-01-09', { BlkCnt: '14', HashRate: '0.0000006', IssTotNtv: '700', FeeTotNtv: '0' }),
    ]);
    expect(series.values.BlkCnt).toEqual([0, 14]);
    expect(series.values.IssTotNtv).toEqual([0, 700]);
    expect(warnings).toEqual([]);
  });

  it('turns an exponent that overflows into null, never Infinity', () => {
    const { series, warnings } = buildDailySeries([row('2024-01-01', { SplyCur: '1e400' })]);
    expect(series.values.SplyCur).toEqual([null]);
    expect(warnings[0]).toContain('out of range');
  });
});
