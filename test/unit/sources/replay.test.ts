import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { silentReporter } from '../../../src/ports';
import { fetchReportInputs } from '../../../src/sources/inputs';
import { type RecordedResponse, recordingsToArchiveFiles } from '../../../src/sources/recording';
import { loadReplay, readRecordingFolder, writeRecordingFolder } from '../../../src/sources/recording-fs';
import { createReplay, requestKey } from '../../../src/sources/replay';
import { tempDirs } from '../../support/temp-dirs';
import { cmRows, coinMetricsRoute, createFakeTime, hang, json, mempoolRoutes, stubFetch } from './helpers';

const tempDir = tempDirs('hashbrief-replay-', 'each');

/** The fields of a one-try response's envelope, in the order they are written. */
const ONE_TRY_ENVELOPE_FIELDS = ['source', 'name', 'url', 'fetchedAt', 'status', 'headers', 'body'];

/** The field names of a stored (gzipped) recording envelope, in their order. */
function envelopeFields(body: Buffer | undefined): string[] {
  return Object.keys(JSON.parse(gunzipSync(body ?? Buffer.alloc(0)).toString('utf8')));
}

/** A live-like run against stubs on one base, recorded. */
async function recordRun(options: { asOf?: string } = {}) {
  const time = createFakeTime('2025-11-24T08:00:00.000Z');
  let tick = 0;
  const { fetch } = stubFetch({
    '/timeseries/asset-metrics': coinMetricsRoute(cmRows('2025-10-01', 54), 20),
    ...mempoolRoutes(),
  });
  // Each response arrives a little later, so fetch times differ per source.
  const slowFetch: typeof fetch = async (url, init) => {
    await time.sleep(10 + 7 * tick++);
    return fetch(url, init);
  };
  return time.run(
    fetchReportInputs(
      { fetch: slowFetch, clock: time.clock, sleep: time.sleep, random: () => 0.5, reporter: silentReporter },
      {
        coinMetricsUrl: 'https://community-api.coinmetrics.io/v4',
        mempoolUrl: 'https://mempool.space/api',
        ...options,
      },
    ),
  );
}

describe('requestKey', () => {
  it('ignores the base URL and the order of query parameters', () => {
    expect(requestKey('https://community-api.coinmetrics.io/v4/timeseries/asset-metrics?b=2&a=1')).toBe(
      requestKey('http://127.0.0.1:4000/coinmetrics/v4/timeseries/asset-metrics?a=1&b=2'),
    );
    expect(requestKey('https://mempool.space/api/v1/prices')).toBe('/v1/prices');
    expect(requestKey('http://127.0.0.1:1/mempool/api/blocks/tip/height')).toBe('/blocks/tip/height');
  });

  it('keeps different queries apart', () => {
    expect(requestKey('https://x/v4/timeseries/asset-metrics?next_page_token=a')).not.toBe(
      requestKey('https://x/v4/timeseries/asset-metrics?next_page_token=b'),
    );
  });
});

describe('record and replay', () => {
  it('writes deterministic gzip archive files named raw/<source>-<name>.json.gz', async () => {
    const { recordings } = await recordRun();
    const first = recordingsToArchiveFiles(recordings);
    const second = recordingsToArchiveFiles([...recordings].reverse());
    expect(first.map((f) => f.name)).toContain('raw/coinmetrics-asset-metrics-p2.json.gz');
    expect(first.map((f) => f.name)).toEqual(second.map((f) => f.name));
    for (const [i, file] of first.entries()) {
      expect(file.body.equals(second[i]?.body ?? Buffer.alloc(0))).toBe(true);
      expect(file.body.readUInt32LE(4)).toBe(0);
      expect(file).toMatchObject({ contentType: 'application/json', contentEncoding: 'gzip' });
    }
    expect(envelopeFields(first[0]?.body)).toEqual(ONE_TRY_ENVELOPE_FIELDS);
  });

  it('replays a recorded folder to byte-for-byte the same inputs, from another base URL, with no network', async () => {
    const original = await recordRun();
    const dir = await tempDir();
    await writeRecordingFolder(dir, original.recordings);
    const replay = await loadReplay(dir);

    const replayed = await fetchReportInputs(
      { ...replay, random: () => 0.5, reporter: silentReporter },
      { coinMetricsUrl: 'http://127.0.0.1:1/coinmetrics/v4', mempoolUrl: 'http://127.0.0.1:1/mempool/api' },
    );

    const normalise = (s: string) =>
      s
        .replaceAll('http://127.0.0.1:1/coinmetrics/v4', 'https://community-api.coinmetrics.io/v4')
        .replaceAll('http://127.0.0.1:1/mempool/api', 'https://mempool.space/api');
    expect(normalise(JSON.stringify(replayed.inputs))).toBe(JSON.stringify(original.inputs));
    const latest = original.recordings
      .map((r) => r.fetchedAt)
      .sort()
      .at(-1);
    expect(replay.clock().toISOString()).toBe(latest);
  });

  it('replaying a replay gives identical bytes (same base URLs)', async () => {
    const original = await recordRun({ asOf: '2025-11-10' });
    const replay = createReplay(original.recordings);
    const options = {
      coinMetricsUrl: 'https://community-api.coinmetrics.io/v4',
      mempoolUrl: 'https://mempool.space/api',
      asOf: '2025-11-10',
    };
    const deps = { ...replay, random: () => 0.5, reporter: silentReporter };
    const a = await fetchReportInputs(deps, options);
    const b = await fetchReportInputs(deps, options);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(a.inputs)).toBe(JSON.stringify(original.inputs));
  });

  it('accepts an archived issue folder and the raw/ folder itself', async () => {
    const { recordings } = await recordRun();
    const issue = path.join(await tempDir(), 'issues', '2025-11-23');
    await writeRecordingFolder(issue, recordings);
    expect(await readdir(path.join(issue, 'raw'))).toHaveLength(recordings.length);
    expect(await readRecordingFolder(issue)).toHaveLength(recordings.length);
    expect(await readRecordingFolder(path.join(issue, 'raw'))).toHaveLength(recordings.length);
  });

  it('fails an unrecorded request with a clear reason instead of touching the network', async () => {
    const { recordings } = await recordRun();
    const withoutPrices = recordings.filter((r) => r.name !== 'prices');
    const replay = createReplay(withoutPrices);
    const { inputs } = await fetchReportInputs(
      { ...replay, random: () => 0.5, reporter: silentReporter },
      { coinMetricsUrl: 'http://127.0.0.1:1/cm/v4', mempoolUrl: 'http://127.0.0.1:1/mp/api' },
    );
    expect(inputs.price.status).toBe('failed');
    expect(inputs.price.status === 'failed' && inputs.price.reason).toMatch(
      /^mempool prices is not in the recording: no recorded response for \/v1\/prices/,
    );
    expect(inputs.price.status === 'failed' && inputs.price.attempts).toBe(1);
    expect(inputs.pools.status).toBe('ok');
  });

  it('rejects a corrupt envelope, naming the file and field', async () => {
    const dir = await tempDir();
    const bad: RecordedResponse = {
      source: 'mempool',
      name: 'prices',
      url: 'https://mempool.space/api/v1/prices',
      fetchedAt: 'yesterday',
      status: 200,
      headers: {},
      body: '{}',
    };
    await writeRecordingFolder(dir, [bad]);
    await expect(readRecordingFolder(dir)).rejects.toThrow(/mempool-prices\.json\.gz: field `fetchedAt`/);
    expect((await readFile(path.join(dir, 'raw', 'mempool-prices.json.gz'))).length).toBeGreaterThan(0);
  });

  it('replays failures and retries exactly: a timeout, a refused request and a success on the 2nd try', async () => {
    // Arrange: pools hangs past every timeout, prices answers 404, reward stats is rate-limited once.
    const time = createFakeTime('2025-11-24T08:00:00.000Z');
    let rewardCalls = 0;
    const { fetch } = stubFetch({
      '/timeseries/asset-metrics': coinMetricsRoute(cmRows('2025-10-01', 54)),
      ...mempoolRoutes(),
      '/v1/mining/pools/1w': hang,
      '/v1/prices': () => json({ error: 'gone' }, 404),
      '/v1/mining/reward-stats/1008': () =>
        ++rewardCalls === 1
          ? json({}, 429, { 'retry-after': '1' })
          : json({ startBlock: 1, endBlock: 1008, totalReward: '1', totalFee: '1', totalTx: '1' }),
    });
    const options = {
      coinMetricsUrl: 'https://community-api.coinmetrics.io/v4',
      mempoolUrl: 'https://mempool.space/api',
    };
    const original = await time.run(
      fetchReportInputs(
        {
          fetch,
          clock: time.clock,
          sleep: time.sleep,
          random: () => 0.5,
          reporter: silentReporter,
          settings: { timeoutMs: 1_000, retries: 1 },
        },
        options,
      ),
    );

    // Act: replay with other retry settings; a replay must not retry or wait on its own.
    const replay = createReplay(original.recordings);
    const replayed = await fetchReportInputs(
      { ...replay, random: () => 0.5, reporter: silentReporter, settings: { timeoutMs: 5, retries: 5 } },
      options,
    );

    // Assert
    expect(original.inputs.pools).toMatchObject({ status: 'failed', attempts: 2, fetchedAt: null });
    expect(original.inputs.pools.status === 'failed' && original.inputs.pools.reason).toMatch(/timed out/);
    expect(original.inputs.price).toMatchObject({ status: 'failed', attempts: 1 });
    expect(original.inputs.rewardStats).toMatchObject({ attempts: 2 });
    expect(JSON.stringify(replayed.inputs)).toBe(JSON.stringify(original.inputs));
    expect(recordingsToArchiveFiles(replayed.recordings)).toEqual(
      recordingsToArchiveFiles(original.recordings),
    );
    const pools = original.recordings.find((r) => r.name === 'pools-1w');
    expect(pools).toMatchObject({ status: 0, fetchedAt: null, attempts: 2, failure: { kind: 'timeout' } });
  });

  it('keeps the bytes of a one-try response envelope as before (no attempts or failure fields)', async () => {
    const { recordings } = await recordRun();

    const [file] = recordingsToArchiveFiles(recordings.filter((r) => r.name === 'prices'));

    expect(envelopeFields(file?.body)).toEqual(ONE_TRY_ENVELOPE_FIELDS);
  });
});
