/**
 * Local delivery for the CLI: plan + deliver in-process, the outbox Mailer instead of SES, the issue
 * archive and the state store (subscribers, ledger) on the filesystem. Same ledger, so re-running is
 * idempotent: only recipients not yet in the ledger get a new .eml.
 */
import type { ArchiveStore } from '../archive/store';
import { type Clock, type Reporter, realSleep } from '../ports';
import { deliverBatch } from './deliver';
import { createEmailLoader, type MessageSettings } from './email';
import { createLedger } from './ledger';
import { createOutboxMailer } from './outbox-mailer';
import { planDelivery } from './plan';
import { createMemorySendQueue } from './queue';
import { unlimited } from './rate-limiter';
import { createSubscriberStore } from './subscribers';

/** Totals of a local delivery. */
export interface LocalDeliveryResult {
  issueId: string;
  recipients: number;
  sent: number;
  skipped: number;
  failed: number;
  outboxDir: string;
}

/**
 * Delivers an archived issue to every active subscriber of the local list as .eml files under
 * `<outboxDir>/<issueId>/<subscriberHash>.eml`.
 */
export async function deliverIssueLocally(input: {
  issueId: string;
  /** The issue archive (reads `issues/<id>/email.json` and charts). */
  archive: ArchiveStore;
  /** The state store holding `subscribers/` and `ledger/` (the local state folder). */
  state: ArchiveStore;
  outboxDir: string;
  settings: MessageSettings;
  recipientsPerMessage?: number;
  clock: Clock;
  reporter?: Reporter;
}): Promise<LocalDeliveryResult> {
  const subscribers = createSubscriberStore(input.state);
  const queue = createMemorySendQueue();
  const plan = await planDelivery({
    issueId: input.issueId,
    subscribers,
    queue,
    recipientsPerMessage: input.recipientsPerMessage,
    reporter: input.reporter,
  });
  const deps = {
    emails: createEmailLoader(input.archive),
    subscribers,
    ledger: createLedger(input.state),
    mailer: createOutboxMailer(input.outboxDir),
    limiter: unlimited,
    clock: input.clock,
    sleep: realSleep,
    random: Math.random,
  };
  const totals = { sent: 0, skipped: 0, failed: 0 };
  for (const message of queue.drain()) {
    const outcome = await deliverBatch(message, deps, { ...input.settings, concurrency: 4 });
    totals.sent += outcome.sent.length;
    totals.skipped += outcome.skipped.length;
    totals.failed += outcome.failed.length;
  }
  return { issueId: input.issueId, recipients: plan.recipients, ...totals, outboxDir: input.outboxDir };
}
