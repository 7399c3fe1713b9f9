/**
 * Local delivery for the CLI: plan + deliver in-process, the outbox Mailer instead of SES, the issue
 * archive and the state store (subscribers, ledger) on the filesystem. Same ledger, so re-running is
 * idempotent: only recipients not yet in the ledger get a new .eml.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ArchiveStore } from '../archive/store';
import { type Clock, type Reporter, realSleep } from '../ports';
import { deliverBatch } from './deliver';
import { createEmailLoader, type MessageSettings } from './email';
import { createLedger } from './ledger';
import { createOutboxMailer } from './outbox-mailer';
import { deliverableSubscribers, planDelivery } from './plan';
import { createMemorySendQueue } from './queue';
import { unlimited } from './rate-limiter';
import type { SendMessage } from './send-message';
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
  /** Delivers the alert edition `issueId` (from `alerts/`) as the alert mail of this UTC day. */
  alertDay?: string;
}): Promise<LocalDeliveryResult> {
  const subscribers = createSubscriberStore(input.state);
  const queue = createMemorySendQueue();
  const plan = await planDelivery({
    issueId: input.issueId,
    subscribers,
    queue,
    recipientsPerMessage: input.recipientsPerMessage,
    reporter: input.reporter,
    ...(input.alertDay === undefined ? {} : { alertDay: input.alertDay }),
  });
  const totals = await deliverMessagesLocally(queue.drain(), input);
  return { issueId: input.issueId, recipients: plan.recipients, ...totals, outboxDir: input.outboxDir };
}

/** Who a local delivery would reach, as `previewLocalDelivery` counts it. */
export interface LocalDeliveryPreview {
  /** Active subscribers the issue goes to. */
  recipients: number;
  /** Of those, how many the ledger already has as sent for this issue. */
  alreadySent: number;
}

/**
 * Counts who a local delivery of `issueId` would reach, reading the subscriber list and the ledger and
 * writing nothing (for `run --dry-run`).
 */
export async function previewLocalDelivery(input: {
  issueId: string;
  /** The state store holding `subscribers/` and `ledger/`. */
  state: ArchiveStore;
  reporter?: Reporter;
}): Promise<LocalDeliveryPreview> {
  const { recipients } = await deliverableSubscribers(createSubscriberStore(input.state), input.reporter);
  const ledger = createLedger(input.state);
  let alreadySent = 0;
  for (const r of recipients) {
    if ((await ledger.read(input.issueId, r.hash))?.state === 'sent') alreadySent++;
  }
  return { recipients: recipients.length, alreadySent };
}

/**
 * Delivers planned send batches (deliverIssueLocally's plan, or what the alert run enqueued into a memory
 * queue) with the sender core, the outbox mailer and the local ledger.
 */
export async function deliverMessagesLocally(
  messages: readonly SendMessage[],
  input: {
    archive: ArchiveStore;
    state: ArchiveStore;
    outboxDir: string;
    settings: MessageSettings;
    clock: Clock;
    reporter?: Reporter;
  },
): Promise<{ sent: number; skipped: number; failed: number }> {
  const deps = {
    emails: createEmailLoader(input.archive),
    subscribers: createSubscriberStore(input.state),
    ledger: createLedger(input.state),
    mailer: createOutboxMailer(input.outboxDir),
    limiter: unlimited,
    clock: input.clock,
    sleep: realSleep,
    random: Math.random,
    reporter: input.reporter,
  };
  const totals = { sent: 0, skipped: 0, failed: 0 };
  for (const message of messages) {
    const outcome = await deliverBatch(message, deps, { ...input.settings, concurrency: 4 });
    totals.sent += outcome.sent.length;
    totals.skipped += outcome.skipped.length;
    totals.failed += outcome.failed.length;
  }
  return totals;
}

/**
 * Message settings for local runs: HASHBRIEF_TOKEN_SECRET, else a random secret created once in
 * `<localDir>/.token-secret` (mode 0600) so local unsubscribe links stay valid across runs; links point
 * at HASHBRIEF_LINKS_BASE_URL or, when unset, at `https://unsubscribe.invalid` (no local endpoint).
 */
export async function localMessageSettings(input: {
  localDir: string;
  from: string;
  linksBaseUrl?: string;
  tokenSecret?: string;
}): Promise<MessageSettings> {
  return {
    from: input.from,
    linksBaseUrl: input.linksBaseUrl ?? LOCAL_LINKS_BASE_URL,
    tokenSecret: input.tokenSecret ?? (await localTokenSecret(input.localDir)),
  };
}

/** Link base used locally when HASHBRIEF_LINKS_BASE_URL is unset. */
export const LOCAL_LINKS_BASE_URL = 'https://unsubscribe.invalid';

async function localTokenSecret(localDir: string): Promise<string> {
  const file = path.join(localDir, '.token-secret');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(localDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  try {
    await writeFile(file, `${secret}\n`, { flag: 'wx', mode: 0o600 });
    return secret;
  } catch (error) {
    // Another process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return (await readFile(file, 'utf8')).trim();
    throw error;
  }
}
