/**
 * Coin Metrics community API v4 client: the full daily BTC history of COIN_METRICS_COLUMNS in as few
 * requests as possible (10 000 rows a page, oldest first), every page re-targeted to the configured base.
 */

import { COIN_METRICS_COLUMNS, type DailySeries } from '../contracts/report-inputs';
import type { Reporter } from '../ports';
import { joinCoinMetricsPages, type ParsedPage, parseCoinMetricsPage } from './coinmetrics-parse';
import { ShapeError, UpstreamError } from './errors';
import type { HttpClient } from './http';
import { buildDailySeries } from './series';

export const COINMETRICS_PATH = '/timeseries/asset-metrics';
export const COINMETRICS_PAGE_SIZE = 10_000;
/** Guard against a server that keeps handing out next pages (~27 years fit in one page today). */
const MAX_PAGES = 50;

export interface CoinMetricsResult {
  series: DailySeries;
  warnings: string[];
  /** URL of the first page. */
  url: string;
  /** Time the last page arrived. */
  fetchedAt: string;
  /** HTTP attempts over all pages. */
  attempts: number;
  pages: number;
}

/**
 * The first page's URL: `end_time` only when an as-of day is given, `start_time` only when a first day is
 * (the alert run reads a window of recent days instead of the whole history).
 */
export function coinMetricsFirstUrl(baseUrl: string, asOf?: string, from?: string): string {
  const params = new URLSearchParams({
    assets: 'btc',
    metrics: COIN_METRICS_COLUMNS.join(','),
    frequency: '1d',
    page_size: String(COINMETRICS_PAGE_SIZE),
    paging_from: 'start',
  });
  if (from) params.set('start_time', from);
  if (asOf) params.set('end_time', asOf);
  return `${trimBase(baseUrl)}${COINMETRICS_PATH}?${params.toString()}`;
}

function trimBase(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '');
}

/**
 * The next page's URL on the configured base. `next_page_url` names the public host, so only its query is
 * kept; with just a `next_page_token`, the first page's query gets the token.
 */
export function nextPageUrl(baseUrl: string, firstUrl: string, page: ParsedPage): string | null {
  if (page.nextPageUrl !== undefined) {
    let upstream: URL;
    try {
      upstream = new URL(page.nextPageUrl);
    } catch (error) {
      throw new ShapeError(`\`next_page_url\` is not a URL (${JSON.stringify(page.nextPageUrl)})`, {
        cause: error,
      });
    }
    if (!upstream.searchParams.has('next_page_token') && page.nextPageToken !== undefined) {
      upstream.searchParams.set('next_page_token', page.nextPageToken);
    }
    return `${trimBase(baseUrl)}${COINMETRICS_PATH}${upstream.search}`;
  }
  if (page.nextPageToken !== undefined) {
    const next = new URL(firstUrl);
    next.searchParams.set('next_page_token', page.nextPageToken);
    return `${trimBase(baseUrl)}${COINMETRICS_PATH}${next.search}`;
  }
  return null;
}

function isEmptyDataPage(json: unknown): boolean {
  return (
    typeof json === 'object' &&
    json !== null &&
    'data' in json &&
    Array.isArray(json.data) &&
    json.data.length === 0
  );
}

/**
 * Fetches every page and builds the gapless series. Throws UpstreamError (kind 'invalid-shape' for
 * drift) when the source as a whole cannot be trusted; implausible single values only become warnings.
 */
export async function fetchCoinMetricsSeries(
  http: HttpClient,
  options: { baseUrl: string; asOf?: string; from?: string; reporter: Reporter },
): Promise<CoinMetricsResult> {
  const firstUrl = coinMetricsFirstUrl(options.baseUrl, options.asOf, options.from);
  const pages: ParsedPage[] = [];
  const visited = new Set<string>();
  let url: string | null = firstUrl;
  let attempts = 0;
  let fetchedAt = '';

  const drift = (error: ShapeError): UpstreamError =>
    new UpstreamError(`Coin Metrics asset metrics changed shape: ${error.message}`, {
      kind: 'invalid-shape',
      attempts,
      fetchedAt: fetchedAt || null,
      cause: error,
    });

  while (url !== null) {
    const index = pages.length;
    if (index >= MAX_PAGES || visited.has(url)) {
      throw drift(new ShapeError(`paging did not end after ${index} pages (repeated or endless next page)`));
    }
    visited.add(url);
    const label = index === 0 ? 'Coin Metrics asset metrics' : `Coin Metrics asset metrics page ${index + 1}`;
    let response: Awaited<ReturnType<HttpClient['getJson']>>;
    try {
      response = await http.getJson({
        url,
        label,
        source: 'coinmetrics',
        name: `asset-metrics-p${index}`,
        limitKey: 'coinmetrics',
        accept: 'application/json',
      });
    } catch (error) {
      if (error instanceof UpstreamError) {
        throw new UpstreamError(error.message, {
          kind: error.kind,
          attempts: attempts + error.attempts,
          fetchedAt: error.fetchedAt,
          status: error.status,
          cause: error,
        });
      }
      throw error;
    }
    attempts += response.attempts;
    fetchedAt = response.fetchedAt;
    // An empty first page for a day before the history starts is an answer, not a changed schema.
    if (index === 0 && options.asOf !== undefined && isEmptyDataPage(response.json)) {
      throw new UpstreamError(`Coin Metrics has no data on or before ${options.asOf}`, {
        kind: 'no-data',
        attempts,
        fetchedAt,
      });
    }
    try {
      const page = parseCoinMetricsPage(response.json, index);
      pages.push(page);
      options.reporter.info(`Coin Metrics: page ${index + 1} fetched (${page.rows.length} days)`, {
        source: 'coinmetrics',
        page: index + 1,
        rows: page.rows.length,
      });
      url = nextPageUrl(options.baseUrl, firstUrl, page);
    } catch (error) {
      if (error instanceof ShapeError) throw drift(error);
      throw error;
    }
  }

  let rows: ReturnType<typeof joinCoinMetricsPages>;
  try {
    rows = joinCoinMetricsPages(pages);
  } catch (error) {
    if (error instanceof ShapeError) throw drift(error);
    throw error;
  }
  const { series, warnings } = buildDailySeries(rows);
  return { series, warnings, url: firstUrl, fetchedAt, attempts, pages: pages.length };
}
