/**
 * mempool.space REST client: the endpoints hashbrief reads, fetched through the shared HTTP client and
 * parsed by mempool-parse.ts. Paths are the public API's, under the configured base URL.
 */
import { daysBetween } from '../days';
import { ShapeError, UpstreamError } from './errors';
import type { HttpClient, HttpResponse } from './http';
import type { Parsed } from './mempool-parse';

/** One mempool endpoint: its path under the base URL, recording name and label for messages. */
export interface MempoolEndpoint {
  path: string;
  name: string;
  label: string;
  /** text/plain instead of JSON. */
  text?: boolean;
}

/** Recording name from a path: `/v1/mining/pools/1w` → `pools-1w`, `/blocks/tip/height` → `blocks-tip-height`. */
export function recordingNameForPath(path: string): string {
  return path
    .split('/')
    .filter((segment) => segment !== '' && segment !== 'v1' && segment !== 'mining')
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9.-]/g, '-');
}

function endpoint(path: string, label: string, text = false): MempoolEndpoint {
  return { path, name: recordingNameForPath(path), label, ...(text ? { text } : {}) };
}

export const MEMPOOL_ENDPOINTS = {
  pools: endpoint('/v1/mining/pools/1w', 'mempool pools'),
  difficultyAdjustment: endpoint('/v1/difficulty-adjustment', 'mempool difficulty adjustment'),
  tipHeight: endpoint('/blocks/tip/height', 'mempool tip height', true),
  rewardStats: endpoint('/v1/mining/reward-stats/1008', 'mempool reward stats'),
  prices: endpoint('/v1/prices', 'mempool prices'),
} as const satisfies Record<string, MempoolEndpoint>;

/**
 * Hashrate/difficulty history wide enough to reach about eleven months before `asOf` (1y for a current report; mempool
 * treats any unknown interval, such as `all`, as all time).
 */
export function hashrateEndpoint(asOf: string | undefined, today: string): MempoolEndpoint {
  const span = asOf === undefined ? 0 : Math.max(0, daysBetween(asOf, today));
  // A month of slack keeps recent past reports on the same small `1y` request as current ones.
  const years = Math.ceil((span + 335) / 365);
  const interval = years <= 1 ? '1y' : years <= 4 ? `${years}y` : 'all';
  return endpoint(`/v1/mining/hashrate/${interval}`, 'mempool hashrate history');
}

/** How long after a day's close (00:00 UTC the next day) the historical-price question is asked. */
const CLOSE_QUERY_OFFSET_S = 3600;

/**
 * mempool's price at the close of `day`, the moment Coin Metrics fixes its daily PriceUSD (00:00 UTC the
 * next day). mempool answers its latest price strictly before the timestamp, so asking an hour after the
 * close returns the close itself whether its history is hourly or stamped once a day at midnight.
 */
export function historicalPriceEndpoint(day: string): MempoolEndpoint {
  const timestamp = closeOfDay(day) + CLOSE_QUERY_OFFSET_S;
  return {
    path: `/v1/historical-price?currency=USD&timestamp=${timestamp}`,
    name: 'historical-price',
    label: 'mempool historical price',
  };
}

/** Unix seconds of the close of a UTC day (00:00 UTC the following day). */
export function closeOfDay(day: string): number {
  return Date.parse(`${day}T00:00:00Z`) / 1000 + 86_400;
}

/** The full URL of an endpoint under a base URL. */
export function mempoolUrl(baseUrl: string, ep: MempoolEndpoint): string {
  return `${baseUrl.replace(/\/+$/, '')}${ep.path}`;
}

/** A fetched, parsed mempool value with its provenance. */
export interface MempoolResult<T> {
  value: T;
  warnings: string[];
  url: string;
  fetchedAt: string;
  attempts: number;
}

/** Fetches an endpoint's body (JSON parsed unless `text`), without interpreting it. */
export async function fetchMempoolRaw(
  http: HttpClient,
  baseUrl: string,
  ep: MempoolEndpoint,
): Promise<HttpResponse & { json: unknown }> {
  const request = {
    url: mempoolUrl(baseUrl, ep),
    label: ep.label,
    source: 'mempool' as const,
    name: ep.name,
    limitKey: 'mempool',
    accept: ep.text ? 'text/plain' : 'application/json',
  };
  if (ep.text) {
    const response = await http.get(request);
    return { ...response, json: response.body };
  }
  return http.getJson(request);
}

/** Applies a parser to a fetched response; drift becomes UpstreamError kind 'invalid-shape'. */
export function interpretMempool<T>(
  ep: MempoolEndpoint,
  response: HttpResponse & { json: unknown },
  parse: (body: unknown) => Parsed<T>,
): MempoolResult<T> {
  try {
    const { value, warnings } = parse(response.json);
    return { value, warnings, url: response.url, fetchedAt: response.fetchedAt, attempts: response.attempts };
  } catch (error) {
    if (error instanceof ShapeError) {
      throw new UpstreamError(`${ep.label} changed shape: ${error.message}`, {
        kind: 'invalid-shape',
        attempts: response.attempts,
        status: response.status,
        fetchedAt: response.fetchedAt,
        cause: error,
      });
    }
    throw error;
  }
}

/** Fetch and parse in one go. */
export async function fetchMempool<T>(
  http: HttpClient,
  baseUrl: string,
  ep: MempoolEndpoint,
  parse: (body: unknown) => Parsed<T>,
): Promise<MempoolResult<T>> {
  return interpretMempool(ep, await fetchMempoolRaw(http, baseUrl, ep), parse);
}
