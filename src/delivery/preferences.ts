/**
 * Reader preferences by signed link: the page every email's footer links to beside unsubscribe. It
 * follows the unsubscribe link's rules: the token names the subscriber and never expires, a GET only
 * shows (the current choices in a form), a POST of that form changes them. Plain HTML, no JavaScript.
 * What can change here: the weekly issue, the alert mail, the power price for "Your numbers" (the fleet is
 * set by the operator's CLI).
 */
import type { Clock, Reporter } from '../ports';
import type { MessageSettings } from './email';
import { PreferenceValueError, parsePowerPrice } from './preference-fields';
import {
  MAX_POWER_PRICE_USD_PER_KWH,
  MIN_POWER_PRICE_USD_PER_KWH,
  type Preferences,
  type SubscriberStore,
  updateSubscriber,
} from './subscribers';
import { linkSubscriber, signToken } from './tokens';

/** `${linksBaseUrl}/preferences?token=...` for a subscriber hash. */
export function preferencesUrl(settings: MessageSettings, subscriberHash: string): string {
  const token = signToken({ secret: settings.tokenSecret, purpose: 'preferences', subscriberHash });
  return `${settings.linksBaseUrl}/preferences?token=${token}`;
}

/** The hidden field every preferences form carries: a POST without it changes nothing. */
export const PREFERENCES_FORM_MARKER = 'preferences';

/** What the page shows. */
export type PreferencesOutcome =
  | { kind: 'form'; preferences: Preferences }
  | { kind: 'saved'; preferences: Preferences }
  | { kind: 'invalid-form'; problem: string; preferences: Preferences }
  | { kind: 'not-subscribed' }
  | { kind: 'invalid-link' };

interface PreferencesDeps {
  subscribers: SubscriberStore;
  clock: Clock;
  reporter?: Reporter;
}

/** The change a submitted form asks for, or the problem with it (naming the field). */
export function parsePreferencesForm(
  fields: Readonly<Record<string, string>>,
): { ok: true; change: Omit<Preferences, 'fleet'> } | { ok: false; problem: string } {
  if (fields[PREFERENCES_FORM_MARKER] === undefined) {
    return { ok: false, problem: 'The form was incomplete; nothing was changed. Please use the form below.' };
  }
  // A decimal comma is read as a point: "0,06" is what many readers type.
  const raw = (fields.powerPrice ?? '').trim().replace(',', '.');
  let powerPriceUsdPerKwh: number | null = null;
  if (raw !== '') {
    try {
      powerPriceUsdPerKwh = parsePowerPrice(raw);
    } catch (error) {
      if (!(error instanceof PreferenceValueError)) throw error;
      return {
        ok: false,
        problem: `Power price: give US dollars per kWh between ${MIN_POWER_PRICE_USD_PER_KWH} and ${MAX_POWER_PRICE_USD_PER_KWH}, such as 0.06, or leave it empty.`,
      };
    }
  }
  // Unticked checkboxes are simply absent from a form post.
  return {
    ok: true,
    change: { weekly: fields.weekly !== undefined, alerts: fields.alerts !== undefined, powerPriceUsdPerKwh },
  };
}

function subscriberOf(token: string, settings: { tokenSecret: string }, now: Date, reporter?: Reporter) {
  return linkSubscriber({ secret: settings.tokenSecret, token, purpose: 'preferences', now }, reporter);
}

const preferencesOf = (s: Preferences): Preferences => ({
  weekly: s.weekly,
  alerts: s.alerts,
  powerPriceUsdPerKwh: s.powerPriceUsdPerKwh,
  fleet: s.fleet,
});

/** GET: the reader's current choices, for the form. Changes nothing. */
export async function showPreferences(
  token: string,
  deps: PreferencesDeps,
  settings: { tokenSecret: string },
): Promise<PreferencesOutcome> {
  const hash = subscriberOf(token, settings, deps.clock(), deps.reporter);
  if (hash === null) return { kind: 'invalid-link' };
  const current = await deps.subscribers.get(hash);
  if (current?.subscriber.status !== 'active') return { kind: 'not-subscribed' };
  return { kind: 'form', preferences: preferencesOf(current.subscriber) };
}

/** POST: applies a submitted form to an active subscriber (conditional write, retried on conflict). */
export async function savePreferences(
  token: string,
  fields: Readonly<Record<string, string>>,
  deps: PreferencesDeps,
  settings: { tokenSecret: string },
): Promise<PreferencesOutcome> {
  const now = deps.clock();
  const hash = subscriberOf(token, settings, now, deps.reporter);
  if (hash === null) return { kind: 'invalid-link' };
  const form = parsePreferencesForm(fields);
  if (!form.ok) {
    const current = await deps.subscribers.get(hash);
    if (current?.subscriber.status !== 'active') return { kind: 'not-subscribed' };
    return { kind: 'invalid-form', problem: form.problem, preferences: preferencesOf(current.subscriber) };
  }
  let active = false;
  const { after, changed } = await updateSubscriber(deps.subscribers, hash, (current) => {
    active = current?.status === 'active';
    if (!current || !active) return null;
    const next = { ...current, ...form.change };
    if (JSON.stringify(preferencesOf(next)) === JSON.stringify(preferencesOf(current))) return null;
    return { ...next, updatedAt: now.toISOString() };
  });
  if (!active || !after) return { kind: 'not-subscribed' };
  deps.reporter?.info('preferences', { subscriber: hash, changed });
  return { kind: 'saved', preferences: preferencesOf(after) };
}
