/**
 * Datasets from a `--record` folder (or an archived issue's folder): `raw/*.json.gz` envelopes
 * `{ source, name, url, fetchedAt, status, headers, body }`. Bodies are served verbatim by path + query.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { z } from 'zod';
import { COIN_METRICS_COLUMNS, type CoinMetricsColumn } from '../contracts/report-inputs';
import type { Dataset, RecordedExchange } from './dataset';
import { DatasetError } from './errors';

const envelopeSchema = z.object({
  source: z.enum(['coinmetrics', 'mempool']),
  url: z.string().url(),
  /** 0: the request got no response at all (a recorded timeout or network failure). */
  status: z.union([z.literal(0), z.number().int().min(100).max(599)]),
  headers: z
    .object({ 'content-type': z.string().optional(), 'retry-after': z.string().optional() })
    .default({}),
  body: z.string(),
});

const assetMetricsBody = z.object({
  data: z.array(z.object({ time: z.string(), asset: z.string().optional() }).catchall(z.unknown())),
});

/** Where each upstream's routes start inside a recorded URL path, whatever base it was recorded from. */
const ROUTE_ROOTS: Record<RecordedExchange['upstream'], readonly string[]> = {
  coinmetrics: ['/timeseries/', '/catalog', '/reference-data'],
  mempool: ['/v1/', '/blocks/', '/block/', '/tx/', '/address/', '/mempool'],
};

/** The path under the upstream's base: `/v4/timeseries/asset-metrics` → `/timeseries/asset-metrics`. */
export function routeUnderBase(upstream: RecordedExchange['upstream'], pathname: string): string {
  const starts = ROUTE_ROOTS[upstream].map((root) => pathname.indexOf(root)).filter((i) => i >= 0);
  return starts.length > 0 ? pathname.slice(Math.min(...starts)) : pathname;
}

/** Order-insensitive key of a query string, so `a=1&b=2` matches `b=2&a=1`. */
export function queryKey(search: URLSearchParams): string {
  return [...search.entries()]
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .sort()
    .join('&');
}

const KNOWN = new Set<string>(COIN_METRICS_COLUMNS);
const isColumn = (name: string): name is CoinMetricsColumn => KNOWN.has(name);

/** Coin Metrics rows found in the recorded asset-metrics pages, merged by day. */
function rowsFromRecordings(exchanges: readonly RecordedExchange[]): Dataset['coinMetricsRows'] {
  const byDay = new Map<string, Partial<Record<CoinMetricsColumn, string>>>();
  for (const exchange of exchanges) {
    if (exchange.upstream !== 'coinmetrics' || exchange.status !== 200) continue;
    let parsed: z.infer<typeof assetMetricsBody>;
    try {
      parsed = assetMetricsBody.parse(JSON.parse(exchange.body));
    } catch {
      continue; // a recorded malformed page stays servable verbatim; it just adds no rows
    }
    for (const row of parsed.data) {
      if (row.asset !== undefined && row.asset !== 'btc') continue;
      const day = row.time.slice(0, 10);
      const values = byDay.get(day) ?? {};
      for (const [key, value] of Object.entries(row)) {
        if (isColumn(key) && typeof value === 'string') values[key] = value;
      }
      byDay.set(day, values);
    }
  }
  return [...byDay.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([time, values]) => ({ time, values }));
}

async function recordingFiles(dir: string): Promise<{ folder: string; files: string[] }> {
  const rawDir = path.join(dir, 'raw');
  const folder = await stat(rawDir).then(
    (s) => (s.isDirectory() ? rawDir : dir),
    () => dir,
  );
  let names: string[];
  try {
    names = await readdir(folder);
  } catch (error) {
    throw new DatasetError(`cannot read recording folder ${dir}`, { cause: error });
  }
  const files = names.filter((name) => name.endsWith('.json.gz')).sort();
  if (files.length === 0) throw new DatasetError(`${dir}: no raw/*.json.gz recordings found`);
  return { folder, files };
}

/** Reads a recording folder. Later files win when two recorded the same request. */
export async function datasetFromRecording(dir: string): Promise<Dataset> {
  const { folder, files } = await recordingFiles(dir);
  const exchanges: RecordedExchange[] = [];
  for (const name of files) {
    const file = path.join(folder, name);
    let envelope: z.infer<typeof envelopeSchema>;
    try {
      envelope = envelopeSchema.parse(JSON.parse(gunzipSync(await readFile(file)).toString('utf8')));
    } catch (error) {
      throw new DatasetError(`${file}: not a recording envelope`, { cause: error });
    }
    // A request that never got an answer has nothing to serve; the emulator answers it from the dataset.
    if (envelope.status === 0) continue;
    const url = new URL(envelope.url);
    exchanges.push({
      upstream: envelope.source,
      route: routeUnderBase(envelope.source, url.pathname),
      query: queryKey(url.searchParams),
      status: envelope.status,
      contentType: envelope.headers['content-type'],
      retryAfter: envelope.headers['retry-after'],
      body: envelope.body,
    });
  }
  return {
    label: `recording:${dir}`,
    sample: false,
    coinMetricsRows: rowsFromRecordings(exchanges),
    mempool: null,
    recordings: exchanges,
  };
}
