/**
 * The emulated Coin Metrics `GET /timeseries/asset-metrics`: parameters, paging and errors as the real
 * community API v4 documents them (docs/emulator.md).
 */

import { COIN_METRICS_COLUMNS, type CoinMetricsColumn } from '../contracts/report-inputs';
import { isIsoDay } from '../days';
import type { Dataset } from './dataset';
import { type EmulatorResponse, jsonResponse } from './http-types';

const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 10_000;
const KNOWN = new Set<string>(COIN_METRICS_COLUMNS);
const isColumn = (name: string): name is CoinMetricsColumn => KNOWN.has(name);

/** Coin Metrics' error body: `{ error: { type, message } }`. */
export function coinMetricsError(status: number, type: string, message: string): EmulatorResponse {
  return jsonResponse(status, { error: { type, message } });
}

const badParameter = (name: string, detail: string): EmulatorResponse =>
  coinMetricsError(400, 'bad_parameter', `Bad parameter '${name}'. ${detail}`);

type PagingFrom = 'start' | 'end';

/** Opaque page token: which end we page from and the last day already served. */
function encodeToken(from: PagingFrom, servedThrough: string): string {
  return `${from === 'start' ? '1' : '0'}.${Buffer.from(servedThrough).toString('base64url')}`;
}

function decodeToken(token: string): { from: PagingFrom; servedThrough: string } | null {
  const match = /^([01])\.([A-Za-z0-9_-]+)$/.exec(token);
  if (!match) return null;
  const day = Buffer.from(match[2] ?? '', 'base64url').toString('utf8');
  if (!isIsoDay(day)) return null;
  return { from: match[1] === '1' ? 'start' : 'end', servedThrough: day };
}

/** Parses a start/end time (`YYYY-MM-DD` or ISO 8601 instant) to epoch ms, or null when invalid. */
function parseTime(value: string): number | null {
  const text = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text)) return null;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : ms;
}

const dayMs = (day: string): number => Date.parse(`${day}T00:00:00Z`);

/** `time` as Coin Metrics writes it: always nanosecond precision. */
export const coinMetricsTime = (day: string): string => `${day}T00:00:00.000000000Z`;

/**
 * Answers one asset-metrics request. `endpointUrl` is this endpoint's absolute URL (no query) and
 * `rawQuery` the request's query string as sent, so `next_page_url` repeats the caller's parameters.
 */
export function assetMetricsResponse(
  rows: Dataset['coinMetricsRows'],
  query: URLSearchParams,
  endpointUrl: string,
  rawQuery: string,
): EmulatorResponse {
  const assets = query.get('assets');
  if (!assets) return coinMetricsError(400, 'missing_parameter', "Missing parameter 'assets'.");
  for (const asset of assets.split(',')) {
    if (asset.toLowerCase() !== 'btc') return badParameter('assets', `Value '${asset}' is not supported.`);
  }
  const metricsText = query.get('metrics');
  if (!metricsText) return coinMetricsError(400, 'missing_parameter', "Missing parameter 'metrics'.");
  const metrics: CoinMetricsColumn[] = [];
  for (const metric of metricsText.split(',')) {
    if (!isColumn(metric)) return badParameter('metrics', `Value '${metric}' is not supported.`);
    if (!metrics.includes(metric)) metrics.push(metric);
  }
  const frequency = query.get('frequency') ?? '1d';
  if (frequency !== '1d') return badParameter('frequency', `Value '${frequency}' is not supported.`);
  const format = query.get('format') ?? 'json';
  if (format !== 'json')
    return badParameter('format', `Value '${format}' is not supported by this emulator.`);

  const pageSizeText = query.get('page_size');
  let pageSize = DEFAULT_PAGE_SIZE;
  if (pageSizeText !== null) {
    pageSize = /^\d+$/.test(pageSizeText) ? Number(pageSizeText) : Number.NaN;
    if (!(pageSize >= 1 && pageSize <= MAX_PAGE_SIZE)) {
      return badParameter('page_size', `Must be an integer between 1 and ${MAX_PAGE_SIZE}.`);
    }
  }
  const pagingText = query.get('paging_from') ?? 'end';
  if (pagingText !== 'start' && pagingText !== 'end') {
    return badParameter('paging_from', "Must be one of 'start', 'end'.");
  }
  const pagingFrom: PagingFrom = pagingText;

  let startMs = Number.NEGATIVE_INFINITY;
  let endMs = Number.POSITIVE_INFINITY;
  for (const [name, apply] of [
    ['start_time', (ms: number) => (startMs = ms)],
    ['end_time', (ms: number) => (endMs = ms)],
  ] as const) {
    const text = query.get(name);
    if (text === null) continue;
    const ms = parseTime(text);
    if (ms === null) return badParameter(name, `Value '${text}' is not a valid date or time.`);
    apply(ms);
  }
  const startInclusive = query.get('start_inclusive') !== 'false';
  const endInclusive = query.get('end_inclusive') !== 'false';
  const nullAsZero = query.get('null_as_zero') === 'true';

  const tokenText = query.get('next_page_token');
  let token: { from: PagingFrom; servedThrough: string } | null = null;
  if (tokenText !== null) {
    token = decodeToken(tokenText);
    if (token === null || token.from !== pagingFrom) return badParameter('next_page_token', 'Invalid token.');
  }

  // Days where no requested metric has a value are left out; the others carry null for the gaps.
  const selected = rows.filter((row) => {
    const ms = dayMs(row.time);
    if (startInclusive ? ms < startMs : ms <= startMs) return false;
    if (endInclusive ? ms > endMs : ms >= endMs) return false;
    if (token) {
      if (token.from === 'start' ? row.time <= token.servedThrough : row.time >= token.servedThrough)
        return false;
    }
    return metrics.some((metric) => row.values[metric] !== undefined);
  });

  // Pages go backwards from the end by default, but rows inside a page stay ascending.
  const page =
    pagingFrom === 'end'
      ? selected.slice(Math.max(0, selected.length - pageSize))
      : selected.slice(0, pageSize);
  const data = page.map((row) => {
    const out: Record<string, string | null> = { asset: 'btc', time: coinMetricsTime(row.time) };
    for (const metric of metrics) out[metric] = row.values[metric] ?? (nullAsZero ? '0' : null);
    return out;
  });

  const body: { data: typeof data; next_page_token?: string; next_page_url?: string } = { data };
  const boundary = pagingFrom === 'end' ? page[0] : page.at(-1);
  if (selected.length > page.length && boundary) {
    const next = encodeToken(pagingFrom, boundary.time);
    const kept = rawQuery.split('&').filter((part) => part !== '' && !part.startsWith('next_page_token='));
    body.next_page_token = next;
    body.next_page_url = `${endpointUrl}?${[...kept, `next_page_token=${next}`].join('&')}`;
  }
  return jsonResponse(200, body);
}
