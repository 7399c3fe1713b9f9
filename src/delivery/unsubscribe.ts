/**
 * Unsubscribe by signed link: idempotent, no information about the list leaks (an unknown or already
 * unsubscribed subscriber gets the same answer as an active one).
 */
import type { Clock, Reporter } from '../ports';
import { type SubscriberStore, updateSubscriber } from './subscribers';
import { linkSubscriber } from './tokens';

/** Result of an unsubscribe request. */
export type UnsubscribeOutcome = 'unsubscribed' | 'invalid-link';

/** Checks an unsubscribe token without changing anything (the GET confirmation page). */
export function isValidUnsubscribeToken(
  token: string,
  settings: { tokenSecret: string },
  now: Date,
): boolean {
  return linkSubscriber({ secret: settings.tokenSecret, token, purpose: 'unsubscribe', now }) !== null;
}

/** Unsubscribes the subscriber named by the token; pending and active become `unsubscribed`. */
export async function unsubscribe(
  token: string,
  deps: { subscribers: SubscriberStore; clock: Clock; reporter?: Reporter },
  settings: { tokenSecret: string },
): Promise<UnsubscribeOutcome> {
  const now = deps.clock();
  const hash = linkSubscriber(
    { secret: settings.tokenSecret, token, purpose: 'unsubscribe', now },
    deps.reporter,
  );
  if (hash === null) return 'invalid-link';
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
