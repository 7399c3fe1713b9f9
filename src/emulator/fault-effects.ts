/**
 * What a fault does to an answer. Pure: turns the normal answer and the chosen fault into a Plan that the
 * socket server and the in-process fetch both carry out.
 */
import { plainDecimal } from './decimal';
import type { Fault, GlitchTarget, Upstream } from './faults';
import { type EmulatorResponse, jsonResponse } from './http-types';

/** How to answer one request. */
export type Plan =
  | {
      kind: 'respond';
      /** Wait this long first (latency faults). */
      delayMs: number;
      status: number;
      headers: Record<string, string>;
      body: string;
      /** Announce the full length but send half the body, then cut the connection. */
      truncate: boolean;
    }
  | { kind: 'hang' }
  | { kind: 'reset' };

const respond = (
  response: EmulatorResponse,
  extra: Partial<{ delayMs: number; truncate: boolean }> = {},
): Plan => ({
  kind: 'respond',
  delayMs: extra.delayMs ?? 0,
  status: response.status,
  headers: response.headers,
  body: response.body,
  truncate: extra.truncate ?? false,
});

function errorBody(upstream: Upstream, status: number, type: string, message: string): unknown {
  // Coin Metrics wraps errors as { error: { type, message } }; mempool answers a short JSON error.
  return upstream === 'coinmetrics' ? { error: { type, message } } : { error: message, status };
}

const isJson = (response: EmulatorResponse): boolean =>
  (response.headers['content-type'] ?? '').includes('json') && response.status < 300;

function tryParse(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const snakeCase = (key: string): string => key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

function mapDeep(value: unknown, fn: (key: string, value: unknown) => [string, unknown]): unknown {
  if (Array.isArray(value)) return value.map((item) => mapDeep(item, fn));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => fn(k, mapDeep(v, fn))));
  }
  return value;
}

/**
 * A plausible schema change. Coin Metrics: `PriceUSD` renamed `price_usd` and values sent as numbers.
 * mempool: keys in snake_case (`blockCount` → `block_count`) and numbers sent as strings; the plain-text
 * tip height becomes a JSON object.
 */
function drift(upstream: Upstream, response: EmulatorResponse): EmulatorResponse {
  if (upstream === 'mempool' && (response.headers['content-type'] ?? '').startsWith('text/plain')) {
    return jsonResponse(response.status, { height: Number(response.body) });
  }
  const parsed = tryParse(response.body);
  if (parsed === undefined || !isJson(response)) return response;
  const changed =
    upstream === 'coinmetrics'
      ? mapDeep(parsed, (key, value) => {
          const renamed = key === 'PriceUSD' ? 'price_usd' : key;
          const isValue =
            key !== 'time' && key !== 'asset' && typeof value === 'string' && /^-?\d/.test(value);
          return [renamed, isValue ? Number(value) : value];
        })
      : mapDeep(parsed, (key, value) => [snakeCase(key), typeof value === 'number' ? String(value) : value]);
  return { ...response, body: JSON.stringify(changed) };
}

const negate = (value: unknown): unknown => {
  if (typeof value === 'number') return -Math.abs(value);
  if (typeof value === 'string' && /^\d/.test(value)) return `-${value}`;
  return value;
};

/**
 * Values no real network produces. Coin Metrics: every metric negative except PriceUSD, which is ×1000 on
 * the page's last day (a 1000× jump). mempool: negative hashrates and difficulties, progress over 100%,
 * prices ×1000, rewards ×1000, a negative tip height.
 */
function absurd(upstream: Upstream, response: EmulatorResponse): EmulatorResponse {
  if (upstream === 'mempool' && (response.headers['content-type'] ?? '').startsWith('text/plain')) {
    return { ...response, body: `-${response.body}` };
  }
  const parsed = tryParse(response.body);
  if (parsed === undefined || !isJson(response)) return response;
  if (upstream === 'coinmetrics') {
    const rows = isRecord(parsed) ? parsed.data : undefined;
    if (!isRecord(parsed) || !Array.isArray(rows)) return response;
    const changed = rows.map((row: unknown, index) =>
      mapDeep(row, (key, value) => {
        if (key === 'time' || key === 'asset') return [key, value];
        if (key === 'PriceUSD') {
          const jump = index === rows.length - 1 && typeof value === 'string';
          return [key, jump ? plainDecimal(Number(value) * 1000, 10) : value];
        }
        return [key, negate(value)];
      }),
    );
    return { ...response, body: JSON.stringify({ ...parsed, data: changed }) };
  }
  const times1000 = (value: unknown): unknown =>
    typeof value === 'number'
      ? value * 1000
      : typeof value === 'string'
        ? String(Number(value) * 1000)
        : value;
  const changed = mapDeep(parsed, (key, value) => {
    if (/hashrate|difficulty$/i.test(key)) return [key, negate(value)];
    if (key === 'progressPercent' && typeof value === 'number') return [key, value + 250];
    if (/^[A-Z]{3}$/.test(key) || key === 'totalReward' || key === 'totalFee') return [key, times1000(value)];
    return [key, value];
  });
  return { ...response, body: JSON.stringify(changed) };
}

/** Coin Metrics' USD figures, which a wrong reference rate moves together. */
const USD_COLUMNS = ['PriceUSD', 'CapMrktCurUSD', 'IssTotUSD'];

/**
 * A plausible-looking wrong number, `factor` × the real one. Coin Metrics: the targeted columns of the
 * last day served (`price` = its USD figures together). mempool (`price`): every USD price it serves.
 */
function glitch(
  upstream: Upstream,
  response: EmulatorResponse,
  targets: readonly GlitchTarget[],
  factor: number,
): EmulatorResponse {
  const parsed = tryParse(response.body);
  if (parsed === undefined || !isJson(response)) return response;
  if (upstream === 'coinmetrics') {
    const rows = isRecord(parsed) ? parsed.data : undefined;
    if (!isRecord(parsed) || !Array.isArray(rows) || rows.length === 0) return response;
    const columns = new Set<string>(targets.flatMap((t) => (t === 'price' ? USD_COLUMNS : [t])));
    const last = rows.at(-1);
    const changed = isRecord(last)
      ? Object.fromEntries(
          Object.entries(last).map(([key, value]) =>
            columns.has(key) && typeof value === 'string' && /^\d/.test(value)
              ? [key, plainDecimal(Number(value) * factor, 10)]
              : [key, value],
          ),
        )
      : last;
    return { ...response, body: JSON.stringify({ ...parsed, data: [...rows.slice(0, -1), changed] }) };
  }
  if (!targets.includes('price')) return response;
  const changed = mapDeep(parsed, (key, value) =>
    /^[A-Z]{3}$/.test(key) && typeof value === 'number' ? [key, value * factor] : [key, value],
  );
  return { ...response, body: JSON.stringify(changed) };
}

/** The plan for one request: the normal answer, changed by `fault` when there is one. */
export function planFor(upstream: Upstream, response: EmulatorResponse, fault: Fault | null): Plan {
  if (fault === null) return respond(response);
  switch (fault.kind) {
    case 'latency':
      return respond(response, { delayMs: fault.ms ?? 0 });
    case 'timeout':
      return { kind: 'hang' };
    case 'reset':
      return { kind: 'reset' };
    case 'status': {
      const status = fault.status ?? 503;
      return respond(
        jsonResponse(status, errorBody(upstream, status, 'unavailable', `Emulated HTTP ${status}.`)),
      );
    }
    case 'rate-limit': {
      const seconds = fault.retryAfterSeconds ?? 1;
      const body = errorBody(upstream, 429, 'rate_limit_exceeded', 'Requests rate limit exceeded.');
      return respond(jsonResponse(429, body, { 'retry-after': String(seconds) }));
    }
    case 'malformed-json':
      // Half a document followed by an HTML fragment, the way a broken proxy page looks.
      return respond({
        ...response,
        status: 200,
        headers: { ...response.headers, 'content-type': 'application/json; charset=utf-8' },
        body: `${response.body.slice(0, Math.ceil(response.body.length / 2))}<html>Bad Gateway</html>`,
      });
    case 'truncated':
      return respond(response, { truncate: true });
    case 'drift':
      return respond(drift(upstream, response));
    case 'absurd':
      return respond(absurd(upstream, response));
    case 'glitch':
      return respond(glitch(upstream, response, fault.targets ?? [], fault.factor ?? 1));
  }
}
