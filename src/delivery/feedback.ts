/**
 * SES bounce and complaint feedback (SES notifications delivered through SNS). Hard bounces and
 * complaints suppress the subscriber and its mailbox (every spelling and +tag, mailbox.ts) at once; soft
 * (transient or undetermined) bounces suppress it after `softBounceLimit` (3) within `softBounceWindowMs`
 * (30 days). A notification delivered more than once is applied once (feedback-ledger.ts).
 */
import { z } from 'zod';
import type { Clock, Reporter } from '../ports';
import { normalizeAddress } from './address';
import { InvalidAddressError, UnreadableSubscriberError } from './errors';
import type { FeedbackLedger } from './feedback-ledger';
import { type MailboxSuppression, suppressMailbox } from './mailbox';
import {
  type Subscriber,
  type SubscriberStore,
  subscriberIdFor,
  UNREADABLE_RECORD_WARNING,
  updateSubscriber,
} from './subscribers';

const recipients = z.array(z.object({ emailAddress: z.string() }).loose());

const bounceSchema = z
  .object({
    bounceType: z.enum(['Permanent', 'Transient', 'Undetermined']),
    bounceSubType: z.string().optional(),
    bouncedRecipients: recipients,
    /** SES's id of this bounce: the same in every copy SNS delivers. */
    feedbackId: z.string().min(1).max(500).optional(),
  })
  .loose();

const complaintSchema = z
  .object({
    complainedRecipients: recipients,
    complaintFeedbackType: z.string().optional(),
    feedbackId: z.string().min(1).max(500).optional(),
  })
  .loose();

/**
 * The SES notification JSON (the SNS `Message`). Identity notifications name the kind in
 * `notificationType`, configuration-set event publishing in `eventType`; both are accepted.
 */
export const sesNotificationSchema = z
  .object({
    notificationType: z.string().optional(),
    eventType: z.string().optional(),
    bounce: bounceSchema.optional(),
    complaint: complaintSchema.optional(),
  })
  .loose()
  .transform((n) => ({
    type: n.notificationType ?? n.eventType ?? 'unknown',
    bounce: n.bounce,
    complaint: n.complaint,
  }));

export type SesNotification = z.infer<typeof sesNotificationSchema>;

/** What happened to each recipient named by a notification. */
export interface FeedbackResult {
  type: string;
  /** True when the feedback ledger had this notification as applied already: nothing was done. */
  duplicate: boolean;
  actions: {
    subscriber: string;
    action: 'suppressed-bounce' | 'suppressed-complaint' | 'soft-bounce' | 'ignored' | 'unreadable';
  }[];
}

/** Feedback settings. */
export interface FeedbackSettings {
  softBounceLimit?: number;
  softBounceWindowMs?: number;
}

/** What handleSesNotification needs; without `ledger` nothing is deduplicated across deliveries. */
export interface FeedbackDeps {
  subscribers: SubscriberStore;
  clock: Clock;
  reporter?: Reporter;
  ledger?: FeedbackLedger;
}

/**
 * The key a notification is deduplicated by: `ses:<feedbackId>` when SES gave one (the same for every copy
 * of one bounce or complaint, whichever topic it came through), else `sns:<MessageId>` (the same for every
 * retry of one SNS delivery), else null (not deduplicated).
 */
export function feedbackDedupeKey(notification: SesNotification, snsMessageId?: string): string | null {
  const feedbackId = notification.bounce?.feedbackId ?? notification.complaint?.feedbackId;
  if (feedbackId) return `ses:${feedbackId}`;
  return snsMessageId ? `sns:${snsMessageId}` : null;
}

/**
 * Applies one parsed SES notification to the subscriber list, once per dedupe key
 * ({@link feedbackDedupeKey}) when `deps.ledger` is given.
 */
export async function handleSesNotification(
  notification: SesNotification,
  deps: FeedbackDeps,
  settings: FeedbackSettings = {},
  delivery: { snsMessageId?: string } = {},
): Promise<FeedbackResult> {
  const key = feedbackDedupeKey(notification, delivery.snsMessageId);
  const now = deps.clock();
  const begun = key && deps.ledger ? await deps.ledger.begin(key, now) : null;
  if (begun?.kind === 'done') {
    deps.reporter?.info('ses feedback already applied', { type: notification.type, feedback: key });
    return { type: notification.type, duplicate: true, actions: [] };
  }
  const result = await applyNotification(notification, deps, settings, key);
  if (key && deps.ledger && begun) await deps.ledger.finish(key, begun, deps.clock());
  return result;
}

async function applyNotification(
  notification: SesNotification,
  deps: FeedbackDeps,
  settings: FeedbackSettings,
  key: string | null,
): Promise<FeedbackResult> {
  const limit = settings.softBounceLimit ?? 3;
  const windowMs = settings.softBounceWindowMs ?? 30 * 24 * 3600 * 1000;
  const result: FeedbackResult = { type: notification.type, duplicate: false, actions: [] };
  const now = deps.clock();
  const at = now.toISOString();
  type Action = FeedbackResult['actions'][number]['action'];

  const each = async (
    addresses: { emailAddress: string }[],
    apply: (hash: string) => Promise<{ action: Action; suppress: MailboxSuppression | null }>,
  ) => {
    for (const { emailAddress } of addresses) {
      let normalized: string;
      try {
        normalized = normalizeAddress(bareAddress(emailAddress));
      } catch (error) {
        if (error instanceof InvalidAddressError) continue;
        throw error;
      }
      let hash = '';
      let outcome: { action: Action; suppress: MailboxSuppression | null };
      try {
        hash = await subscriberIdFor(deps.subscribers, normalized);
        outcome = await apply(hash);
      } catch (error) {
        if (!(error instanceof UnreadableSubscriberError)) throw error;
        // The record cannot be changed, but the mailbox still can: a hard bounce or complaint is not lost.
        deps.reporter?.warn(UNREADABLE_RECORD_WARNING, {
          subscriber: error.subscriberHash,
          reason: error.reason,
        });
        hash ||= error.subscriberHash;
        outcome = { action: 'unreadable', suppress: hardSuppression(notification) };
      }
      if (outcome.suppress) {
        await suppressMailbox(deps.subscribers, normalized, outcome.suppress, {
          suppressedAt: now,
          reporter: deps.reporter,
        });
      }
      result.actions.push({ subscriber: hash, action: outcome.action });
      deps.reporter?.info('ses feedback', {
        type: notification.type,
        subscriber: hash,
        action: outcome.action,
      });
    }
  };

  if (notification.type === 'Complaint' && notification.complaint) {
    await each(notification.complaint.complainedRecipients, async (hash) => {
      const { changed } = await updateSubscriber(deps.subscribers, hash, (s) =>
        s && s.status !== 'complained'
          ? { ...s, status: 'complained', statusReason: 'complaint', updatedAt: at }
          : null,
      );
      // The mailbox is suppressed even when the address is not (or no longer) on the list.
      return { action: changed ? 'suppressed-complaint' : 'ignored', suppress: 'complained' };
    });
  } else if (notification.type === 'Bounce' && notification.bounce) {
    const hard = notification.bounce.bounceType === 'Permanent';
    const reason = `bounce ${notification.bounce.bounceType}${notification.bounce.bounceSubType ? `/${notification.bounce.bounceSubType}` : ''}`;
    await each(notification.bounce.bouncedRecipients, async (hash) => {
      const state: { action: Action } = { action: 'ignored' };
      await updateSubscriber(deps.subscribers, hash, (s): Subscriber | null => {
        if (!s || s.status === 'bounced' || s.status === 'complained') {
          state.action = 'ignored';
          return null;
        }
        if (hard) {
          state.action = 'suppressed-bounce';
          return { ...s, status: 'bounced', statusReason: reason.slice(0, 200), updatedAt: at };
        }
        // Counted once per notification, even if the ledger could not record it after an earlier attempt.
        if (key && s.softBounceKeys.includes(key)) {
          state.action = 'ignored';
          return null;
        }
        const recent =
          s.lastSoftBounceAt !== null && now.getTime() - Date.parse(s.lastSoftBounceAt) <= windowMs;
        const softBounces = (recent ? s.softBounces : 0) + 1;
        const suppress = softBounces >= limit;
        state.action = suppress ? 'suppressed-bounce' : 'soft-bounce';
        return {
          ...s,
          softBounces,
          lastSoftBounceAt: at,
          softBounceKeys: key ? [...s.softBounceKeys, key].slice(-10) : s.softBounceKeys,
          updatedAt: at,
          ...(suppress ? { status: 'bounced' as const, statusReason: `${limit} soft bounces` } : {}),
        };
      });
      const suppress: MailboxSuppression | null =
        hard || state.action === 'suppressed-bounce' ? 'bounced' : null;
      return { action: state.action, suppress };
    });
  }
  return result;
}

/** The mailbox suppression a notification implies whatever the subscriber record says. */
function hardSuppression(notification: SesNotification): MailboxSuppression | null {
  if (notification.type === 'Complaint') return 'complained';
  if (notification.type === 'Bounce' && notification.bounce?.bounceType === 'Permanent') return 'bounced';
  return null;
}

/** `Name <a@b>` → `a@b`; a bare address is returned as is. */
function bareAddress(value: string): string {
  const match = /<([^<>]+)>\s*$/.exec(value);
  return match?.[1] ?? value;
}
