/**
 * The retry decision on its own: one attempt's outcome and where the request stands in, succeed / retry /
 * fail (with the error a reader sees) out. No clock, no fetch, no sleeping.
 */
import { describe, expect, it } from 'vitest';
import { ReplayedFailureError, ReplayMissError, UpstreamError } from '../../../src/sources/errors';
import {
  type AttemptContext,
  type AttemptDecision,
  type AttemptOutcome,
  classifyAttempt,
  type ResponseOutcome,
} from '../../../src/sources/http';

const FETCHED_AT = '2025-11-24T08:00:00.000Z';
const BACKOFF_MS = 1_234;

/** The second of four tries, with a minute of a two-minute budget left; backoff draws BACKOFF_MS. */
function context(overrides: Partial<AttemptContext> = {}): AttemptContext {
  return {
    label: 'mempool pools',
    attemptNo: 2,
    maxAttempts: 4,
    budgetMs: 120_000,
    remainingMs: 60_000,
    backoffMs: () => BACKOFF_MS,
    ...overrides,
  };
}

function answered(status: number, retryAfterMs?: number): ResponseOutcome {
  return { kind: 'response', status, fetchedAt: FETCHED_AT, retryAfterMs };
}

const networkError = new TypeError('fetch failed');
const unreachable: AttemptOutcome = { kind: 'error', error: networkError, timeout: null };
const timedOut: AttemptOutcome = { kind: 'error', error: new Error('timed out'), timeout: 'attempt' };
const budgetAbort = new Error('fetch budget ran out');
const cutByBudget: AttemptOutcome = { kind: 'error', error: budgetAbort, timeout: 'budget' };

/** The error of a `fail` decision; fails the test for any other decision. */
function failureOf(decision: AttemptDecision): UpstreamError {
  if (decision.action !== 'fail') throw new Error(`expected a failure, got ${JSON.stringify(decision)}`);
  if (!(decision.error instanceof UpstreamError)) throw new Error(`expected an UpstreamError`);
  return decision.error;
}

describe('classifyAttempt: which answers succeed', () => {
  it.each([200, 204, 299])('hands back the response itself for HTTP %i', (status) => {
    const response = answered(status);

    const decision = classifyAttempt(response, context());

    expect(decision).toEqual({ action: 'succeed', response });
    if (decision.action === 'succeed') expect(decision.response).toBe(response);
  });

  it.each([
    [199, 'mempool pools answered HTTP 199'],
    [300, 'mempool pools answered HTTP 300'],
    [404, 'mempool pools answered HTTP 404'],
    [499, 'mempool pools answered HTTP 499'],
  ])('fails at once on HTTP %i, with tries left, naming the status', (status, message) => {
    const error = failureOf(classifyAttempt(answered(status), context({ attemptNo: 1 })));

    expect(error.message).toBe(message);
    expect(error).toMatchObject({ kind: 'http', attempts: 1, status, fetchedAt: FETCHED_AT });
  });
});

describe('classifyAttempt: what is tried again', () => {
  it.each([
    ['HTTP 429', answered(429), 'was rate-limited (HTTP 429)'],
    ['HTTP 500', answered(500), 'answered HTTP 500'],
    ['HTTP 503', answered(503), 'answered HTTP 503'],
    ['an unreachable host', unreachable, 'could not be reached (fetch failed)'],
    ['a per-attempt timeout', timedOut, 'timed out'],
  ])('retries %s after the full-jitter backoff, giving the reason', (_, outcome, reason) => {
    expect(classifyAttempt(outcome, context())).toEqual({ action: 'retry', delayMs: BACKOFF_MS, reason });
  });

  it('waits what Retry-After asks instead of the backoff, without drawing one', () => {
    let draws = 0;
    const backoffMs = () => {
      draws++;
      return BACKOFF_MS;
    };

    const decision = classifyAttempt(answered(429, 7_000), context({ backoffMs }));

    expect(decision).toEqual({ action: 'retry', delayMs: 7_000, reason: 'was rate-limited (HTTP 429)' });
    expect(draws).toBe(0);
  });

  it('draws the backoff once for a retry without Retry-After', () => {
    let draws = 0;
    const backoffMs = () => {
      draws++;
      return BACKOFF_MS;
    };

    classifyAttempt(answered(503), context({ backoffMs }));

    expect(draws).toBe(1);
  });

  it('honours a Retry-After of zero as no wait', () => {
    expect(classifyAttempt(answered(503, 0), context())).toMatchObject({ action: 'retry', delayMs: 0 });
  });
});

describe('classifyAttempt: giving up after the last try', () => {
  it.each([
    ['HTTP 503', answered(503), 'http', 'mempool pools answered HTTP 503 after 4 tries', 503, FETCHED_AT],
    [
      'HTTP 429',
      answered(429),
      'rate-limited',
      'mempool pools was rate-limited (HTTP 429) after 4 tries',
      429,
      FETCHED_AT,
    ],
    [
      'an unreachable host',
      unreachable,
      'network',
      'mempool pools could not be reached (fetch failed) after 4 tries',
      null,
      null,
    ],
    ['a per-attempt timeout', timedOut, 'timeout', 'mempool pools timed out after 4 tries', null, null],
  ])('fails on %s as kind %s, naming the tries', (_, outcome, kind, message, status, fetchedAt) => {
    const error = failureOf(classifyAttempt(outcome, context({ attemptNo: 4 })));

    expect(error.message).toBe(message);
    expect(error).toMatchObject({ kind, attempts: 4, status, fetchedAt });
  });

  it('keeps what went wrong as the cause of the last failure', () => {
    const error = failureOf(classifyAttempt(unreachable, context({ attemptNo: 4 })));

    expect(error.cause).toBe(networkError);
  });

  it('still retries on the try before the last', () => {
    expect(classifyAttempt(answered(503), context({ attemptNo: 3 }))).toMatchObject({ action: 'retry' });
  });

  it('fails after a single try when no retries are allowed', () => {
    const error = failureOf(classifyAttempt(answered(503), context({ attemptNo: 1, maxAttempts: 1 })));

    expect(error.message).toBe('mempool pools answered HTTP 503 after 1 try');
  });
});

describe('classifyAttempt: the fetch budget', () => {
  it.each([
    [429, 'rate-limited'],
    [503, 'budget'],
  ])(
    'fails at once when HTTP %i asks to retry after more than the budget left, as kind %s',
    (status, kind) => {
      const error = failureOf(classifyAttempt(answered(status, 600_000), context({ remainingMs: 60_000 })));

      expect(error).toMatchObject({ kind, attempts: 2, status, fetchedAt: FETCHED_AT });
      expect(error.message).toMatch(
        /^mempool pools .* and asked to retry after 600 s, more than the 60 s left of the fetch budget$/,
      );
    },
  );

  it('states a budget already spent as "0 s" left, never a negative time', () => {
    const error = failureOf(classifyAttempt(answered(429, 1_000), context({ remainingMs: -2_500 })));

    expect(error.message).toContain('more than the 0 s left of the fetch budget');
  });

  it.each([
    ['a Retry-After', answered(503, 60_000), 'answered HTTP 503'],
    ['a backoff', answered(503), 'answered HTTP 503'],
  ])('gives up as kind "budget" when %s wait would use up all the budget left', (_, outcome, last) => {
    const remainingMs = outcome.retryAfterMs ?? BACKOFF_MS;

    const error = failureOf(classifyAttempt(outcome, context({ remainingMs })));

    expect(error.kind).toBe('budget');
    expect(error.attempts).toBe(2);
    expect(error.message).toBe(
      `mempool pools gave up after 2 tries: the 120 s fetch budget ran out (last: ${last})`,
    );
  });

  it('retries when the wait ends just before the budget does', () => {
    const decision = classifyAttempt(answered(503), context({ remainingMs: BACKOFF_MS + 1 }));

    expect(decision).toEqual({ action: 'retry', delayMs: BACKOFF_MS, reason: 'answered HTTP 503' });
  });

  it('keeps an unreachable host as the cause when the budget ends the retries', () => {
    const error = failureOf(classifyAttempt(unreachable, context({ remainingMs: BACKOFF_MS })));

    expect(error.cause).toBe(networkError);
  });

  it('fails an attempt the budget cut short as kind "budget", with tries left, and keeps the cause', () => {
    const error = failureOf(classifyAttempt(cutByBudget, context({ budgetMs: 9_500 })));

    expect(error.message).toBe(
      'mempool pools gave up after 2 tries: the 9.5 s fetch budget ran out (last: timed out)',
    );
    expect(error).toMatchObject({ kind: 'budget', attempts: 2, status: null, fetchedAt: null });
    expect(error.cause).toBe(budgetAbort);
  });
});

describe('classifyAttempt: replay', () => {
  it('passes a replayed failure through untouched, never retrying it', () => {
    const replayed = new ReplayedFailureError({
      source: 'mempool',
      name: 'pools-1w',
      url: 'https://mempool.example/api/v1/mining/pools/1w',
      fetchedAt: null,
      status: 0,
      headers: {},
      body: '',
      failure: {
        kind: 'timeout',
        message: 'mempool pools timed out after 4 tries',
        status: null,
        fetchedAt: null,
      },
    });

    const decision = classifyAttempt({ kind: 'error', error: replayed, timeout: null }, context());

    expect(decision).toEqual({ action: 'fail', error: replayed });
  });

  it('fails a request missing from the recording as kind "network", naming it, without retrying', () => {
    const miss = new ReplayMissError('no pools-1w in the recording');

    const error = failureOf(classifyAttempt({ kind: 'error', error: miss, timeout: null }, context()));

    expect(error.message).toBe('mempool pools is not in the recording: no pools-1w in the recording');
    expect(error).toMatchObject({ kind: 'network', attempts: 2 });
    expect(error.cause).toBe(miss);
  });
});
