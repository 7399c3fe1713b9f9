/**
 * Replay: serves a report from recorded envelopes with no network. Requests match recordings by API path
 * and query (parameter order ignored) whatever the base URL was, and the clock stands still at the
 * latest recorded fetch time. A recorded failure fails again with the original error (no retries, no
 * waiting) and a response keeps its recorded attempt count, so a replay reproduces the original inputs
 * byte for byte, timeouts and retries included.
 */
import type { Clock, Fetch, Sleep } from '../ports';
import { ReplayedFailureError, ReplayMissError } from './errors';
import type { ResponseAttempts, ResponseTime } from './http';
import type { RecordedResponse } from './recording';

/** Path segments where each upstream's public API begins (everything before is the base URL). */
const API_ROOTS: Record<RecordedResponse['source'], readonly string[]> = {
  coinmetrics: ['timeseries'],
  mempool: ['v1', 'blocks'],
};

/**
 * Canonical request key: API path (base stripped) + query sorted by name then value. The API starts at the
 * first segment listed in API_ROOTS, so `/coinmetrics/v4/timeseries/…` and `/v4/timeseries/…` give the
 * same key.
 */
export function requestKey(url: string): string {
  const parsed = new URL(url);
  const segments = parsed.pathname.split('/').filter((s) => s !== '');
  const roots = new Set(Object.values(API_ROOTS).flat());
  const found = segments.findIndex((s) => roots.has(s));
  const start = Math.max(0, found);
  const params = [...parsed.searchParams.entries()].sort(([ka, va], [kb, vb]) =>
    ka === kb ? (va < vb ? -1 : va > vb ? 1 : 0) : ka < kb ? -1 : 1,
  );
  const query = new URLSearchParams(params).toString();
  return `/${segments.slice(start).join('/')}${query ? `?${query}` : ''}`;
}

/** What a replay hands to fetchReportInputs (spread over the live ports). */
export interface Replay {
  fetch: Fetch;
  clock: Clock;
  /**
   * Recorded failures are replayed too; waiting between their retries would only slow the replay, so
   * plain waits end at once. Timers with a signal (per-attempt timeouts) wait until cancelled.
   */
  sleep: Sleep;
  responseTime: ResponseTime;
  responseAttempts: ResponseAttempts;
  recordings: RecordedResponse[];
}

/** Builds a replay over recordings (later recordings of the same request win). */
export function createReplay(recordings: readonly RecordedResponse[], origin = 'the recording'): Replay {
  if (recordings.length === 0) throw new ReplayMissError(`${origin} holds no recorded responses`);
  const byKey = new Map<string, RecordedResponse>();
  for (const recording of recordings) byKey.set(requestKey(recording.url), recording);
  const instants = recordings.flatMap((r) => (r.fetchedAt === null ? [] : [Date.parse(r.fetchedAt)]));
  if (instants.length === 0) throw new ReplayMissError(`${origin} holds no response, only failures`);
  const frozen = new Date(Math.max(...instants));
  const times = new WeakMap<Response, string>();
  const attempts = new WeakMap<Response, number>();

  const fetch: Fetch = async (url) => {
    const key = requestKey(url);
    const recording = byKey.get(key);
    if (!recording) {
      throw new ReplayMissError(
        `no recorded response for ${key} in ${origin} (it has ${byKey.size}: ${[...byKey.keys()].slice(0, 8).join(', ')})`,
      );
    }
    const { failure } = recording;
    if (failure) throw new ReplayedFailureError({ ...recording, failure });
    const headers = new Headers();
    for (const [name, value] of Object.entries(recording.headers)) {
      if (value !== undefined) headers.set(name, value);
    }
    // These statuses may not carry a body in the Fetch standard.
    const bodyless = [204, 205, 304].includes(recording.status);
    const response = new Response(bodyless ? null : recording.body, { status: recording.status, headers });
    if (recording.fetchedAt !== null) times.set(response, recording.fetchedAt);
    attempts.set(response, recording.attempts ?? 1);
    return response;
  };

  return {
    fetch,
    clock: () => new Date(frozen.getTime()),
    sleep: (_ms, signal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted) {
          reject(signal.reason);
        } else if (signal) {
          // A cancellable timer is a per-attempt timeout: replayed answers are immediate, so it never fires.
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        } else {
          resolve();
        }
      }),
    responseTime: (response) => times.get(response),
    responseAttempts: (response) => attempts.get(response),
    recordings: [...recordings],
  };
}
