/**
 * Per-host politeness: a concurrency gate and a sliding-window rate limiter. Coin Metrics community allows
 * 10 requests per 6 s sliding window per IP; going over earns 429s, so we pace ourselves instead.
 */
import type { Clock, Sleep } from '../ports';

/** Limits for one host (or limit group). */
export interface HostLimit {
  /** Requests in flight at once. */
  concurrency: number;
  /** At most this many request starts within any `windowMs` (both or neither). */
  maxRequests?: number;
  windowMs?: number;
}

/** Counting semaphore; waiters are served first come, first served. */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly size: number) {}

  async acquire(): Promise<() => void> {
    if (this.active < this.size) {
      this.active++;
    } else {
      // The releasing holder hands its slot straight to us, so `active` stays unchanged.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    };
  }
}

/** Thrown when pacing would need a wait longer than the caller can afford. */
export class RateWindowWaitError extends Error {
  override name = 'RateWindowWaitError';
  constructor(readonly waitMs: number) {
    super(`rate window needs a ${Math.ceil(waitMs)} ms wait`);
  }
}

/** Sliding window over request start times. */
export class SlidingWindow {
  private readonly starts: number[] = [];
  constructor(
    private readonly maxRequests: number,
    private readonly windowMs: number,
    private readonly clock: Clock,
    private readonly sleep: Sleep,
  ) {}

  /**
   * Waits until one more request fits in the window and records its start. `maxWaitMs` bounds a single
   * wait; beyond it a RateWindowWaitError is thrown so the caller can fail within its time budget.
   */
  async take(maxWaitMs: () => number): Promise<void> {
    for (;;) {
      const now = this.clock().getTime();
      while (this.starts.length > 0 && (this.starts[0] ?? 0) <= now - this.windowMs) this.starts.shift();
      if (this.starts.length < this.maxRequests) {
        this.starts.push(now);
        return;
      }
      const wait = (this.starts[0] ?? now) + this.windowMs - now;
      if (wait > maxWaitMs()) throw new RateWindowWaitError(wait);
      await this.sleep(wait);
    }
  }
}

/** Concurrency gate plus optional rate window for one limit key. */
export interface HostGate {
  semaphore: Semaphore;
  window: SlidingWindow | null;
}

/** Builds the gate for one host from its limit. */
export function createHostGate(limit: HostLimit, clock: Clock, sleep: Sleep): HostGate {
  const window =
    limit.maxRequests !== undefined && limit.windowMs !== undefined
      ? new SlidingWindow(limit.maxRequests, limit.windowMs, clock, sleep)
      : null;
  return { semaphore: new Semaphore(Math.max(1, limit.concurrency)), window };
}
