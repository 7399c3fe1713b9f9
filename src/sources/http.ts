/**
 * The one way sources talk HTTP: per-attempt timeout, retries with exponential backoff and full jitter,
 * `Retry-After`, a total time budget for the whole report, per-host concurrency and rate windows, and a
 * descriptive User-Agent. Every side effect (fetch, clock, sleep, randomness, progress) is a port.
 */
import type { FetchPorts, Random } from '../ports';
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

export interface HttpPorts extends FetchPorts {
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

/** An attempt that got an answer (any status), as the retry decision sees it. */
export interface ResponseOutcome {
  kind: 'response';
  status: number;
  fetchedAt: string;
  /** The response's `Retry-After`, in ms from when it arrived; undefined when absent or unreadable. */
  retryAfterMs: number | undefined;
}

/**
 * An attempt that got no answer. `timeout` says which timer ended it: the per-attempt timeout, the fetch
 * budget (the attempt was cut short because the budget had less time left than a whole attempt), or none.
 */
export interface ErrorOutcome {
  kind: 'error';
  error: unknown;
  timeout: 'attempt' | 'budget' | null;
}

/** What one attempt came to. */
export type AttemptOutcome = ResponseOutcome | ErrorOutcome;

/** Where the request stands when an attempt has ended. */
export interface AttemptContext {
  /** The request's label, for messages. */
  label: string;
  /** 1-based number of the attempt that just ended. */
  attemptNo: number;
  maxAttempts: number;
  /** The whole fetch budget, for messages. */
  budgetMs: number;
  /** What is left of the budget now. */
  remainingMs: number;
  /**
   * The full-jitter wait before the next try, drawn only for a retry the upstream gave no `Retry-After`
   * for (so the random source is asked exactly as often as there are such retries).
   */
  backoffMs: () => number;
}

/**
 * What to do after an attempt: hand back its response, wait `delayMs` and try again (`reason` says what
 * went wrong, for progress), or stop with `error` (an UpstreamError, or a replayed failure that get()
 * turns back into the original one).
 */
export type AttemptDecision<R extends ResponseOutcome = ResponseOutcome> =
  | { action: 'succeed'; response: R }
  | { action: 'retry'; delayMs: number; reason: string }
  | GiveUp;

/** The request has failed for good. */
type GiveUp = { action: 'fail'; error: UpstreamError | ReplayedFailureError };

/** A failed attempt that another try may mend, and how to describe it. */
interface RetryableFailure {
  kind: UpstreamErrorKind;
  /** "answered HTTP 503", "timed out": completes "<label> …". */
  detail: string;
  status: number | null;
  fetchedAt: string | null;
  cause: unknown;
  retryAfterMs: number | undefined;
}

/** One attempt's result: the outcome the decision reads, plus the response itself. */
type Attempt = (ResponseOutcome & { response: Response; body: string }) | ErrorOutcome;
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

/** The headers every request sends: the User-Agent, and `accept` when the request asks for a media type. */
function requestHeaders(userAgent: string, accept: string | undefined): Record<string, string> {
  return accept ? { 'user-agent': userAgent, accept } : { 'user-agent': userAgent };
}

function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

function budgetError(
  label: string,
  budgetMs: number,
  attempts: number,
  last: string,
  cause?: unknown,
): UpstreamError {
  return new UpstreamError(
    `${label} gave up after ${tries(attempts)}: the ${seconds(budgetMs)} fetch budget ran out${last ? ` (last: ${last})` : ''}`,
    { kind: 'budget', attempts, cause },
  );
}

/**
 * Decides, from one attempt's outcome alone, whether the request succeeded, is tried again (and after
 * how long), or has failed for good (and with which error). Pure: the clock, randomness and sleeping stay
 * with the caller.
 *
 * - 2xx succeeds. 429 and 5xx are retried; any other status fails at once.
 * - A network error or a per-attempt timeout is retried; an attempt the budget cut short fails as
 *   `budget`. Replay's answers are never retried: a replayed failure passes through, a request missing
 *   from the recording fails as `network`.
 * - A retry needs an attempt left, a `Retry-After` within the budget left (else it fails as
 *   `rate-limited` for a 429, `budget` otherwise), and a wait shorter than the budget left.
 */
export function classifyAttempt<R extends ResponseOutcome>(
  outcome: R | ErrorOutcome,
  context: AttemptContext,
): AttemptDecision<R> {
  const failure =
    outcome.kind === 'error' ? errorFailure(outcome, context) : responseFailure(outcome, context);
  if ('action' in failure) return failure;
  return retryOrGiveUp(failure, context);
}

function responseFailure<R extends ResponseOutcome>(
  outcome: R,
  { label, attemptNo }: AttemptContext,
): RetryableFailure | AttemptDecision<R> {
  const { status, fetchedAt } = outcome;
  if (status >= 200 && status <= 299) return { action: 'succeed', response: outcome };
  const rateLimited = status === 429;
  const kind = rateLimited ? 'rate-limited' : 'http';
  const detail = rateLimited ? 'was rate-limited (HTTP 429)' : `answered HTTP ${status}`;
  if (!isRetryableStatus(status)) {
    const error = new UpstreamError(`${label} ${detail}`, { kind, attempts: attemptNo, status, fetchedAt });
    return { action: 'fail', error };
  }
  return { kind, detail, status, fetchedAt, cause: undefined, retryAfterMs: outcome.retryAfterMs };
}

function errorFailure(
  { error, timeout }: ErrorOutcome,
  { label, attemptNo, budgetMs }: AttemptContext,
): RetryableFailure | GiveUp {
  if (timeout === 'budget') {
    return { action: 'fail', error: budgetError(label, budgetMs, attemptNo, 'timed out', error) };
  }
  if (error instanceof ReplayedFailureError) return { action: 'fail', error };
  if (error instanceof ReplayMissError) {
    const message = `${label} is not in the recording: ${error.message}`;
    return {
      action: 'fail',
      error: new UpstreamError(message, { kind: 'network', attempts: attemptNo, cause: error }),
    };
  }
  const detail = timeout ? 'timed out' : `could not be reached (${describeError(error)})`;
  const kind = timeout ? 'timeout' : 'network';
  return { kind, detail, status: null, fetchedAt: null, cause: error, retryAfterMs: undefined };
}

/** Retries after the backoff or the upstream's `Retry-After`, if tries and budget allow. */
function retryOrGiveUp<R extends ResponseOutcome>(
  failure: RetryableFailure,
  context: AttemptContext,
): AttemptDecision<R> {
  const { kind, detail, status, fetchedAt, cause, retryAfterMs } = failure;
  const { label, attemptNo, maxAttempts, remainingMs: left, backoffMs } = context;
  if (attemptNo >= maxAttempts) {
    const message = `${label} ${detail} after ${tries(attemptNo)}`;
    return {
      action: 'fail',
      error: new UpstreamError(message, { kind, attempts: attemptNo, status, fetchedAt, cause }),
    };
  }
  if (retryAfterMs === undefined) return waitWithinBudget(backoffMs(), failure, context);
  if (retryAfterMs > left) {
    const message = `${label} ${detail} and asked to retry after ${seconds(retryAfterMs)}, more than the ${seconds(Math.max(0, left))} left of the fetch budget`;
    return {
      action: 'fail',
      error: new UpstreamError(message, {
        kind: kind === 'rate-limited' ? 'rate-limited' : 'budget',
        attempts: attemptNo,
        status,
        fetchedAt,
      }),
    };
  }
  return waitWithinBudget(retryAfterMs, failure, context);
}

/** Retries after `delayMs`, unless that wait would use up all the budget left. */
function waitWithinBudget<R extends ResponseOutcome>(
  delayMs: number,
  { detail, cause }: RetryableFailure,
  { label, attemptNo, budgetMs, remainingMs }: AttemptContext,
): AttemptDecision<R> {
  if (delayMs >= remainingMs) {
    return { action: 'fail', error: budgetError(label, budgetMs, attemptNo, detail, cause) };
  }
  return { action: 'retry', delayMs, reason: detail };
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

  /** One attempt: a turn at the host (its concurrency and rate window), then one timed exchange. */
  async function attemptOnce(request: HttpRequest, gate: HostGate, attemptNo: number): Promise<Attempt> {
    const release = await gate.semaphore.acquire();
    try {
      const left = await budgetForAttempt(request, gate, attemptNo);
      return await exchange(request, left);
    } finally {
      release();
    }
  }

  /**
   * Waits for the host's rate window, then returns what is left of the budget; throws a `budget`
   * UpstreamError (counting only the attempts already made) when nothing is.
   */
  async function budgetForAttempt(request: HttpRequest, gate: HostGate, attemptNo: number): Promise<number> {
    if (gate.window) {
      try {
        await gate.window.take(remainingMs);
      } catch (error) {
        if (error instanceof RateWindowWaitError)
          throw budgetError(request.label, settings.budgetMs, attemptNo - 1, 'rate window');
        throw error;
      }
    }
    const left = remainingMs();
    if (left <= 0) throw budgetError(request.label, settings.budgetMs, attemptNo - 1, '');
    return left;
  }

  /** One fetch and its body, ended by the per-attempt timeout or by the budget `left`, whichever is sooner. */
  async function exchange(request: HttpRequest, left: number): Promise<Attempt> {
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
    const headers = requestHeaders(settings.userAgent, request.accept);
    try {
      const answered = (async () => {
        const response = await fetch(request.url, { headers, signal: controller.signal });
        const body = await response.text();
        return { response, body };
      })();
      const { response, body } = await Promise.race([answered, timedOut]);
      const fetchedAt = options.responseTime?.(response) ?? clock().toISOString();
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), clock());
      return { kind: 'response', status: response.status, fetchedAt, retryAfterMs, response, body };
    } catch (error) {
      // Whichever settled first (the timer, or a fetch that rejects on its own when aborted), the signal
      // says whether the timer ended the attempt.
      const isTimeout = controller.signal.reason === timeout;
      return { kind: 'error', error, timeout: isTimeout ? (byBudget ? 'budget' : 'attempt') : null };
    } finally {
      timer.abort();
    }
  }

  /**
   * Records a request's final outcome once: the last response seen (if any) and, for a failure, the exact
   * error, so that a replay ends the request the same way without retrying or waiting.
   */
  function record(
    request: HttpRequest,
    last: ResponseAttempt | undefined,
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
    const seen: { last?: ResponseAttempt } = {};
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
    seen: { last?: ResponseAttempt },
  ): Promise<HttpResponse> {
    const gate = gateFor(request.limitKey ?? new URL(request.url).host);
    const maxAttempts = settings.retries + 1;
    for (let attemptNo = 1; ; attemptNo++) {
      const attempt = await attemptOnce(request, gate, attemptNo);
      if (attempt.kind === 'response') seen.last = attempt;
      const decision = classifyAttempt(attempt, {
        label: request.label,
        attemptNo,
        maxAttempts,
        budgetMs: settings.budgetMs,
        remainingMs: remainingMs(),
        backoffMs: () => backoffDelay(attemptNo, settings, random),
      });
      if (decision.action === 'succeed') return httpResponseOf(request, decision.response, attemptNo);
      if (decision.action === 'fail') throw decision.error;
      reporter.info(
        `${request.label} ${decision.reason}; retrying in ${seconds(decision.delayMs)} (try ${attemptNo + 1} of ${maxAttempts})`,
        { source: request.source, name: request.name, attempt: attemptNo, delayMs: decision.delayMs },
      );
      await sleep(decision.delayMs);
    }
  }

  function httpResponseOf(request: HttpRequest, attempt: ResponseAttempt, attemptNo: number): HttpResponse {
    const { response, status, body, fetchedAt } = attempt;
    const attempts = options.responseAttempts?.(response) ?? attemptNo;
    const headers: Record<string, string> = {};
    response.headers.forEach((value, key) => {
      headers[key] = value;
    });
    return { url: request.url, status, headers, body, attempts, fetchedAt };
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
