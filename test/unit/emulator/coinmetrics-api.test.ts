import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Dataset } from '../../../src/emulator/dataset';
import { createEmulatorFetch } from '../../../src/emulator/server';

const BASE = 'http://emulator.test';
const ENDPOINT = `${BASE}/coinmetrics/v4/timeseries/asset-metrics`;

/** 10 days; PriceUSD missing on day 3, HashRate missing on day 5, nothing at all on day 7. */
function tenDays(): Dataset {
  const coinMetricsRows: Dataset['coinMetricsRows'] = [];
  for (let d = 1; d <= 10; d++) {
    const time = `2024-01-${String(d).padStart(2, '0')}`;
    const values: Dataset['coinMetricsRows'][number]['values'] = {};
    if (d !== 3 && d !== 7) values.PriceUSD = `${40000 + d}.5`;
    if (d !== 5 && d !== 7) values.HashRate = `${500000000 + d}.125`;
    coinMetricsRows.push({ time, values });
  }
  return { label: 'test', sample: false, coinMetricsRows, mempool: null };
}

const pageSchema = z.object({
  data: z.array(
    z.object({ asset: z.literal('btc'), time: z.string() }).catchall(z.union([z.string(), z.null()])),
  ),
  next_page_token: z.string().optional(),
  next_page_url: z.string().url().optional(),
});
const errorSchema = z.object({ error: z.object({ type: z.string(), message: z.string() }) });

const emulatorFetch = createEmulatorFetch({ dataset: tenDays(), baseUrl: BASE });
const get = async (query: string) => {
  const response = await emulatorFetch(`${ENDPOINT}?${query}`);
  const body: unknown = await response.json();
  return { status: response.status, body };
};
const days = (body: unknown) => pageSchema.parse(body).data.map((row) => row.time.slice(8, 10));

async function followAll(query: string): Promise<string[]> {
  const seen: string[] = [];
  let url: string | undefined = `${ENDPOINT}?${query}`;
  while (url) {
    const page = pageSchema.parse(await (await emulatorFetch(url)).json());
    seen.push(...page.data.map((row) => row.time.slice(0, 10)));
    url = page.next_page_url;
  }
  return seen;
}

describe('emulated /timeseries/asset-metrics', () => {
  it('serves values as strings with nanosecond times and null where other metrics have data', async () => {
    const { status, body } = await get('assets=btc&metrics=PriceUSD,HashRate&page_size=100');
    expect(status).toBe(200);
    const page = pageSchema.parse(body);
    expect(page.data[0]).toEqual({
      asset: 'btc',
      time: '2024-01-01T00:00:00.000000000Z',
      PriceUSD: '40001.5',
      HashRate: '500000001.125',
    });
    expect(page.data.find((r) => r.time.startsWith('2024-01-03'))?.PriceUSD).toBeNull();
    // a day with no requested metric at all is left out
    expect(days(body)).toEqual(['01', '02', '03', '04', '05', '06', '08', '09', '10']);
    expect(page.next_page_token).toBeUndefined();
  });

  it('leaves out days where only unrequested metrics have data', async () => {
    const { body } = await get('assets=btc&metrics=PriceUSD');
    expect(days(body)).toEqual(['01', '02', '04', '05', '06', '08', '09', '10']);
  });

  it('pages from the end by default with ascending rows inside each page', async () => {
    const first = await get('assets=btc&metrics=PriceUSD,HashRate&page_size=4');
    expect(days(first.body)).toEqual(['06', '08', '09', '10']);
    const page = pageSchema.parse(first.body);
    expect(page.next_page_token).toMatch(/\S/);
    expect(page.next_page_url).toBe(
      `${ENDPOINT}?assets=btc&metrics=PriceUSD,HashRate&page_size=4&next_page_token=${page.next_page_token}`,
    );
    expect(await followAll('assets=btc&metrics=PriceUSD,HashRate&page_size=4')).toEqual([
      '2024-01-06',
      '2024-01-08',
      '2024-01-09',
      '2024-01-10',
      '2024-01-02',
      '2024-01-03',
      '2024-01-04',
      '2024-01-05',
      '2024-01-01',
    ]);
  });

  it('pages forward with paging_from=start, and the token also works on its own', async () => {
    const all = await followAll('assets=btc&metrics=PriceUSD,HashRate&page_size=4&paging_from=start');
    expect(all.map((d) => d.slice(8))).toEqual(['01', '02', '03', '04', '05', '06', '08', '09', '10']);
    const first = pageSchema.parse(
      (await get('assets=btc&metrics=HashRate&page_size=3&paging_from=start')).body,
    );
    const second = await get(
      `assets=btc&metrics=HashRate&page_size=3&paging_from=start&next_page_token=${first.next_page_token}`,
    );
    expect(days(second.body)).toEqual(['04', '06', '08']);
  });

  it('defaults page_size to 100', async () => {
    const many: Dataset = {
      label: 'many',
      sample: false,
      mempool: null,
      coinMetricsRows: Array.from({ length: 150 }, (_, i) => ({
        time: new Date(Date.UTC(2020, 0, 1 + i)).toISOString().slice(0, 10),
        values: { BlkCnt: String(140 + (i % 10)) },
      })),
    };
    const f = createEmulatorFetch({ dataset: many, baseUrl: BASE });
    const page = pageSchema.parse(await (await f(`${ENDPOINT}?assets=btc&metrics=BlkCnt`)).json());
    expect(page.data).toHaveLength(100);
    expect(page.data[0]?.time).toBe('2020-02-20T00:00:00.000000000Z');
  });

  it('filters by start_time and end_time, dates or instants, inclusive by default', async () => {
    expect(
      days((await get('assets=btc&metrics=PriceUSD&start_time=2024-01-04&end_time=2024-01-08')).body),
    ).toEqual(['04', '05', '06', '08']);
    const instants = await get(
      'assets=btc&metrics=PriceUSD&start_time=2024-01-04T00:00:00Z&end_time=2024-01-06T00:00:00.000000000Z&end_inclusive=false',
    );
    expect(days(instants.body)).toEqual(['04', '05']);
  });

  it.each([
    ['assets=eth&metrics=PriceUSD', "Bad parameter 'assets'"],
    ['assets=btc&metrics=PriceUSD,RevUSD', "Value 'RevUSD' is not supported"],
    ['metrics=PriceUSD', "Missing parameter 'assets'"],
    ['assets=btc', "Missing parameter 'metrics'"],
    ['assets=btc&metrics=PriceUSD&page_size=10001', "Bad parameter 'page_size'"],
    ['assets=btc&metrics=PriceUSD&page_size=0', "Bad parameter 'page_size'"],
    ['assets=btc&metrics=PriceUSD&paging_from=middle', "Bad parameter 'paging_from'"],
    ['assets=btc&metrics=PriceUSD&frequency=1h', "Bad parameter 'frequency'"],
    ['assets=btc&metrics=PriceUSD&start_time=yesterday', "Bad parameter 'start_time'"],
    ['assets=btc&metrics=PriceUSD&next_page_token=garbage', "Bad parameter 'next_page_token'"],
  ])('answers 400 with Coin Metrics’ error shape for %s', async (query, message) => {
    const { status, body } = await get(query);
    expect(status).toBe(400);
    expect(errorSchema.parse(body).error.message).toContain(message);
  });

  it('accepts page_size=10000', async () => {
    expect((await get('assets=btc&metrics=PriceUSD&page_size=10000')).status).toBe(200);
  });

  it('answers the real upstream URL too when no base URL is pinned', async () => {
    const open = createEmulatorFetch({ dataset: tenDays() });
    const response = await open(
      'https://community-api.coinmetrics.io/v4/timeseries/asset-metrics?assets=btc&metrics=PriceUSD&page_size=1',
    );
    const page = pageSchema.parse(await response.json());
    expect(page.next_page_url).toMatch(
      /^https:\/\/community-api\.coinmetrics\.io\/v4\/timeseries\/asset-metrics\?/,
    );
  });

  it('refuses other hosts when pinned to a base URL', async () => {
    await expect(
      emulatorFetch('https://community-api.coinmetrics.io/v4/timeseries/asset-metrics'),
    ).rejects.toThrow('fetch failed');
  });
});
