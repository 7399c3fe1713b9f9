/**
 * Send pacing: a token bucket (as GCRA: each acquire reserves the next free slot, so concurrent callers
 * queue fairly) and retries with exponential backoff and full jitter on transient refusals (a SendError
 * marked retryable: the transport said "not now" or was never reached, so a retry cannot duplicate).
 */
import type { Clock, Random, Sleep } from '../ports';
import { SendError } from './errors';

/** Waits until one more send is allowed. */
export interface RateLimiter {
  acquire(): Promise<void>;
}

/** A limiter that never waits (local outbox). */
export const unlimited: RateLimiter = { acquire: async () => {} };

/** Token bucket allowing `ratePerSecond` on average with bursts of up to `burst` (default 1). */
export function createTokenBucket(options: {
  ratePerSecond: number;
  burst?: number;
  clock: Clock;
  sleep: Sleep;
}): RateLimiter {
  if (!(options.ratePerSecond > 0)) throw new RangeError('ratePerSecond must be positive');
  const interval = 1000 / options.ratePerSecond;
  const tolerance = (Math.max(1, options.burst ?? 1) - 1) * interval;
  let theoreticalArrival = Number.NEGATIVE_INFINITY;
  return {
    async acquire() {
      const now = options.clock().getTime();
      const tat = Math.max(theoreticalArrival, now);
      const wait = tat - tolerance - now;
      theoreticalArrival = tat + interval;
      if (wait > 0) await options.sleep(wait);
    },
  };
}

/**
 * Per-sender rate: the configured rate (or the account's SES max send rate) divided across the sender's
 * reserved concurrency, so all senders together stay under the account limit.
 */
export function perSenderRate(accountRate: number, senderConcurrency: number): number {
  return accountRate / Math.max(1, senderConcurrency);
}

/** Retry policy for transient send refusals. */
export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 200, maxDelayMs: 10_000 };

/**
 * Runs `attempt` (after `limiter.acquire()`) until it succeeds, throws a non-retryable error, or runs out
 * of attempts; between attempts sleeps a random time in [0, min(max, base × 2^n)] ("full jitter").
 */
export async function withBackoff<T>(
  attempt: () => Promise<T>,
  deps: { limiter: RateLimiter; sleep: Sleep; random: Random; policy?: RetryPolicy },
): Promise<T> {
  const policy = deps.policy ?? DEFAULT_RETRY;
  for (let n = 0; ; n++) {
    await deps.limiter.acquire();
    try {
      return await attempt();
    } catch (error) {
      const retryable = error instanceof SendError && error.retryable;
      if (!retryable || n + 1 >= policy.maxAttempts) throw error;
      const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** n);
      await deps.sleep(Math.floor(deps.random() * cap));
    }
  }
}
