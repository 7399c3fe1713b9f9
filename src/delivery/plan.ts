/**
 * Planning: after the issue is archived, split the active subscribers into send batches and enqueue them.
 * Re-planning the same issue is harmless: the ledger makes the sender skip recipients already sent.
 */
import type { Reporter } from '../ports';
import type { SendMessage, SendQueue } from './queue';
import { listActiveSubscribers, type SubscriberStore } from './subscribers';

/** Result of planning one issue. */
export interface DeliveryPlan {
  issueId: string;
  recipients: number;
  /** SQS messages enqueued. */
  queued: number;
}

/** Enqueues one message per `recipientsPerMessage` active subscribers (default 50). */
export async function planDelivery(input: {
  issueId: string;
  subscribers: SubscriberStore;
  queue: SendQueue;
  recipientsPerMessage?: number;
  reporter?: Reporter;
}): Promise<DeliveryPlan> {
  const size = input.recipientsPerMessage ?? 50;
  const active = await listActiveSubscribers(input.subscribers);
  const messages: SendMessage[] = [];
  for (let i = 0; i < active.length; i += size) {
    messages.push({
      v: 1,
      issueId: input.issueId,
      recipients: active.slice(i, i + size).map((s) => ({ id: s.hash })),
    });
  }
  await input.queue.enqueue(messages);
  input.reporter?.info('delivery planned', {
    issueId: input.issueId,
    recipients: active.length,
    queued: messages.length,
  });
  return { issueId: input.issueId, recipients: active.length, queued: messages.length };
}
