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

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(title)}</title><style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}button{font:inherit;padding:.5rem 1rem;cursor:pointer}</style></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

/** The small page a GET on the unsubscribe link shows: a button that POSTs (GET never unsubscribes). */
export function unsubscribeConfirmPage(token: string): string {
  const action = `?token=${encodeURIComponent(token)}`;
  return page(
    'Unsubscribe from hashbrief?',
    `<p>You will stop receiving the weekly briefing.</p><form method="post" action="${escapeHtml(action)}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>`,
  );
}

/** The page after a successful unsubscribe. */
export function unsubscribedPage(): string {
  return page('You are unsubscribed', '<p>You will not receive hashbrief any more. Sorry to see you go.</p>');
}

/** The page for a link that does not verify. */
export function invalidLinkPage(): string {
  return page(
    'This link is not valid',
    '<p>The link may be incomplete or out of date. Copy the full link from the email, or reply to the email to be removed.</p>',
  );
}

/** Simple pages for the confirmation endpoint. */
export function confirmResultPage(
  outcome: 'confirmed' | 'already-active' | 'not-pending' | 'invalid-link',
): string {
  if (outcome === 'confirmed' || outcome === 'already-active') {
    return page('Subscription confirmed', '<p>Thanks. The next weekly hashbrief will reach you.</p>');
  }
  return page(
    'This link is not valid',
    '<p>The link may have expired. Subscribe again to get a new one.</p>',
  );
}
