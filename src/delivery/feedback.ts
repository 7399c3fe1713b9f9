/**
 * SES bounce and complaint feedback (SES notifications delivered through SNS). Hard bounces and
 * complaints suppress the address at once; soft (transient or undetermined) bounces suppress it after
 * `softBounceLimit` (3) within `softBounceWindowMs` (30 days).
 */
import { z } from 'zod';
import type { Clock, Reporter } from '../ports';
import { hashNormalizedAddress, normalizeAddress } from './address';
import { InvalidAddressError } from './errors';
import { type SubscriberStore, updateSubscriber } from './subscribers';

const recipients = z.array(z.object({ emailAddress: z.string() }).loose());

const bounceSchema = z
  .object({
    bounceType: z.enum(['Permanent', 'Transient', 'Undetermined']),
    bounceSubType: z.string().optional(),
    bouncedRecipients: recipients,
  })
  .loose();

const complaintSchema = z
  .object({ complainedRecipients: recipients, complaintFeedbackType: z.string().optional() })
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
  actions: {
    subscriber: string;
    action: 'suppressed-bounce' | 'suppressed-complaint' | 'soft-bounce' | 'ignored';
  }[];
}

/** Feedback settings. */
export interface FeedbackSettings {
  softBounceLimit?: number;
  softBounceWindowMs?: number;
}

/** Applies one parsed SES notification to the subscriber list. */
export async function handleSesNotification(
  notification: SesNotification,
  deps: { subscribers: SubscriberStore; clock: Clock; reporter?: Reporter },
  settings: FeedbackSettings = {},
): Promise<FeedbackResult> {
  const limit = settings.softBounceLimit ?? 3;
  const windowMs = settings.softBounceWindowMs ?? 30 * 24 * 3600 * 1000;
  const result: FeedbackResult = { type: notification.type, actions: [] };
  const now = deps.clock();
  const at = now.toISOString();

  const each = async (
    addresses: { emailAddress: string }[],
    apply: (hash: string) => Promise<FeedbackResult['actions'][number]['action']>,
  ) => {
    for (const { emailAddress } of addresses) {
      let hash: string;
      try {
        hash = hashNormalizedAddress(normalizeAddress(bareAddress(emailAddress)));
      } catch (error) {
        if (error instanceof InvalidAddressError) continue;
        throw error;
      }
      const action = await apply(hash);
      result.actions.push({ subscriber: hash, action });
      deps.reporter?.info('ses feedback', { type: notification.type, subscriber: hash, action });
    }
  };

  if (notification.type === 'Complaint' && notification.complaint) {
    await each(notification.complaint.complainedRecipients, async (hash) => {
      const { changed } = await updateSubscriber(deps.subscribers, hash, (s) =>
        s && s.status !== 'complained'
          ? { ...s, status: 'complained', statusReason: 'complaint', updatedAt: at }
          : null,
      );
      return changed ? 'suppressed-complaint' : 'ignored';
    });
  } else if (notification.type === 'Bounce' && notification.bounce) {
    const hard = notification.bounce.bounceType === 'Permanent';
    const reason = `bounce ${notification.bounce.bounceType}${notification.bounce.bounceSubType ? `/${notification.bounce.bounceSubType}` : ''}`;
    await each(notification.bounce.bouncedRecipients, async (hash) => {
      let action: FeedbackResult['actions'][number]['action'] = 'ignored';
      await updateSubscriber(deps.subscribers, hash, (s) => {
        if (!s || s.status === 'bounced' || s.status === 'complained') {
          action = 'ignored';
          return null;
        }
        if (hard) {
          action = 'suppressed-bounce';
          return { ...s, status: 'bounced', statusReason: reason.slice(0, 200), updatedAt: at };
        }
        const recent =
          s.lastSoftBounceAt !== null && now.getTime() - Date.parse(s.lastSoftBounceAt) <= windowMs;
        const softBounces = (recent ? s.softBounces : 0) + 1;
        const suppress = softBounces >= limit;
        action = suppress ? 'suppressed-bounce' : 'soft-bounce';
        return {
          ...s,
          softBounces,
          lastSoftBounceAt: at,
          updatedAt: at,
          ...(suppress ? { status: 'bounced' as const, statusReason: `${limit} soft bounces` } : {}),
        };
      });
      return action;
    });
  }
  return result;
}

/** `Name <a@b>` → `a@b`; a bare address is returned as is. */
function bareAddress(value: string): string {
  const match = /<([^<>]+)>\s*$/.exec(value);
  return match?.[1] ?? value;
}
