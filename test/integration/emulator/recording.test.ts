import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatasetError, datasetFromRecording } from '../../../src/emulator/dataset';
import { type RunningEmulator, startEmulator } from '../../../src/emulator/server';

const CM = 'https://community-api.coinmetrics.io/v4/timeseries/asset-metrics';
// Deliberately odd formatting: a recording must come back byte for byte, not re-serialised.
const cmBody = '{"data":[{"asset":"btc","time":"2024-01-01T00:00:00.000000000Z","PriceUSD":"42000.5" }]}';
const poolsBody = '{ "pools": [], "blockCount": 0, "lastEstimatedHashrate": 0 }';

let dir: string;
let emulator: RunningEmulator;

/**
 * Writes one recorded response as `--record` does: gzipped JSON under raw/, named after its source and
 * name. A 200 with a JSON content type unless `status` and `headers` say otherwise.
 */
async function writeEnvelope(recorded: {
  source: string;
  name: string;
  url: string;
  fetchedAt: string;
  status?: number;
  headers?: Record<string, string>;
  body: string;
}) {
  const { source, name, url, fetchedAt, body } = recorded;
  const envelope = {
    source,
    name,
    url,
    fetchedAt,
    status: recorded.status ?? 200,
    headers: { 'content-type': 'application/json', ...recorded.headers },
    body,
  };
  await writeFile(path.join(dir, 'raw', `${source}-${name}.json.gz`), gzipSync(JSON.stringify(envelope)));
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hashbrief-recording-'));
  await mkdir(path.join(dir, 'raw'));
  await writeEnvelope({
    source: 'coinmetrics',
    name: 'asset-metrics-p0',
    url: `${CM}?assets=btc&metrics=PriceUSD&page_size=10000`,
    fetchedAt: '2024-01-02T06:00:00.000Z',
    body: cmBody,
  });
  await writeEnvelope({
    source: 'mempool',
    name: 'pools-1w',
    url: 'https://mempool.space/api/v1/mining/pools/1w',
    fetchedAt: '2024-01-02T06:00:01.000Z',
    body: poolsBody,
  });
  await writeEnvelope({
    source: 'mempool',
    name: 'prices',
    url: 'https://mempool.space/api/v1/prices',
    fetchedAt: '2024-01-02T06:00:02.000Z',
    status: 429,
    headers: { 'retry-after': '9' },
    body: '{"error":"slow down"}',
  });
  emulator = await startEmulator({ dataset: await datasetFromRecording(dir) });
});
afterAll(async () => {
  await emulator.close();
  await rm(dir, { recursive: true, force: true });
});

describe('recordings served by the emulator', () => {
  it('labels the dataset as a recording', async () => {
    const dataset = await datasetFromRecording(dir);
    expect(dataset.label).toBe(`recording:${dir}`);
    expect(dataset.sample).toBe(false);
    expect(dataset.coinMetricsRows).toEqual([{ time: '2024-01-01', values: { PriceUSD: '42000.5' } }]);
  });

  it('serves recorded bodies verbatim by path and query, whatever the parameter order', async () => {
    const cm = await fetch(
      `${emulator.coinMetricsUrl}/timeseries/asset-metrics?page_size=10000&metrics=PriceUSD&assets=btc`,
    );
    expect(await cm.text()).toBe(cmBody);
    expect(await (await fetch(`${emulator.mempoolUrl}/v1/mining/pools/1w`)).text()).toBe(poolsBody);
  });

  it('replays recorded statuses and Retry-After', async () => {
    const response = await fetch(`${emulator.mempoolUrl}/v1/prices`);
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('9');
  });

  it('answers other Coin Metrics queries from the recorded rows, and mempool misses with 404', async () => {
    const other = await fetch(
      `${emulator.coinMetricsUrl}/timeseries/asset-metrics?assets=btc&metrics=PriceUSD`,
    );
    expect(other.status).toBe(200);
    expect(await other.json()).toEqual({
      data: [{ asset: 'btc', time: '2024-01-01T00:00:00.000000000Z', PriceUSD: '42000.5' }],
    });
    expect((await fetch(`${emulator.mempoolUrl}/v1/difficulty-adjustment`)).status).toBe(404);
  });

  it('rejects a folder without recordings', async () => {
    const empty = await mkdtemp(path.join(tmpdir(), 'hashbrief-empty-'));
    try {
      await expect(datasetFromRecording(empty)).rejects.toThrow(DatasetError);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
