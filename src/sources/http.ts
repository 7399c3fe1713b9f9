/**
 * The one way sources talk HTTP: per-attempt timeout, retries with exponential backoff and full jitter,
 * `Retry-After`, a total time budget for the whole report, per-host concurrency and rate windows, and a
 * descriptive User-Agent. Every side effect (fetch, clock, sleep, randomness, progress) is a port.
 */
import type { Clock, Fetch, Random, Reporter, Sleep } from '../ports';
import {
  describeError,
  ReplayedFailureError,
  ReplayMissError,
  tries,
  UpstreamError,
  type UpstreamErrorKind,
} from './errors';
import { createHostGate, type HostGate, type HostLimit, RateWindowWaitError } from './limits';
import { keptHeaders, type RecordedSource, type Recorder } from './recording';

export type { HostLimit } from './limits';

/** Tunables; every field has a default in DEFAULT_HTTP_SETTINGS. */
export interface HttpSettings {
  userAgent: string;
  /** Per attempt, ms. */
  timeoutMs: number;
  /** Retries after the first attempt (so at most retries + 1 tries). */
  retries: number;
  /** Wall-clock budget shared by every request made through one client, ms. */
  budgetMs: number;
  /** First backoff ceiling, ms; doubles per retry up to maxDelayMs ("full jitter": uniform in [0, ceiling)). */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Limits by limit key (a request's `limitKey`, else its URL host). */
  hostLimits: Record<string, HostLimit>;
  /** Limit for keys not listed in hostLimits. */
  defaultHostLimit: HostLimit;
}

/** Coin Metrics community: "10 requests per 6 seconds sliding window for an IP address". */
export const COINMETRICS_COMMUNITY_LIMIT: HostLimit = { concurrency: 2, maxRequests: 10, windowMs: 6_000 };

export const DEFAULT_HTTP_SETTINGS: HttpSettings = {
  userAgent: 'hashbrief/0.1 (+https://github.com/hashbrief/hashbrief)',
  timeoutMs: 20_000,
  retries: 3,
  budgetMs: 120_000,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  hostLimits: {},
  defaultHostLimit: { concurrency: 4 },
};

/** Where the fetch time of a response comes from when not the clock (replay supplies the recorded time). */
export type ResponseTime = (response: Response) => string | undefined;

/** How many attempts a response took, when not counted here (replay supplies the recorded count). */
export type ResponseAttempts = (response: Response) => number | undefined;

export interface HttpPorts {
  fetch: Fetch;
  sleep: Sleep;
  random: Random;
  clock: Clock;
  reporter: Reporter;
  /** Receives every request's final outcome: its response, or how it failed for good. */
  recorder?: Recorder;
  responseTime?: ResponseTime;
  responseAttempts?: ResponseAttempts;
}

export interface HttpRequest {
  url: string;
  /** For messages: "mempool pools", "Coin Metrics asset metrics page 2". */
  label: string;
  source: RecordedSource;
  /** Recording name, e.g. `pools-1w`. */
  name: string;
  /** Which limit applies; defaults to the URL's host. */
  limitKey?: string;
  accept?: string;
}

/** A successful (2xx) response, body exactly as received. */
export interface HttpResponse {
  url: string;
  status: number;
  headers: Record<string, string>;
  body: string;
  attempts: number;
  fetchedAt: string;
}

export interface HttpClient {
  /** Resolves with a 2xx response or throws UpstreamError. */
  get(request: HttpRequest): Promise<HttpResponse>;
  /** Like get, then JSON.parse; a body that is not JSON throws UpstreamError kind 'invalid-json'. */
  getJson(request: HttpRequest): Promise<HttpResponse & { json: unknown }>;
  /** Milliseconds left of the budget. */
  remainingMs(): number;
}

/** Raised internally when an attempt's timer fires. */
class AttemptTimeout extends Error {
  override name = 'AttemptTimeout';
  constructor(readonly byBudget: boolean) {
    super(byBudget ? 'fetch budget ran out' : 'timed out');
  }
}

/** One attempt's result, before the retry decision. */
type Attempt =
  | { kind: 'response'; response: Response; body: string; fetchedAt: string }
  | { kind: 'error'; error: unknown; timeout: AttemptTimeout | null };
type ResponseAttempt = Extract<Attempt, { kind: 'response' }>;

/** Parses `Retry-After` (delta seconds or HTTP date) into ms from now; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: Date): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now.getTime());
}

/** Full-jitter backoff before retry number `retry` (1-based): uniform in [0, min(max, base·2^(retry−1))). */
export function backoffDelay(retry: number, settings: HttpSettings, random: Random): number {
  const ceiling = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** (retry - 1));
  return Math.floor(random() * ceiling);
}

function seconds(ms: number): string {
  const s = ms / 1000;
  return s >= 10 ? `${Math.round(s)} s` : `${Number(s.toFixed(1))} s`;
}

function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/** Creates a client whose budget starts now (one client per report). */
export function createHttpClient(options: HttpPorts & { settings?: Partial<HttpSettings> }): HttpClient {
  const settings: HttpSettings = { ...DEFAULT_HTTP_SETTINGS, ...options.settings };
  const { fetch, sleep, random, clock, reporter } = options;
  const startedAt = clock().getTime();
  const gates = new Map<string, HostGate>();

  const remainingMs = () => settings.budgetMs - (clock().getTime() - startedAt);

  const gateFor = (key: string): HostGate => {
    let gate = gates.get(key);
    if (!gate) {
      gate = createHostGate(settings.hostLimits[key] ?? settings.defaultHostLimit, clock, sleep);
      gates.set(key, gate);
    }
    return gate;
  };

  const budgetError = (request: HttpRequest, attempts: number, last: string, cause?: unknown) =>
    new UpstreamError(
      `${request.label} gave up after ${tries(attempts)}: the ${seconds(settings.budgetMs)} fetch budget ran out${last ? ` (last: ${last})` : ''}`,
      { kind: 'budget', attempts, cause },
    );

  async function attemptOnce(request: HttpRequest, gate: HostGate, attemptNo: number): Promise<Attempt> {
    const release = await gate.semaphore.acquire();
    try {
      if (gate.window) {
        try {
          await gate.window.take(remainingMs);
        } catch (error) {
          if (error instanceof RateWindowWaitError) throw budgetError(request, attemptNo - 1, 'rate window');
          throw error;
        }
      }
      const left = remainingMs();
      if (left <= 0) throw budgetError(request, attemptNo - 1, '');
      const byBudget = left < settings.timeoutMs;
      const timeout = new AttemptTimeout(byBudget);
      const controller = new AbortController();
      const timer = new AbortController();
      // Racing as well as aborting: a fetch that ignores its signal must still not hang the report.
      const timedOut = sleep(Math.min(settings.timeoutMs, left), timer.signal).then(
        () => {
          controller.abort(timeout);
          return Promise.reject(timeout);
        },
        () => new Promise<never>(() => {}),
      );
      const headers: Record<string, string> = { 'user-agent': settings.userAgent };
      if (request.accept) headers.accept = request.accept;
      try {
        const exchange = (async () => {
          const response = await fetch(request.url, { headers, signal: controller.signal });
          const body = await response.text();
          return { response, body };
        })();
        const { response, body } = await Promise.race([exchange, timedOut]);
        const fetchedAt = options.responseTime?.(response) ?? clock().toISOString();
        return { kind: 'response', response, body, fetchedAt };
      } catch (error) {
        if (error instanceof UpstreamError) throw error;
        const isTimeout = error === timeout || controller.signal.reason === timeout;
        return { kind: 'error', error, timeout: isTimeout ? timeout : null };
      } finally {
        timer.abort();
      }
    } finally {
      release();
    }
  }

  /**
   * Records a request's final outcome once: the last response seen (if any) and, for a failure, the exact
   * error, so that a replay ends the request the same way without retrying or waiting.
   */
  function record(
    request: HttpRequest,
    last: ResponseAttempt | null,
    attempts: number,
    failure?: UpstreamError,
  ) {
    options.recorder?.({
      source: request.source,
      name: request.name,
      url: request.url,
      fetchedAt: last?.fetchedAt ?? null,
      status: last?.response.status ?? 0,
      headers: last ? keptHeaders(last.response.headers) : {},
      body: last?.body ?? '',
      ...(attempts === 1 ? {} : { attempts }),
      ...(failure
        ? {
            failure: {
              kind: failure.kind,
              message: failure.message,
              status: failure.status,
              fetchedAt: failure.fetchedAt,
            },
          }
        : {}),
    });
  }

  async function get(request: HttpRequest): Promise<HttpResponse> {
    const seen: { last: ResponseAttempt | null } = { last: null };
    try {
      const response = await attemptUntilDone(request, seen);
      record(request, seen.last, response.attempts);
      return response;
    } catch (error) {
      if (error instanceof ReplayedFailureError) {
        options.recorder?.(error.recording);
        const { failure } = error.recording;
        throw new UpstreamError(failure.message, {
          kind: failure.kind,
          attempts: error.recording.attempts ?? 1,
          status: failure.status,
          fetchedAt: failure.fetchedAt,
        });
      }
      // A replay miss is the replay's own problem, not an outcome of the upstream: never recorded.
      if (error instanceof UpstreamError && !(error.cause instanceof ReplayMissError)) {
        record(request, seen.last, error.attempts, error);
      }
      throw error;
    }
  }

  async function attemptUntilDone(
    request: HttpRequest,
    seen: { last: ResponseAttempt | null },
  ): Promise<HttpResponse> {
    const gate = gateFor(request.limitKey ?? new URL(request.url).host);
    const maxAttempts = settings.retries + 1;
    for (let attemptNo = 1; ; attemptNo++) {
      const attempt = await attemptOnce(request, gate, attemptNo);
      let kind: UpstreamErrorKind;
      let detail: string;
      let retryAfterMs: number | undefined;
      let status: number | null = null;
      let fetchedAt: string | null = null;
      let cause: unknown;

      if (attempt.kind === 'response') {
        seen.last = attempt;
        const { response, body } = attempt;
        status = response.status;
        fetchedAt = attempt.fetchedAt;
        if (response.ok) {
          const attempts = options.responseAttempts?.(response) ?? attemptNo;
          const headers: Record<string, string> = {};
          response.headers.forEach((value, key) => {
            headers[key] = value;
          });
          return { url: request.url, status, headers, body, attempts, fetchedAt };
        }
        kind = status === 429 ? 'rate-limited' : 'http';
        detail = status === 429 ? 'was rate-limited (HTTP 429)' : `answered HTTP ${status}`;
        if (!isRetryableStatus(status)) {
          throw new UpstreamError(`${request.label} ${detail}`, {
            kind,
            attempts: attemptNo,
            status,
            fetchedAt,
          });
        }
        retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), clock());
      } else {
        cause = attempt.error;
        if (attempt.timeout?.byBudget) throw budgetError(request, attemptNo, 'timed out', cause);
        if (attempt.error instanceof ReplayedFailureError) throw attempt.error;
        if (attempt.error instanceof ReplayMissError) {
          throw new UpstreamError(`${request.label} is not in the recording: ${attempt.error.message}`, {
            kind: 'network',
            attempts: attemptNo,
            cause,
          });
        }
        kind = attempt.timeout ? 'timeout' : 'network';
        detail = attempt.timeout ? 'timed out' : `could not be reached (${describeError(attempt.error)})`;
      }

      if (attemptNo >= maxAttempts) {
        throw new UpstreamError(`${request.label} ${detail} after ${tries(attemptNo)}`, {
          kind,
          attempts: attemptNo,
          status,
          fetchedAt,
          cause,
        });
      }
      const left = remainingMs();
      if (retryAfterMs !== undefined && retryAfterMs > left) {
        throw new UpstreamError(
          `${request.label} ${detail} and asked to retry after ${seconds(retryAfterMs)}, more than the ${seconds(Math.max(0, left))} left of the fetch budget`,
          {
            kind: kind === 'rate-limited' ? 'rate-limited' : 'budget',
            attempts: attemptNo,
            status,
            fetchedAt,
          },
        );
      }
      const delay = retryAfterMs ?? backoffDelay(attemptNo, settings, random);
      if (delay >= left) throw budgetError(request, attemptNo, detail, cause);
      reporter.info(
        `${request.label} ${detail}; retrying in ${seconds(delay)} (try ${attemptNo + 1} of ${maxAttempts})`,
        { source: request.source, name: request.name, attempt: attemptNo, delayMs: delay },
      );
      await sleep(delay);
    }
  }

  async function getJson(request: HttpRequest): Promise<HttpResponse & { json: unknown }> {
    const response = await get(request);
    try {
      return { ...response, json: JSON.parse(response.body) };
    } catch (error) {
      throw new UpstreamError(
        `${request.label} sent a body that is not valid JSON (${describeError(error)})`,
        {
          kind: 'invalid-json',
          attempts: response.attempts,
          status: response.status,
          fetchedAt: response.fetchedAt,
          cause: error,
        },
      );
    }
  }

  return { get, getJson, remainingMs };
}
