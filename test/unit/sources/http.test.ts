import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Fetch } from '../../../src/ports';
import { ReplayedFailureError, ReplayMissError, UpstreamError } from '../../../src/sources/errors';
import {
  backoffDelay,
  DEFAULT_HTTP_SETTINGS,
  type HttpSettings,
  parseRetryAfter,
} from '../../../src/sources/http';
import type { RecordedFailure, RecordedResponse } from '../../../src/sources/recording';
import { clientOnFakeTime, createFakeTime, type Handler, hang, json, stubFetch } from './helpers';

const URL_POOLS = 'https://mempool.example/api/v1/mining/pools/1w';
const request = { url: URL_POOLS, label: 'mempool pools', source: 'mempool' as const, name: 'pools-1w' };

function setup(handler: Handler, settings: Partial<HttpSettings> = {}, random = () => 0.5) {
  const time = createFakeTime();
  const { fetch, calls } = stubFetch({ '/pools/1w': handler });
  const recordings: RecordedResponse[] = [];
  const client = clientOnFakeTime(time, fetch, { random, recorder: (r) => recordings.push(r), settings });
  return { client, time, calls, recordings };
}

function sequence(...responses: (() => Response | Promise<Response>)[]): Handler {
  let i = 0;
  return (url, init) => {
    const next = responses[Math.min(i++, responses.length - 1)];
    if (!next) throw new Error('no response');
    return next === hangMarker ? hang(url, init) : next();
  };
}
const hangMarker = () => new Response('');

async function failure(promise: Promise<unknown>): Promise<UpstreamError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof UpstreamError)) throw new Error(`expected UpstreamError, got ${String(error)}`);
  return error;
}

describe('createHttpClient', () => {
  it('returns the body exactly as received with status, attempts and fetch time, and sends the User-Agent', async () => {
    // Prepare
    const body = '{"a": 1.50,  "b":"x"}\n';
    const { client, time, calls } = setup(() => new Response(body, { status: 200 }));
    // Act
    const response = await time.run(client.get(request));
    // Assess
    expect(response.body).toBe(body);
    expect(response.status).toBe(200);
    expect(response.attempts).toBe(1);
    expect(response.fetchedAt).toBe('2025-11-24T08:00:00.000Z');
    expect(calls[0]?.headers['user-agent']).toMatch(/^hashbrief\/\S+ \(\+https?:\/\//);
  });

  it('retries 5xx with full-jitter backoff and succeeds', async () => {
    const { client, time, recordings } = setup(
      sequence(
        () => new Response('busy', { status: 503 }),
        () => new Response('busy', { status: 502 }),
        () => json({ ok: true }),
      ),
      { baseDelayMs: 1000, maxDelayMs: 8000 },
      () => 0.999,
    );
    const response = await time.run(client.get(request));
    expect(response.attempts).toBe(3);
    expect(time.waits).toEqual([999, 1998]);
    expect(recordings).toHaveLength(1);
    expect(recordings[0]?.status).toBe(200);
  });

  it('gives up on persistent 5xx with a readable message naming the tries', async () => {
    const { client, time, recordings } = setup(() => new Response('down', { status: 503 }), { retries: 3 });
    const error = await failure(time.run(client.get(request)));
    expect(error.kind).toBe('http');
    expect(error.attempts).toBe(4);
    expect(error.message).toBe('mempool pools answered HTTP 503 after 4 tries');
    expect(recordings.map((r) => r.status)).toEqual([503]);
  });

  it('does not retry a 404', async () => {
    const { client, time, calls } = setup(() => new Response('nope', { status: 404 }));
    const error = await failure(time.run(client.get(request)));
    expect(error).toMatchObject({ kind: 'http', attempts: 1, status: 404 });
    expect(calls).toHaveLength(1);
  });

  it('retries network errors', async () => {
    const { client, time } = setup(
      sequence(
        () => Promise.reject(new TypeError('fetch failed')),
        () => json([]),
      ),
    );
    expect((await time.run(client.get(request))).attempts).toBe(2);
  });

  it('times out each attempt and reports "timed out after N tries"', async () => {
    const { client, time, calls } = setup(hang, { retries: 2, timeoutMs: 5000 });
    const error = await failure(time.run(client.get(request)));
    expect(error.kind).toBe('timeout');
    expect(error.message).toBe('mempool pools timed out after 3 tries');
    expect(calls).toHaveLength(3);
  });

  it('recovers when only the first attempt times out', async () => {
    const { client, time } = setup(
      sequence(hangMarker, () => json({ ok: 1 })),
      { timeoutMs: 1000 },
    );
    expect((await time.run(client.get(request))).attempts).toBe(2);
  });

  it('honours Retry-After in seconds on 429', async () => {
    const { client, time } = setup(
      sequence(
        () => new Response('slow down', { status: 429, headers: { 'retry-after': '7' } }),
        () => json({}),
      ),
    );
    await time.run(client.get(request));
    expect(time.waits).toEqual([7000]);
  });

  it('honours Retry-After as an HTTP date', async () => {
    const at = new Date(Date.parse('2025-11-24T08:00:05.000Z')).toUTCString();
    const { client, time } = setup(
      sequence(
        () => new Response('', { status: 503, headers: { 'retry-after': at } }),
        () => json({}),
      ),
    );
    await time.run(client.get(request));
    expect(time.waits).toEqual([5000]);
  });

  it('fails at once when Retry-After exceeds the remaining budget', async () => {
    const { client, time, calls } = setup(
      () => new Response('', { status: 429, headers: { 'retry-after': '600' } }),
      { budgetMs: 60_000 },
    );
    const error = await failure(time.run(client.get(request)));
    expect(error.kind).toBe('rate-limited');
    expect(error.attempts).toBe(1);
    expect(error.message).toContain(
      'asked to retry after 600 s, more than the 60 s left of the fetch budget',
    );
    expect(calls).toHaveLength(1);
    expect(time.waits).toEqual([]);
  });

  it('stops with kind "budget" when the total budget runs out between retries', async () => {
    // Each attempt takes 4 s of (virtual) latency before answering 503.
    const slow503: Handler = async () => {
      await time.sleep(4000);
      return new Response('', { status: 503 });
    };
    const time = createFakeTime();
    const { fetch } = stubFetch({ '/pools/1w': slow503 });
    const client = clientOnFakeTime(time, fetch, {
      settings: { budgetMs: 10_000, retries: 10, baseDelayMs: 1000 },
    });
    const error = await failure(time.run(client.get(request)));
    expect(error.kind).toBe('budget');
    expect(error.message).toMatch(/^mempool pools gave up after \d tries: the 10 s fetch budget ran out/);
    expect(time.now() - Date.parse('2025-11-24T08:00:00.000Z')).toBeLessThanOrEqual(10_000);
  });

  it('keeps at most `concurrency` requests in flight per host', async () => {
    const time = createFakeTime();
    let inFlight = 0;
    let peak = 0;
    const { fetch } = stubFetch({
      '/x': async () => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await time.sleep(1000);
        inFlight--;
        return json({});
      },
    });
    const client = clientOnFakeTime(time, fetch, {
      random: () => 0,
      settings: { hostLimits: { 'h.example': { concurrency: 2 } } },
    });
    const all = Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        client.get({ url: `https://h.example/x?i=${i}`, label: 'x', source: 'mempool', name: `x${i}` }),
      ),
    );
    await time.run(all);
    expect(peak).toBe(2);
  });

  it('never starts more than 10 requests in any 6 s window (Coin Metrics community limit)', async () => {
    const time = createFakeTime();
    const starts: number[] = [];
    const { fetch } = stubFetch({
      '/asset-metrics': () => {
        starts.push(time.now());
        return json({ data: [] });
      },
    });
    const client = clientOnFakeTime(time, fetch, {
      random: () => 0,
      settings: { hostLimits: { coinmetrics: { concurrency: 4, maxRequests: 10, windowMs: 6000 } } },
    });
    const all = Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        client.get({
          url: `https://cm.example/v4/timeseries/asset-metrics?p=${i}`,
          label: 'cm',
          source: 'coinmetrics',
          name: `p${i}`,
          limitKey: 'coinmetrics',
        }),
      ),
    );
    await time.run(all);
    expect(starts).toHaveLength(25);
    for (const start of starts) {
      expect(starts.filter((s) => s >= start && s < start + 6000).length).toBeLessThanOrEqual(10);
    }
    // Paced, not serialised to a crawl: 25 requests fit in three windows.
    expect((starts.at(-1) ?? 0) - (starts[0] ?? 0)).toBeLessThanOrEqual(12_000);
  });

  it('getJson turns a non-JSON body into kind "invalid-json"', async () => {
    const { client, time } = setup(() => new Response('{"pools": [', { status: 200 }));
    const error = await failure(time.run(client.getJson(request)));
    expect(error.kind).toBe('invalid-json');
    expect(error.fetchedAt).toBe('2025-11-24T08:00:00.000Z');
    expect(error.message).toMatch(/^mempool pools sent a body that is not valid JSON/);
  });

  it('records only content-type and retry-after headers', async () => {
    const { client, time, recordings } = setup(
      () =>
        new Response('{}', {
          headers: { 'content-type': 'application/json', 'set-cookie': 'a=b', etag: 'x' },
        }),
    );
    await time.run(client.get(request));
    expect(recordings[0]).toEqual({
      source: 'mempool',
      name: 'pools-1w',
      url: URL_POOLS,
      fetchedAt: '2025-11-24T08:00:00.000Z',
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
  });
});

describe('backoffDelay', () => {
  it('stays within [0, min(max, base·2^(n−1))) for any random draw', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (n, r) => {
          const delay = backoffDelay(n, DEFAULT_HTTP_SETTINGS, () => r);
          const ceiling = Math.min(
            DEFAULT_HTTP_SETTINGS.maxDelayMs,
            DEFAULT_HTTP_SETTINGS.baseDelayMs * 2 ** (n - 1),
          );
          return delay >= 0 && delay < ceiling;
        },
      ),
    );
  });
});

describe('parseRetryAfter', () => {
  const now = new Date('2025-11-24T08:00:00.000Z');
  it('reads delta seconds', () => expect(parseRetryAfter('12', now)).toBe(12_000));
  it('reads an HTTP date relative to now', () =>
    expect(parseRetryAfter('Mon, 24 Nov 2025 08:01:00 GMT', now)).toBe(60_000));
  it('treats a past date as no wait', () =>
    expect(parseRetryAfter('Mon, 24 Nov 2025 07:00:00 GMT', now)).toBe(0));
  it('ignores absent or unreadable values', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});

describe('createHttpClient: what it says and sends', () => {
  it.each([
    [429, 'mempool pools was rate-limited (HTTP 429) after 2 tries', 'rate-limited'],
    [502, 'mempool pools answered HTTP 502 after 2 tries', 'http'],
  ])('names HTTP %i in its message after the retries', async (status, message, kind) => {
    const { client, time } = setup(() => new Response('', { status }), { retries: 1, baseDelayMs: 10 });

    const error = await failure(time.run(client.get(request)));

    expect(error.message).toBe(message);
    expect(error.kind).toBe(kind);
  });

  it('names an unreachable host with the cause, as kind "network"', async () => {
    const { client, time } = setup(() => Promise.reject(new TypeError('fetch failed')), { retries: 1 });

    const error = await failure(time.run(client.get(request)));

    expect(error.kind).toBe('network');
    expect(error.message).toBe('mempool pools could not be reached (fetch failed) after 2 tries');
  });

  it('asks for the media type the request wants, and only then', async () => {
    const { client, time, calls } = setup(() => json({}));

    await time.run(client.get({ ...request, accept: 'text/csv' }));
    await time.run(client.get(request));

    expect(calls[0]?.headers.accept).toBe('text/csv');
    expect(calls[1]?.headers).not.toHaveProperty('accept');
  });

  it.each([
    [9_500, '9.5 s'],
    [10_000, '10 s'],
    [12_600, '13 s'],
  ])('states a %i ms fetch budget as "%s"', async (budgetMs, stated) => {
    const time = createFakeTime();
    const { fetch } = stubFetch({
      '/pools/1w': async () => {
        await time.sleep(budgetMs);
        return new Response('', { status: 503 });
      },
    });
    const client = clientOnFakeTime(time, fetch, { settings: { budgetMs, timeoutMs: 60_000, retries: 3 } });

    const error = await failure(time.run(client.get(request)));

    expect(error.message).toContain(`the ${stated} fetch budget ran out`);
  });
});

describe('parseRetryAfter, exactly', () => {
  const now = new Date('2025-11-24T08:00:00.000Z');

  it('reads delta seconds with whitespace around them', () => {
    expect(parseRetryAfter(' 12 ', now)).toBe(12_000);
    expect(parseRetryAfter('0', now)).toBe(0);
  });

  it.each(['12s', 's12'])('does not read %j, with text before or after the digits, as a delay', (value) => {
    expect(parseRetryAfter(value, now)).toBeUndefined();
  });
});

describe('createHttpClient: the budget, the rate window and the attempt timer', () => {
  it('fails a request made after the fetch budget is spent at once, without sending it', async () => {
    const { client, time, calls } = setup(() => json({}), { budgetMs: 60_000 });
    time.advance(60_000);

    const error = await failure(time.run(client.get(request)));

    expect(error.message).toBe('mempool pools gave up after 0 tries: the 60 s fetch budget ran out');
    expect(error).toMatchObject({ kind: 'budget', attempts: 0 });
    expect(calls).toHaveLength(0);
  });

  it('fails as kind "budget", without sending, when the rate window would open only after the budget ends', async () => {
    const { client, time, calls } = setup(() => json({}), {
      budgetMs: 10_000,
      hostLimits: { 'mempool.example': { concurrency: 1, maxRequests: 1, windowMs: 60_000 } },
    });
    await time.run(client.get(request));

    const error = await failure(time.run(client.get(request)));

    expect(error.message).toBe(
      'mempool pools gave up after 0 tries: the 10 s fetch budget ran out (last: rate window)',
    );
    expect(error).toMatchObject({ kind: 'budget', attempts: 0 });
    expect(calls).toHaveLength(1);
  });

  it('passes on an error from waiting for the rate window as it is, not as the budget running out, and records nothing for it', async () => {
    const time = createFakeTime();
    const interrupted = new Error('sleep interrupted');
    const { fetch } = stubFetch({ '/pools/1w': () => json({}) });
    const recordings: RecordedResponse[] = [];
    const client = clientOnFakeTime(time, fetch, {
      // Timers with a signal are attempt timeouts; the plain wait is the rate window's.
      sleep: (ms, signal) => (signal ? time.sleep(ms, signal) : Promise.reject(interrupted)),
      recorder: (r) => recordings.push(r),
      settings: { hostLimits: { 'mempool.example': { concurrency: 1, maxRequests: 1, windowMs: 1_000 } } },
    });
    await time.run(client.get(request));

    const error = await time.run(client.get(request)).then(
      () => null,
      (e: unknown) => e,
    );

    expect(error).toBe(interrupted);
    expect(recordings).toHaveLength(1);
  });

  it('ends an attempt the budget cuts short as kind "budget", naming the budget as the cause', async () => {
    const { client, time } = setup(hang, { budgetMs: 5_000, timeoutMs: 20_000, retries: 0 });

    const error = await failure(time.run(client.get(request)));

    expect(error.message).toBe(
      'mempool pools gave up after 1 try: the 5 s fetch budget ran out (last: timed out)',
    );
    expect(error.kind).toBe('budget');
    expect(error.cause).toMatchObject({ name: 'AttemptTimeout', message: 'fetch budget ran out' });
  });

  it('times an attempt out as usual when exactly one whole timeout of budget is left', async () => {
    const { client, time } = setup(hang, { budgetMs: 5_000, timeoutMs: 5_000, retries: 0 });

    const error = await failure(time.run(client.get(request)));

    expect(error.message).toBe('mempool pools timed out after 1 try');
    expect(error.kind).toBe('timeout');
    expect(error.cause).toMatchObject({ name: 'AttemptTimeout', message: 'timed out' });
  });

  it('counts a fetch that rejects with its own abort error when timed out as a timeout, not as unreachable', async () => {
    const time = createFakeTime();
    const fetch: Fetch = (_url, init) =>
      new Promise((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      });
    const client = clientOnFakeTime(time, fetch, { settings: { timeoutMs: 1_000, retries: 0 } });

    const error = await failure(time.run(client.get(request)));

    expect(error.message).toBe('mempool pools timed out after 1 try');
    expect(error.kind).toBe('timeout');
  });

  it.each([
    ['answered', () => json({})],
    ['refused', () => new Response('nope', { status: 404 })],
  ])('cancels the attempt timer as soon as a request is %s, so no timer outlives it', async (_, handler) => {
    const time = createFakeTime();
    const timers: AbortSignal[] = [];
    const { fetch } = stubFetch({ '/pools/1w': handler });
    const client = clientOnFakeTime(time, fetch, {
      sleep: (ms, signal) => {
        if (signal) timers.push(signal);
        return time.sleep(ms, signal);
      },
    });

    await time.run(client.get(request)).catch(() => undefined);

    expect(timers).toHaveLength(1);
    expect(timers[0]?.aborted).toBe(true);
  });
});

describe('createHttpClient: what it hands back, records and reports', () => {
  it('hands back every response header', async () => {
    const { client, time } = setup(() => json({}, 200, { etag: '"v1"', 'x-request-id': 'abc' }));

    const response = await time.run(client.get(request));

    expect(response.headers).toEqual({
      'content-type': 'application/json',
      etag: '"v1"',
      'x-request-id': 'abc',
    });
  });

  it('records a request that never got an answer with its failure, no status, no headers and an empty body', async () => {
    const { client, time, recordings } = setup(() => Promise.reject(new TypeError('fetch failed')), {
      retries: 1,
    });

    await failure(time.run(client.get(request)));

    expect(recordings).toEqual([
      {
        source: 'mempool',
        name: 'pools-1w',
        url: URL_POOLS,
        fetchedAt: null,
        status: 0,
        headers: {},
        body: '',
        attempts: 2,
        failure: {
          kind: 'network',
          message: 'mempool pools could not be reached (fetch failed) after 2 tries',
          status: null,
          fetchedAt: null,
        },
      },
    ]);
  });

  it('reports each retry with the request, the try that failed and the wait', async () => {
    const time = createFakeTime();
    const progress: { message: string; fields?: Record<string, unknown> }[] = [];
    const { fetch } = stubFetch({
      '/pools/1w': sequence(
        () => new Response('', { status: 503 }),
        () => json({}),
      ),
    });
    const client = clientOnFakeTime(time, fetch, {
      reporter: { info: (message, fields) => progress.push({ message, fields }), warn: () => {} },
      settings: { baseDelayMs: 1_000 },
    });

    await time.run(client.get(request));

    expect(progress).toEqual([
      {
        message: 'mempool pools answered HTTP 503; retrying in 0.5 s (try 2 of 4)',
        fields: { source: 'mempool', name: 'pools-1w', attempt: 1, delayMs: 500 },
      },
    ]);
  });
});

describe('createHttpClient: replay', () => {
  const recorded: RecordedResponse & { failure: RecordedFailure } = {
    source: 'mempool',
    name: 'pools-1w',
    url: URL_POOLS,
    fetchedAt: '2025-11-24T07:59:30.000Z',
    status: 503,
    headers: {},
    body: 'down',
    attempts: 4,
    failure: {
      kind: 'http',
      message: 'mempool pools answered HTTP 503 after 4 tries',
      status: 503,
      fetchedAt: '2025-11-24T07:59:30.000Z',
    },
  };

  function replayClient(fetch: Fetch, recordings?: RecordedResponse[]) {
    const time = createFakeTime();
    let calls = 0;
    const counted: Fetch = (url, init) => {
      calls++;
      return fetch(url, init);
    };
    const client = clientOnFakeTime(
      time,
      counted,
      recordings ? { recorder: (r: RecordedResponse) => recordings.push(r) } : {},
    );
    return { client, time, calls: () => calls };
  }

  it.each([
    ['with', [] as RecordedResponse[]],
    ['without', undefined],
  ])(
    'ends a replayed failure %s a recorder exactly as the original ended, without retrying',
    async (_, recordings) => {
      const { client, time, calls } = replayClient(
        () => Promise.reject(new ReplayedFailureError(recorded)),
        recordings,
      );

      const error = await failure(time.run(client.get(request)));

      expect(error.message).toBe(recorded.failure.message);
      expect(error).toMatchObject({ kind: 'http', attempts: 4, status: 503, fetchedAt: recorded.fetchedAt });
      expect(calls()).toBe(1);
      if (recordings) expect(recordings).toEqual([recorded]);
    },
  );

  it('fails a request missing from the recording without retrying, and records nothing for it', async () => {
    const recordings: RecordedResponse[] = [];
    const miss = new ReplayMissError('no recorded response for /v1/mining/pools/1w');
    const { client, time, calls } = replayClient(() => Promise.reject(miss), recordings);

    const error = await failure(time.run(client.get(request)));

    expect(error.message).toBe(
      'mempool pools is not in the recording: no recorded response for /v1/mining/pools/1w',
    );
    expect(error.kind).toBe('network');
    expect(calls()).toBe(1);
    expect(recordings).toEqual([]);
  });
});
