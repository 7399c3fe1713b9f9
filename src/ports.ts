/**
 * Side effects the core never reaches for directly: they are passed in, so tests can fix them.
 */

/** Returns the current instant. */
export type Clock = () => Date;

/** Waits `ms` milliseconds; rejects with the signal's reason when aborted. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Uniform random number in [0, 1). */
export type Random = () => number;

/** The subset of WHATWG fetch the sources use. */
export type Fetch = (
  url: string,
  init?: { headers?: Record<string, string>; signal?: AbortSignal },
) => Promise<Response>;

/** Progress / diagnostics sink. Never receives email addresses or secrets. */
export interface Reporter {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

export const silentReporter: Reporter = { info: () => {}, warn: () => {} };

export const systemClock: Clock = () => new Date();

export const realSleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** The side effects every run that fetches upstream data takes: network, time, waiting, jitter, progress. */
export interface FetchPorts {
  fetch: Fetch;
  clock: Clock;
  sleep: Sleep;
  random: Random;
  reporter: Reporter;
}

/**
 * The real network, clock, timers and randomness, reporting to `reporter`: what a Lambda fetches with.
 * `overrides` puts an injected fetch or clock in their place (the CLI's context).
 */
export function livePorts(
  reporter: Reporter,
  overrides: Partial<Pick<FetchPorts, 'fetch' | 'clock'>> = {},
): FetchPorts {
  return {
    fetch: (url, init) => fetch(url, init),
    clock: systemClock,
    sleep: realSleep,
    random: Math.random,
    reporter,
    ...overrides,
  };
}
