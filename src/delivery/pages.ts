/**
 * The small HTML pages the subscribe and unsubscribe endpoints answer browsers with. Plain, tiny, no
 * scripts or external resources (the endpoints' CSP allows inline styles and same-origin forms only).
 */
import { escapeHtml } from '../text/escape';

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(title)}</title><style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}button{font:inherit;padding:.5rem 1rem;cursor:pointer}</style></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

/** The small page a GET on the unsubscribe link shows: a button that POSTs (GET never unsubscribes). */
export function unsubscribeConfirmPage(token: string): string {
  const action = `?token=${encodeURIComponent(token)}`;
  return page(
    'Unsubscribe from hashbrief?',
    `<p>You will stop receiving hashbrief: the weekly briefing and its alerts.</p><form method="post" action="${escapeHtml(action)}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>`,
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

/** GET /subscribe: the sign-up form (it POSTs back to the same URL). */
export function subscribeFormPage(problem?: string): string {
  const error = problem ? `<p role="alert"><strong>${escapeHtml(problem)}</strong></p>` : '';
  return page(
    'Get hashbrief every week',
    `${error}` +
      '<p>A weekly briefing on Bitcoin mining economics and network security: hashprice, miner breakeven, security budget, pool concentration. One email a week, and a short alert when something breaks between issues (at most one a day; you can turn alerts off). Unsubscribe with one click.</p>' +
      '<form method="post"><label for="email">Email address</label><br><input id="email" name="email" type="email" required autocomplete="email" style="font:inherit;padding:.4rem;width:100%;max-width:22rem;margin:.5rem 0"><br><button type="submit">Subscribe</button></form>' +
      '<p><small>We send a confirmation link first; nothing arrives until you click it.</small></p>',
  );
}

/** The answer to a form POST: the same words whatever the address's state, so it reveals nothing. */
export function subscribeAcceptedPage(message: string): string {
  return page('Check your inbox', `<p>${escapeHtml(message)}</p>`);
}

/** The answer when the sign-up could not be queued: the same for every address. */
export function subscribeUnavailablePage(message: string): string {
  return page('Please try again', `<p>${escapeHtml(message)}</p>`);
}

/** The preferences form for a reader (GET, or again after a save or a problem). POSTs back to itself. */
export function preferencesPage(
  token: string,
  preferences: { weekly: boolean; alerts: boolean; powerPriceUsdPerKwh: number | null },
  notice?: { saved: true } | { problem: string },
): string {
  const action = `?token=${encodeURIComponent(token)}`;
  const checked = (on: boolean) => (on ? ' checked' : '');
  const price = preferences.powerPriceUsdPerKwh === null ? '' : String(preferences.powerPriceUsdPerKwh);
  const banner =
    notice === undefined
      ? ''
      : 'saved' in notice
        ? '<p role="status"><strong>Saved.</strong> The next email follows these choices.</p>'
        : `<p role="alert"><strong>${escapeHtml(notice.problem)}</strong></p>`;
  const field = 'font:inherit;padding:.4rem;width:8rem;margin:.25rem 0';
  return page(
    'Your hashbrief preferences',
    `${banner}` +
      `<form method="post" action="${escapeHtml(action)}">` +
      '<input type="hidden" name="preferences" value="1">' +
      `<p><label><input type="checkbox" name="weekly" value="on"${checked(preferences.weekly)}> The weekly issue</label><br><small>Every week: hashprice, miner breakeven, security budget, pools.</small></p>` +
      `<p><label><input type="checkbox" name="alerts" value="on"${checked(preferences.alerts)}> Mid-week alerts</label><br><small>Only when an alert trips between issues (a record or multi-year hashprice low, a hashrate drawdown, pool concentration, a large difficulty drop); at most one a day, each kind at most once in its cooling-off period.</small></p>` +
      `<p><label for="powerPrice">Your power price, US dollars per kWh (optional)</label><br><input id="powerPrice" name="powerPrice" type="text" inputmode="decimal" placeholder="0.06" value="${escapeHtml(price)}" style="${field}"><br><small>With a power price, each weekly issue starts with "Your numbers": what each machine earns after power at your price, which are underwater, and your breakeven hashprice. Leave empty for none.</small></p>` +
      '<p><button type="submit">Save</button></p></form>' +
      '<p><small>To stop everything, use the unsubscribe link in any email.</small></p>',
  );
}

/** The page for a link whose subscriber is not (or no longer) subscribed. */
export function notSubscribedPage(): string {
  return page(
    'You are not subscribed',
    '<p>This address does not receive hashbrief at the moment, so there is nothing to set. Subscribe again to choose what you get.</p>',
  );
}
