import { describe, expect, it } from 'vitest';
import { type Reporter, silentReporter } from '../../../src/ports';
import {
  crossCheckPrice,
  fetchReportInputs,
  InputsOptionError,
  lastCompleteDay,
} from '../../../src/sources/inputs';
import { buildDailySeries } from '../../../src/sources/series';
import {
  cmRows,
  coinMetricsRoute,
  createFakeTime,
  type Handler,
  json,
  mempoolRoutes,
  stubFetch,
} from './helpers';

const CM = 'http://127.0.0.1:9/coinmetrics/v4';
const MP = 'http://127.0.0.1:9/mempool/api';

/** 2025-10-01 … 2025-11-24, where the 24th (today per the fake clock) is partial: no price yet. */
function rowsWithPartialToday() {
  const rows = cmRows('2025-10-01', 55);
  const today = rows.at(-1);
  if (today) today.PriceUSD = null;
  return rows;
}

async function run(
  options: { asOf?: string } = {},
  overrides: Record<string, Handler> = {},
  reporter: Reporter = silentReporter,
) {
  const time = createFakeTime('2025-11-24T08:00:00.000Z');
  const { fetch, calls } = stubFetch({
    '/timeseries/asset-metrics': coinMetricsRoute(rowsWithPartialToday()),
    ...mempoolRoutes(),
    ...overrides,
  });
  const result = await time.run(
    fetchReportInputs(
      { fetch, clock: time.clock, sleep: time.sleep, random: () => 0.5, reporter },
      { coinMetricsUrl: CM, mempoolUrl: MP, ...options },
    ),
  );
  return { ...result, calls };
}

describe('fetchReportInputs', () => {
  it('defaults the as-of day to the last complete UTC day with a price, and cuts the series there', async () => {
    const { inputs } = await run();
    expect(inputs.asOf).toBe('2025-11-23');
    expect(inputs.sample).toBe(false);
    expect(inputs.coinMetrics.status).toBe('ok');
    if (inputs.coinMetrics.status !== 'ok') return;
    expect(inputs.coinMetrics.value.dates.at(-1)).toBe('2025-11-23');
    expect(inputs.coinMetrics.value.dates).toHaveLength(54);
  });

  it('fetches every mempool source for a current report', async () => {
    const { inputs, recordings } = await run();
    expect(inputs.pools.status).toBe('ok');
    expect(inputs.difficultyAdjustment.status).toBe('ok');
    expect(inputs.hashrateHistory.status).toBe('ok');
    expect(inputs.rewardStats.status).toBe('ok');
    expect(inputs.price.status).toBe('ok');
    expect(inputs.tipHeight.status === 'ok' && inputs.tipHeight.value).toBe(925000);
    expect(recordings.map((r) => `${r.source}-${r.name}`)).toEqual([
      'coinmetrics-asset-metrics-p0',
      'mempool-blocks-tip-height',
      'mempool-difficulty-adjustment',
      'mempool-hashrate-1y',
      'mempool-historical-price',
      'mempool-pools-1w',
      'mempool-prices',
      'mempool-reward-stats-1008',
    ]);
  });

  it('skips present-only mempool endpoints for a past report, without fetching them', async () => {
    const { inputs, calls } = await run({ asOf: '2025-11-21' });
    for (const outcome of [
      inputs.pools,
      inputs.difficultyAdjustment,
      inputs.tipHeight,
      inputs.rewardStats,
      inputs.price,
    ]) {
      expect(outcome.status).toBe('skipped');
    }
    expect(inputs.pools.status === 'skipped' && inputs.pools.reason).toBe(
      'mempool pools only describes the present; the report is for 2025-11-21',
    );
    expect(calls.map((c) => new URL(c.url).pathname).sort()).toEqual([
      '/coinmetrics/v4/timeseries/asset-metrics',
      '/mempool/api/v1/historical-price',
      '/mempool/api/v1/mining/hashrate/1y',
    ]);
    // The close price of the as-of day is not present-only: it is asked for the day's close (+1 h).
    const closeQuery = new URL(calls.find((c) => c.url.includes('historical-price'))?.url ?? '').searchParams;
    expect(Object.fromEntries(closeQuery)).toEqual({
      currency: 'USD',
      timestamp: String(Date.parse('2025-11-22T01:00:00Z') / 1000),
    });
    expect(
      new URL(calls.find((c) => c.url.includes('asset-metrics'))?.url ?? '').searchParams.get('end_time'),
    ).toBe('2025-11-21');
    expect(
      inputs.hashrateHistory.status === 'ok' && inputs.hashrateHistory.value.hashrates.at(-1)?.date,
    ).toBe('2025-11-21');
    expect(inputs.coinMetrics.status === 'ok' && inputs.coinMetrics.value.dates.at(-1)).toBe('2025-11-21');
  });

  it('captures one failing source as a failed outcome while the others succeed', async () => {
    const { inputs } = await run({}, { '/v1/mining/pools/1w': () => new Response('down', { status: 500 }) });
    expect(inputs.pools).toMatchObject({
      status: 'failed',
      reason: 'mempool pools answered HTTP 500 after 4 tries',
      attempts: 4,
    });
    expect(inputs.coinMetrics.status).toBe('ok');
    expect(inputs.price.status).toBe('ok');
  });

  it('still produces inputs when Coin Metrics fails, with as-of falling back to yesterday', async () => {
    const { inputs } = await run(
      {},
      { '/timeseries/asset-metrics': () => new Response('{"error":', { status: 200 }) },
    );
    expect(inputs.coinMetrics.status).toBe('failed');
    expect(inputs.asOf).toBe('2025-11-23');
  });

  it('rejects an as-of day that is not complete yet (today or later), naming the field', async () => {
    await expect(run({ asOf: '2025-11-24' })).rejects.toThrow(
      /asOf must be a complete UTC day, 2025-11-23 or earlier \(got 2025-11-24\)/,
    );
    await expect(run({ asOf: '2030-01-01' })).rejects.toThrow(InputsOptionError);
  });

  it('fails Coin Metrics, rather than build an all-null issue, for a day its data does not reach', async () => {
    const lagging = { '/timeseries/asset-metrics': coinMetricsRoute(cmRows('2025-10-01', 50)) }; // ends 11-19

    const { inputs } = await run({ asOf: '2025-11-21' }, lagging);

    expect(inputs.coinMetrics).toMatchObject({
      status: 'failed',
      reason: 'Coin Metrics has no data for 2025-11-21 yet (its data ends 2025-11-19)',
    });
  });

  it('treats a default as-of day that lags days behind today as the past: present-only data is skipped', async () => {
    const lagging = { '/timeseries/asset-metrics': coinMetricsRoute(cmRows('2025-10-01', 50)) }; // ends 11-19

    const { inputs } = await run({}, lagging);

    expect(inputs.asOf).toBe('2025-11-19');
    expect(inputs.coinMetrics.status).toBe('ok');
    for (const outcome of [inputs.pools, inputs.difficultyAdjustment, inputs.tipHeight, inputs.rewardStats]) {
      expect(outcome).toMatchObject({
        status: 'skipped',
        reason: expect.stringContaining('only describes the present; the report is for 2025-11-19'),
      });
    }
  });

  it('still treats yesterday and the day before as the present (Coin Metrics publishes late)', async () => {
    const { inputs } = await run({ asOf: '2025-11-22' });

    expect(inputs.pools.status).toBe('ok');
  });

  it('says plainly that there is no data before the history starts', async () => {
    const empty = { '/timeseries/asset-metrics': () => Response.json({ data: [] }) };

    const { inputs } = await run({ asOf: '2008-12-31' }, empty);

    expect(inputs.coinMetrics).toMatchObject({
      status: 'failed',
      reason: 'Coin Metrics has no data on or before 2008-12-31',
    });
  });

  it('rejects a malformed as-of day, naming the field', async () => {
    await expect(run({ asOf: '2025-13-01' })).rejects.toThrow(InputsOptionError);
    await expect(run({ asOf: '23/11/2025' })).rejects.toThrow(/asOf must be a calendar day/);
  });

  it('reports progress: pages and retries', async () => {
    const lines: string[] = [];
    const reporter: Reporter = { info: (m) => lines.push(m), warn: (m) => lines.push(`warn: ${m}`) };
    let first = true;
    await run(
      {},
      {
        '/v1/prices': () => {
          if (first) {
            first = false;
            return new Response('', { status: 503 });
          }
          return new Response('{"time":1763942400,"USD":1}');
        },
      },
      reporter,
    );
    expect(lines).toContain('Coin Metrics: page 1 fetched (55 days)');
    expect(
      lines.some((l) => /^mempool prices answered HTTP 503; retrying in .* \(try 2 of 4\)$/.test(l)),
    ).toBe(true);
  });
});

describe('fetchReportInputs integrity verdict', () => {
  it('settles plausible data with no conflict, asking mempool for the close of the default as-of day', async () => {
    const { integrity, calls } = await run();
    expect(integrity).toEqual({ asOf: '2025-11-23', conflicts: [], notes: [] });
    const close = calls.find((c) => c.url.includes('historical-price'));
    expect(new URL(close?.url ?? '').searchParams.get('timestamp')).toBe(
      String(Date.parse('2025-11-24T01:00:00Z') / 1000),
    );
  });

  it("names the conflicting values when Coin Metrics' as-of price is 5× the day before and mempool's close disagrees", async () => {
    const rows = rowsWithPartialToday();
    const asOfRow = rows.at(-2);
    if (asOfRow) {
      asOfRow.PriceUSD = '425265';
      asOfRow.CapMrktCurUSD = String(425265 * Number(asOfRow.SplyCur));
    }
    const lines: string[] = [];
    const reporter: Reporter = { info: (m) => lines.push(m), warn: () => {} };

    const { integrity, inputs } = await run(
      {},
      { '/timeseries/asset-metrics': coinMetricsRoute(rows) },
      reporter,
    );

    expect(integrity.conflicts).toEqual([
      "Coin Metrics PriceUSD on 2025-11-23 is 425265 USD (×5.00 the 85052.1 USD of 2025-11-22), but mempool's price at that day's close (2025-11-23T23:00:00.000Z) is 85053.5 USD and mempool's current price (2025-11-24T00:00:00.000Z) is 87654.5 USD",
    ]);
    expect(lines).toContain(`integrity: unsettled: ${integrity.conflicts[0]}`);
    // The inputs themselves are unchanged: holding is the pipeline's call (produceIssue).
    expect(inputs.coinMetrics.status).toBe('ok');
  });

  it("fails mempool's current price, not Coin Metrics, when mempool alone is 3× off a plausible close", async () => {
    const { integrity, inputs } = await run(
      {},
      {
        '/v1/prices': () => json({ time: 1763942400, USD: 255_000 }),
        '/v1/historical-price': () => json({ prices: [] }),
      },
    );
    expect(integrity.conflicts).toEqual([]);
    expect(inputs.price).toMatchObject({
      status: 'failed',
      reason: "mempool prices is implausible: USD 255000 against Coin Metrics' 85053.1 on 2025-11-23",
    });
  });
});

describe('lastCompleteDay', () => {
  it('is the latest day strictly before today that has a price', () => {
    const { series } = buildDailySeries([
      { day: '2025-11-21', values: { PriceUSD: '1' } },
      { day: '2025-11-22', values: { PriceUSD: null } },
      { day: '2025-11-23', values: { PriceUSD: '2' } },
      { day: '2025-11-24', values: { PriceUSD: '3' } },
    ]);
    expect(lastCompleteDay(series, '2025-11-24')).toBe('2025-11-23');
    expect(lastCompleteDay(series, '2025-11-23')).toBe('2025-11-21');
    expect(lastCompleteDay(series, '2025-11-21')).toBeNull();
  });

  it('counts a day whose price arrived but was screened out as implausible: the issue is for that day, and the integrity rule judges it', () => {
    const { series } = buildDailySeries([
      { day: '2025-11-22', values: { PriceUSD: '87000' } },
      { day: '2025-11-23', values: { PriceUSD: '87000000' } },
    ]);
    expect(series.values.PriceUSD[1]).toBeNull();
    expect(lastCompleteDay(series, '2025-11-24')).toBe('2025-11-23');
  });
});

describe('crossCheckPrice', () => {
  const cm = () => {
    const { series } = buildDailySeries([
      { day: '2025-11-22', values: { PriceUSD: '87000' } },
      { day: '2025-11-23', values: { PriceUSD: null } },
    ]);
    return { status: 'ok' as const, value: series, url: 'u', fetchedAt: 't', attempts: 1, warnings: [] };
  };
  const price = (usd: number) => ({
    status: 'ok' as const,
    value: { time: '2025-11-24T00:00:00.000Z', usd },
    url: 'https://mempool.space/api/v1/prices',
    fetchedAt: '2025-11-24T08:00:00.000Z',
    attempts: 1,
    warnings: [],
  });

  it('keeps a price close to the latest Coin Metrics close', () => {
    expect(crossCheckPrice(price(90_000), cm(), '2025-11-23').status).toBe('ok');
  });

  it('fails a price 1000× off the latest close, naming both numbers and the day', () => {
    const checked = crossCheckPrice(price(87_000_000), cm(), '2025-11-23');
    expect(checked).toMatchObject({
      status: 'failed',
      reason: "mempool prices is implausible: USD 87000000 against Coin Metrics' 87000 on 2025-11-22",
    });
  });
});

describe('buildDailySeries warning cap', () => {
  it('lists two warnings per column and summarises the rest, so a bad price is never hidden', () => {
    const rows = Array.from({ length: 50 }, (_, i) => ({
      day: `2025-01-${String(i + 1).padStart(2, '0')}`,
      values: { TxCnt: '-1', PriceUSD: i === 49 ? '-5' : '100' },
    })).slice(0, 31);
    const last = rows.at(-1);
    if (last) last.values.PriceUSD = '-5';
    const { warnings } = buildDailySeries(rows);
    expect(warnings.filter((w) => w.startsWith('Coin Metrics TxCnt on'))).toHaveLength(2);
    expect(warnings).toContain(
      'Coin Metrics TxCnt: 29 more implausible values treated as missing (2025-01-03 … 2025-01-31)',
    );
    expect(warnings).toContain('Coin Metrics PriceUSD on 2025-01-31 is negative (-5); treated as missing');
  });
});
