/**
 * Request → plan, shared by the socket server and the in-process fetch: find which upstream a URL is for,
 * answer it from the dataset (or a recording), then let the faults have their say.
 */

import { SYNTHETIC_DATA_HEADER, SYNTHETIC_DATA_VALUE } from '../sources/recording';
import { assetMetricsResponse, coinMetricsError } from './coinmetrics-api';
import { type Dataset, queryKey } from './dataset';
import { type Plan, planFor } from './fault-effects';
import { type Fault, FaultBook, type Upstream } from './faults';
import { type EmulatorResponse, jsonResponse } from './http-types';
import { mempoolNotFound, mempoolResponse } from './mempool-api';

/** Where Coin Metrics is mounted on the emulator. */
export const COINMETRICS_MOUNT = '/coinmetrics/v4';
/** Where mempool.space is mounted on the emulator. */
export const MEMPOOL_MOUNT = '/mempool/api';

/** The real hosts, so the in-process fetch can stand in without changing base URLs. */
const REAL_MOUNTS: readonly { host: string; prefix: string; upstream: Upstream }[] = [
  { host: 'community-api.coinmetrics.io', prefix: '/v4', upstream: 'coinmetrics' },
  { host: 'api.coinmetrics.io', prefix: '/v4', upstream: 'coinmetrics' },
  { host: 'mempool.space', prefix: '/api', upstream: 'mempool' },
];

/** A request resolved to its upstream. */
export interface Located {
  upstream: Upstream;
  /** Path under the upstream's base, e.g. `/v1/mining/pools/1w`. */
  route: string;
  /** Absolute base URL the request used, e.g. `http://127.0.0.1:4000/coinmetrics/v4`. */
  base: string;
}

const under = (pathname: string, prefix: string): string | null =>
  pathname === prefix ? '/' : pathname.startsWith(`${prefix}/`) ? pathname.slice(prefix.length) : null;

/** Which upstream a URL is for, or null when it is neither. */
export function locate(url: URL): Located | null {
  for (const [prefix, upstream] of [
    [COINMETRICS_MOUNT, 'coinmetrics'],
    [MEMPOOL_MOUNT, 'mempool'],
  ] as const) {
    const route = under(url.pathname, prefix);
    if (route !== null) return { upstream, route, base: `${url.origin}${prefix}` };
  }
  for (const mount of REAL_MOUNTS) {
    if (url.hostname !== mount.host) continue;
    const route = under(url.pathname, mount.prefix);
    if (route !== null) return { upstream: mount.upstream, route, base: `${url.origin}${mount.prefix}` };
  }
  return null;
}

function fromRecording(dataset: Dataset, located: Located, url: URL): EmulatorResponse | null {
  if (!dataset.recordings) return null;
  const key = queryKey(url.searchParams);
  const hit = dataset.recordings.findLast(
    (r) => r.upstream === located.upstream && r.route === located.route && r.query === key,
  );
  if (!hit) return null;
  const headers: Record<string, string> = { 'content-type': hit.contentType ?? 'application/json' };
  if (hit.retryAfter !== undefined) headers['retry-after'] = hit.retryAfter;
  return { status: hit.status, headers, body: hit.body };
}

/** The normal (fault-free) answer. */
export function answer(dataset: Dataset, located: Located, url: URL): EmulatorResponse {
  const recorded = fromRecording(dataset, located, url);
  if (recorded) return recorded;
  if (located.upstream === 'coinmetrics') {
    if (located.route !== '/timeseries/asset-metrics') {
      return coinMetricsError(404, 'not_found', `Route '${located.route}' is not served by this emulator.`);
    }
    if (dataset.coinMetricsRows.length === 0) {
      return coinMetricsError(404, 'not_found', 'No Coin Metrics data in this dataset.');
    }
    const endpoint = `${located.base}${located.route}`;
    return assetMetricsResponse(dataset.coinMetricsRows, url.searchParams, endpoint, url.search.slice(1));
  }
  if (!dataset.mempool) return mempoolNotFound(located.route);
  return mempoolResponse(dataset.mempool, located.route, url.searchParams);
}

/** Synthetic answers say so in a header, so whatever consumes them can label its output sample. */
function marked(dataset: Dataset, response: EmulatorResponse): EmulatorResponse {
  if (!dataset.sample) return response;
  return { ...response, headers: { ...response.headers, [SYNTHETIC_DATA_HEADER]: SYNTHETIC_DATA_VALUE } };
}

/** The dataset, the faults and the logic between a URL and a Plan. */
export interface EmulatorCore {
  faults: FaultBook;
  plan(method: string, url: URL): Plan;
}

/** Builds the shared request logic. */
export function createEmulatorCore(dataset: Dataset, faults: readonly Fault[] = []): EmulatorCore {
  const book = new FaultBook(faults);
  return {
    faults: book,
    plan(method, url) {
      const located = locate(url);
      if (!located) {
        return planFor('mempool', jsonResponse(404, { error: 'Not Found', path: url.pathname }), null);
      }
      const fault = book.take(located.upstream, located.route);
      if (method !== 'GET' && method !== 'HEAD') {
        return planFor(located.upstream, jsonResponse(405, { error: 'Method Not Allowed' }), fault);
      }
      return planFor(located.upstream, marked(dataset, answer(dataset, located, url)), fault);
    },
  };
}
