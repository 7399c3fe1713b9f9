/**
 * Planning: after the issue is archived, split the active subscribers into send batches and enqueue them.
 * Re-planning the same issue is harmless: the ledger makes the sender skip recipients already sent.
 */
import type { Reporter } from '../ports';
import { mailboxHash } from './address';
import { scanSuppressedMailboxes } from './mailbox';
import type { SendMessage, SendQueue } from './queue';
import {
  type MailKind,
  onePerIdentity,
  type SubscriberStore,
  scanSubscribers,
  type VersionedSubscriber,
  wantsMail,
} from './subscribers';

/** Result of planning one issue. */
export interface DeliveryPlan {
  issueId: string;
  recipients: number;
  /** SQS messages enqueued. */
  queued: number;
  /** Subscriber objects skipped because they could not be read (each logged with its id). */
  unreadable: number;
}

/**
 * The subscribers a mail of this kind goes to: one per identity (records of one address in different
 * case, stored before ids ignored case, count once, with the strongest status), active, wanting this kind
 * of mail (preferences: the weekly issue, the alerts), and not in a suppressed mailbox. Unreadable records
 * are skipped with a warning naming their id.
 */
export async function deliverableSubscribers(
  subscribers: SubscriberStore,
  reporter?: Reporter,
  kind: MailKind = 'weekly',
): Promise<{ recipients: VersionedSubscriber[]; unreadable: number }> {
  const scan = await scanSubscribers(subscribers, { reporter });
  const mailboxes = await scanSuppressedMailboxes(subscribers, reporter);
  const recipients = onePerIdentity(scan.records).filter(
    (r) =>
      r.subscriber.status === 'active' &&
      wantsMail(r.subscriber, kind) &&
      !mailboxes.suppressed.has(mailboxHash(r.subscriber.address)),
  );
  return { recipients, unreadable: scan.unreadable.length + mailboxes.unreadable.length };
}

/**
 * Enqueues one message per `recipientsPerMessage` deliverable subscribers (default 50). With `alertDay`,
 * the id is an alert edition's: it goes to the readers who want alerts, counted under that mail day.
 */
export async function planDelivery(input: {
  issueId: string;
  subscribers: SubscriberStore;
  queue: SendQueue;
  recipientsPerMessage?: number;
  reporter?: Reporter;
  alertDay?: string;
}): Promise<DeliveryPlan> {
  const size = input.recipientsPerMessage ?? 50;
  const kind = input.alertDay === undefined ? 'weekly' : 'alerts';
  const { recipients, unreadable } = await deliverableSubscribers(input.subscribers, input.reporter, kind);
  const messages: SendMessage[] = [];
  for (let i = 0; i < recipients.length; i += size) {
    messages.push({
      v: 1,
      issueId: input.issueId,
      ...(input.alertDay === undefined ? {} : { alertDay: input.alertDay }),
      recipients: recipients.slice(i, i + size).map((s) => ({ id: s.hash })),
    });
  }
  await input.queue.enqueue(messages);
  input.reporter?.info('delivery planned', {
    issueId: input.issueId,
    recipients: recipients.length,
    queued: messages.length,
    unreadable,
  });
  return { issueId: input.issueId, recipients: recipients.length, queued: messages.length, unreadable };
}
