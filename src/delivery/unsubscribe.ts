/**
 * Unsubscribe by signed link: idempotent, no information about the list leaks (an unknown or already
 * unsubscribed subscriber gets the same answer as an active one).
 */
import type { Clock, Reporter } from '../ports';
import { TokenError } from './errors';
import { type SubscriberStore, updateSubscriber } from './subscribers';
import { verifyToken } from './tokens';

/** Result of an unsubscribe request. */
export type UnsubscribeOutcome = 'unsubscribed' | 'invalid-link';

/** Checks an unsubscribe token without changing anything (the GET confirmation page). */
export function isValidUnsubscribeToken(
  token: string,
  settings: { tokenSecret: string },
  now: Date,
): boolean {
  try {
    verifyToken({ secret: settings.tokenSecret, token, purpose: 'unsubscribe', now });
    return true;
  } catch (error) {
    if (error instanceof TokenError) return false;
    throw error;
  }
}

/** Unsubscribes the subscriber named by the token; pending and active become `unsubscribed`. */
export async function unsubscribe(
  token: string,
  deps: { subscribers: SubscriberStore; clock: Clock; reporter?: Reporter },
  settings: { tokenSecret: string },
): Promise<UnsubscribeOutcome> {
  const now = deps.clock();
  let hash: string;
  try {
    ({ subscriberHash: hash } = verifyToken({
      secret: settings.tokenSecret,
      token,
      purpose: 'unsubscribe',
      now,
    }));
  } catch (error) {
    if (error instanceof TokenError) {
      deps.reporter?.warn('unsubscribe token rejected', { reason: error.reason });
      return 'invalid-link';
    }
    throw error;
  }
  const { changed } = await updateSubscriber(deps.subscribers, hash, (current) => {
    if (!current || (current.status !== 'active' && current.status !== 'pending')) return null;
    return {
      ...current,
      status: 'unsubscribed',
      statusReason: 'unsubscribe link',
      updatedAt: now.toISOString(),
    };
  });
  deps.reporter?.info('unsubscribe', { subscriber: hash, changed });
  return 'unsubscribed';
}
