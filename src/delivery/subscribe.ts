/**
 * Double opt-in. `requestSubscription` answers the same way whatever the address's state (the caller
 * cannot learn whether someone is subscribed) and sends a confirmation email only when appropriate and
 * not more than once per `resendAfterMs` per address. `confirmSubscription` activates on a valid token.
 */
import type { Clock, Reporter } from '../ports';
import { normalizeAddress } from './address';
import { TokenError } from './errors';
import { claimConfirmation } from './mailbox';
import type { Mailer } from './mailer';
import { buildRawMessage, fromDomain } from './mime';
import { newSubscriber, type SubscriberStore, subscriberIdFor, updateSubscriber } from './subscribers';
import { CONFIRM_TOKEN_TTL_MS, signToken, verifyToken } from './tokens';

/** Settings of the subscribe flow. */
export interface SubscribeSettings {
  from: string;
  linksBaseUrl: string;
  tokenSecret: string;
  /** Minimum time between two confirmation emails to the same address (default 15 min). */
  resendAfterMs?: number;
  confirmTtlMs?: number;
}

/** Internal outcome, for logs and tests only: never shown to the requester. */
export type SubscribeOutcome = 'confirmation-sent' | 'rate-limited' | 'already-active' | 'suppressed';

/** Starts a subscription; throws InvalidAddressError for addresses that cannot be accepted. */
export async function requestSubscription(
  address: string,
  deps: { subscribers: SubscriberStore; mailer: Mailer; clock: Clock; reporter?: Reporter },
  settings: SubscribeSettings,
): Promise<{ outcome: SubscribeOutcome; subscriberHash: string }> {
  const normalized = normalizeAddress(address);
  const hash = await subscriberIdFor(deps.subscribers, normalized);
  const now = deps.clock();
  const resendAfter = settings.resendAfterMs ?? 15 * 60_000;
  // Rate limit and suppression of the whole mailbox (every spelling and +tag of it), before the record's.
  const gate = await claimConfirmation(deps.subscribers, normalized, now, resendAfter, deps.reporter);
  if (gate !== 'claimed') {
    deps.reporter?.info('subscribe request', { subscriber: hash, outcome: gate });
    return { outcome: gate, subscriberHash: hash };
  }
  let outcome: SubscribeOutcome = 'confirmation-sent';
  const { changed } = await updateSubscriber(deps.subscribers, hash, (current) => {
    if (!current) {
      return { ...newSubscriber(normalized, 'pending', 'web', now), confirmationSentAt: now.toISOString() };
    }
    if (current.status === 'active') {
      outcome = 'already-active';
      return null;
    }
    // Bounced and complained addresses stay suppressed: mailing them again hurts the sender's reputation.
    if (current.status === 'bounced' || current.status === 'complained') {
      outcome = 'suppressed';
      return null;
    }
    const last = current.confirmationSentAt
      ? Date.parse(current.confirmationSentAt)
      : Number.NEGATIVE_INFINITY;
    if (now.getTime() - last < resendAfter) {
      outcome = 'rate-limited';
      return null;
    }
    outcome = 'confirmation-sent';
    return {
      ...current,
      status: 'pending',
      source: 'web',
      confirmationSentAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
  });
  if (changed) {
    const token = signToken({
      secret: settings.tokenSecret,
      purpose: 'confirm',
      subscriberHash: hash,
      expiresAt: new Date(now.getTime() + (settings.confirmTtlMs ?? CONFIRM_TOKEN_TTL_MS)),
    });
    const link = `${settings.linksBaseUrl}/confirm?token=${token}`;
    const raw = await buildRawMessage({
      from: settings.from,
      to: normalized,
      subject: 'Confirm your hashbrief subscription',
      text: `Someone (hopefully you) asked to receive hashbrief, a weekly briefing on Bitcoin mining economics.\n\nConfirm here: ${link}\n\nIf it was not you, ignore this email: nothing happens without confirmation.\n`,
      html: `<p>Someone (hopefully you) asked to receive <b>hashbrief</b>, a weekly briefing on Bitcoin mining economics.</p><p><a href="${link}">Confirm your subscription</a></p><p>If it was not you, ignore this email: nothing happens without confirmation.</p>`,
      messageId: `<confirm.${hash.slice(0, 24)}.${now.getTime().toString(36)}@${fromDomain(settings.from)}>`,
      date: now,
    });
    await deps.mailer.send({
      kind: 'confirmation',
      recipientHash: hash,
      from: settings.from,
      to: normalized,
      raw,
    });
  }
  deps.reporter?.info('subscribe request', { subscriber: hash, outcome });
  return { outcome, subscriberHash: hash };
}

/** Result of a confirmation link. */
export type ConfirmOutcome = 'confirmed' | 'already-active' | 'not-pending' | 'invalid-link';

/** Activates the subscriber named by a confirmation token; never throws for bad tokens. */
export async function confirmSubscription(
  token: string,
  deps: { subscribers: SubscriberStore; clock: Clock; reporter?: Reporter },
  settings: { tokenSecret: string },
): Promise<ConfirmOutcome> {
  let hash: string;
  try {
    ({ subscriberHash: hash } = verifyToken({
      secret: settings.tokenSecret,
      token,
      purpose: 'confirm',
      now: deps.clock(),
    }));
  } catch (error) {
    if (error instanceof TokenError) {
      deps.reporter?.warn('confirm token rejected', { reason: error.reason });
      return 'invalid-link';
    }
    throw error;
  }
  const now = deps.clock().toISOString();
  let outcome: ConfirmOutcome = 'confirmed';
  await updateSubscriber(deps.subscribers, hash, (current) => {
    if (!current) {
      outcome = 'invalid-link';
      return null;
    }
    if (current.status === 'active') {
      outcome = 'already-active';
      return null;
    }
    if (current.status !== 'pending') {
      outcome = 'not-pending';
      return null;
    }
    outcome = 'confirmed';
    return { ...current, status: 'active', confirmedAt: now, updatedAt: now, statusReason: null };
  });
  deps.reporter?.info('subscription confirmed', { subscriber: hash, outcome });
  return outcome;
}
