/**
 * The subscribe endpoint must not reveal whether an address is already on the list. Its answer is the
 * same in every case, but its timing would differ: a new address costs an SES send, a known one does not.
 * Padding every answer to a fixed floor hides that difference.
 */
import type { Clock, Sleep } from '../ports';

/** The floor for subscribe answers: well above an SES send plus a few S3 round trips. */
export const SUBSCRIBE_RESPONSE_FLOOR_MS = 1_500;

/** Runs `work`, then waits until at least `floorMs` have passed since it started (also when it throws). */
export async function atLeast<T>(
  floorMs: number,
  work: () => Promise<T>,
  ports: { clock: Clock; sleep: Sleep },
): Promise<T> {
  const started = ports.clock().getTime();
  try {
    return await work();
  } finally {
    const remaining = floorMs - (ports.clock().getTime() - started);
    if (remaining > 0) await ports.sleep(remaining);
  }
}
