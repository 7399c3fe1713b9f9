/**
 * Double opt-in. `requestSubscription` (run by the sign-up worker, never on the HTTP request path, so its
 * work cannot be timed by the requester) sends a confirmation email only when appropriate and not more
 * than once per `resendAfterMs` per address. `confirmSubscription` activates on a valid token.
 */
import type { Clock, Reporter } from '../ports';
import { normalizeAddress } from './address';
import { claimConfirmation, releaseConfirmation } from './mailbox';
import type { Mailer } from './mailer';
import { buildRawMessage, fromDomain } from './mime';
import { newSubscriber, type SubscriberStore, subscriberIdFor, updateSubscriber } from './subscribers';
import { CONFIRM_TOKEN_TTL_MS, linkSubscriber, signToken } from './tokens';

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
  const claimedAt = now.toISOString();
  let outcome: SubscribeOutcome = 'confirmation-sent';
  // The resend window is claimed before sending (two concurrent requests cannot both mail) and released
  // again if the send fails, so the failure does not block the retry for the whole window.
  const { before, changed } = await updateSubscriber(deps.subscribers, hash, (current) => {
    if (!current) {
      return { ...newSubscriber(normalized, 'pending', 'web', now), confirmationSentAt: claimedAt };
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
      confirmationSentAt: claimedAt,
      updatedAt: claimedAt,
    };
  });
  if (changed) {
    try {
      await sendConfirmation(normalized, hash, now, deps.mailer, settings);
    } catch (error) {
      // The send failure is what the caller must see (and retry); a failed release only means the
      // retry waits for the window, as before this fix.
      const released = await Promise.all([
        releaseResendClaim(deps.subscribers, hash, claimedAt, before?.confirmationSentAt ?? null),
        releaseConfirmation(deps.subscribers, normalized, now),
      ]).then(
        () => true,
        () => false,
      );
      deps.reporter?.warn('confirmation send failed', {
        subscriber: hash,
        error: error instanceof Error ? error.name : 'unknown',
        resendWindowReleased: released,
      });
      throw error;
    }
  }
  deps.reporter?.info('subscribe request', { subscriber: hash, outcome });
  return { outcome, subscriberHash: hash };
}

/**
 * Gives the resend window back after a failed send: `confirmationSentAt` returns to what it was before
 * the claim, unless another request has claimed the window since (then its claim stands). A send that
 * failed ambiguously (SES may have accepted it) is released too: a second confirmation link is harmless,
 * a sign-up blocked for the whole window is not.
 */
async function releaseResendClaim(
  subscribers: SubscriberStore,
  hash: string,
  claimedAt: string,
  previous: string | null,
): Promise<void> {
  await updateSubscriber(subscribers, hash, (current) =>
    current && current.confirmationSentAt === claimedAt ? { ...current, confirmationSentAt: previous } : null,
  );
}

/** Builds and sends the confirmation email with a link valid for `confirmTtlMs`. */
async function sendConfirmation(
  to: string,
  hash: string,
  now: Date,
  mailer: Mailer,
  settings: SubscribeSettings,
): Promise<void> {
  const token = signToken({
    secret: settings.tokenSecret,
    purpose: 'confirm',
    subscriberHash: hash,
    expiresAt: new Date(now.getTime() + (settings.confirmTtlMs ?? CONFIRM_TOKEN_TTL_MS)),
  });
  const link = `${settings.linksBaseUrl}/confirm?token=${token}`;
  const raw = await buildRawMessage({
    from: settings.from,
    to,
    subject: 'Confirm your hashbrief subscription',
    text: `Someone (hopefully you) asked to receive hashbrief, a weekly briefing on Bitcoin mining economics.\n\nConfirm here: ${link}\n\nIf it was not you, ignore this email: nothing happens without confirmation.\n`,
    html: `<p>Someone (hopefully you) asked to receive <b>hashbrief</b>, a weekly briefing on Bitcoin mining economics.</p><p><a href="${link}">Confirm your subscription</a></p><p>If it was not you, ignore this email: nothing happens without confirmation.</p>`,
    messageId: `<confirm.${hash.slice(0, 24)}.${now.getTime().toString(36)}@${fromDomain(settings.from)}>`,
    date: now,
  });
  await mailer.send({ kind: 'confirmation', recipientHash: hash, from: settings.from, to, raw });
}

/** Result of a confirmation link. */
export type ConfirmOutcome = 'confirmed' | 'already-active' | 'not-pending' | 'invalid-link';

/** Activates the subscriber named by a confirmation token; never throws for bad tokens. */
export async function confirmSubscription(
  token: string,
  deps: { subscribers: SubscriberStore; clock: Clock; reporter?: Reporter },
  settings: { tokenSecret: string },
): Promise<ConfirmOutcome> {
  const hash = linkSubscriber(
    { secret: settings.tokenSecret, token, purpose: 'confirm', now: deps.clock() },
    deps.reporter,
  );
  if (hash === null) return 'invalid-link';
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
