/**
 * The sender core: deliver one send batch (one SQS message) exactly once per (issue, subscriber), as far
 * as the ledger protocol allows (see ledger.ts for the one remaining duplicate window).
 */
import { mapConcurrent } from '../concurrency';
import type { Clock, Random, Reporter, Sleep } from '../ports';
import { hashNormalizedAddress, normalizeAddress } from './address';
import { buildIssueMessage, type EmailLoader, type LoadedEmail, type MessageSettings } from './email';
import { AmbiguousSendError, SendError, UnreadableSubscriberError } from './errors';
import type { ClaimResult, Ledger } from './ledger';
import type { Mailer } from './mailer';
import { type RateLimiter, type RetryPolicy, withBackoff } from './rate-limiter';
import { ledgerIdOf, type SendMessage } from './send-message';
import {
  type SubscriberStore,
  UNREADABLE_RECORD_WARNING,
  type VersionedSubscriber,
  wantsMail,
} from './subscribers';

/** What deliverBatch needs from the outside world. */
export interface SenderDeps {
  emails: EmailLoader;
  subscribers: SubscriberStore;
  ledger: Ledger;
  mailer: Mailer;
  limiter: RateLimiter;
  clock: Clock;
  sleep: Sleep;
  random: Random;
  reporter?: Reporter;
  retry?: RetryPolicy;
  /**
   * Milliseconds left before the runtime ends the invocation (Lambda's `getRemainingTimeInMillis`). Unset
   * means no deadline (the local CLI).
   */
  timeLeftMs?: () => number;
}

/**
 * Time a recipient needs once claimed: a rate-limited send that may be retried with backoff, plus the
 * ledger write. A recipient is not claimed, and a claimed one not sent, with less time left than this, so
 * the runtime's timeout never ends an invocation in the middle of a send (the duplicate window).
 */
export const SEND_TIME_MARGIN_MS = 15_000;

/** Reason given for recipients left for the message's redelivery because the invocation ran out of time. */
export const OUT_OF_TIME = 'out of time';

/** Reason given for a recipient whose send failed in a way SES may still have accepted (claim kept). */
export const SEND_OUTCOME_UNKNOWN = 'send outcome unknown';

/** Thrown inside a send attempt when the deadline is too close to start it; nothing was sent. */
export class OutOfTimeError extends Error {
  override name = 'OutOfTimeError';
}

/** True when there is a deadline and less than {@link SEND_TIME_MARGIN_MS} remains before it. */
export function outOfTime(timeLeftMs: (() => number) | undefined): boolean {
  return timeLeftMs !== undefined && timeLeftMs() < SEND_TIME_MARGIN_MS;
}

/** Sender settings; `concurrency` is the number of recipients of one batch in flight (default 8). */
export interface SenderSettings extends MessageSettings {
  concurrency?: number;
}

/** Per-recipient outcome of a batch; any `failed` entry means the SQS message must come back. */
export interface BatchOutcome {
  sent: string[];
  /** `unreadable`: the subscriber object could not be read (logged with its id; not retried). */
  /** `opted-out`: active, but no longer wants this kind of mail (preferences changed after planning). */
  skipped: { id: string; reason: 'already-sent' | 'not-subscribed' | 'opted-out' | 'unreadable' }[];
  failed: { id: string; reason: string }[];
}

/**
 * Delivers one batch. Recipients already in the ledger or no longer active are skipped; a refused send
 * (after backoff), a claim held by another live sender, a recipient left because the invocation is about
 * to run out of time (`deps.timeLeftMs`, reason {@link OUT_OF_TIME}), or a send SES may have accepted
 * before failing ({@link AmbiguousSendError}, reason {@link SEND_OUTCOME_UNKNOWN}: not retried, claim
 * kept) is reported in `failed`, so the message comes back and its retry sends only to them. An
 * unreadable subscriber object is skipped with a warning naming its id. Errors that are not send failures
 * (store outages, bugs) propagate, but only after every recipient already started has settled (sent and
 * recorded, or failed): no send is left running, and no claim left in `sending`, behind the returned
 * error. The failing recipient's own claim stays until its lease runs out, as after a crash.
 */
export async function deliverBatch(
  message: SendMessage,
  deps: SenderDeps,
  settings: SenderSettings,
): Promise<BatchOutcome> {
  const alert = message.alertDay !== undefined;
  const loaded = await deps.emails(message.issueId, alert ? 'alert' : 'issue');
  // An alert mail is recorded per reader and mail day: one alert mail a day, whatever the editions.
  const batch: Batch = { message, alert, loaded, ledgerId: ledgerIdOf(message), deps, settings };
  const outcome: BatchOutcome = { sent: [], skipped: [], failed: [] };
  await mapConcurrent(message.recipients, settings.concurrency ?? 8, async ({ id }) => {
    const result = await deliverOne(batch, id);
    if (result.kind === 'sent') outcome.sent.push(id);
    else if (result.kind === 'skipped') outcome.skipped.push({ id, reason: result.reason });
    else outcome.failed.push({ id, reason: result.reason });
  });
  deps.reporter?.info('batch delivered', {
    issueId: message.issueId,
    sent: outcome.sent.length,
    skipped: outcome.skipped.length,
    failed: outcome.failed.length,
    outOfTime: outcome.failed.filter((f) => f.reason === OUT_OF_TIME).length,
  });
  return outcome;
}

/** What every recipient of one batch shares. */
interface Batch {
  message: SendMessage;
  /** An alert edition (recorded per reader and mail day), not a weekly issue. */
  alert: boolean;
  loaded: LoadedEmail;
  /** The ledger's issue id for this batch (see ledgerIdOf). */
  ledgerId: string;
  deps: SenderDeps;
  settings: SenderSettings;
}

type SkipReason = BatchOutcome['skipped'][number]['reason'];

/** How one recipient of a batch ended. */
type RecipientOutcome =
  | { kind: 'sent' }
  | { kind: 'skipped'; reason: SkipReason }
  | { kind: 'failed'; reason: string };

/** A claim this sender holds, to finish (mark sent) or give back (release). */
type HeldClaim = Extract<ClaimResult, { kind: 'claimed' }>;

const skipped = (reason: SkipReason): RecipientOutcome => ({ kind: 'skipped', reason });
const failed = (reason: string): RecipientOutcome => ({ kind: 'failed', reason });

/**
 * Delivers the batch to one recipient: checks they still want this mail, claims them in the ledger,
 * sends, and records the send. See deliverBatch for what each outcome means and what propagates.
 */
async function deliverOne(batch: Batch, id: string): Promise<RecipientOutcome> {
  const { deps, ledgerId } = batch;
  const recipient = await readRecipient(batch, id);
  if (recipient.kind !== 'mail') return recipient;
  if (outOfTime(deps.timeLeftMs)) return failed(OUT_OF_TIME);
  const claim = await deps.ledger.claim(ledgerId, id, deps.clock());
  if (claim.kind === 'sent') return skipped('already-sent');
  if (claim.kind === 'in-flight') return failed('claimed by another sender');
  const sent = await sendClaimed(batch, id, recipient.current, claim);
  if (sent.kind !== 'mailed') return sent;
  const recorded = await deps.ledger.markSent(ledgerId, id, claim, {
    messageId: sent.messageId,
    at: deps.clock(),
  });
  if (!recorded)
    deps.reporter?.warn('ledger claim lost after send', { issueId: batch.message.issueId, recipient: id });
  return { kind: 'sent' };
}

/**
 * Reads the recipient's subscriber object and says whether to mail them: not when it cannot be read,
 * they are no longer active, no longer want this kind of mail, or were already sent it under another id.
 */
async function readRecipient(
  batch: Batch,
  id: string,
): Promise<{ kind: 'mail'; current: VersionedSubscriber } | RecipientOutcome> {
  const { deps } = batch;
  let current: VersionedSubscriber | null;
  try {
    current = await deps.subscribers.get(id);
  } catch (error) {
    if (!(error instanceof UnreadableSubscriberError)) throw error;
    // One bad object must not stop the batch: skip it (a retry would not help), name it, and let the
    // alarm on this warning send the operator to `hashbrief subscribers doctor`.
    deps.reporter?.warn(UNREADABLE_RECORD_WARNING, { subscriber: id, reason: error.reason });
    return skipped('unreadable');
  }
  if (current?.subscriber.status !== 'active') return skipped('not-subscribed');
  if (!wantsMail(current.subscriber, batch.alert ? 'alerts' : 'weekly')) return skipped('opted-out');
  if (await sentUnderAnotherId(deps.ledger, batch.ledgerId, id, current)) return skipped('already-sent');
  return { kind: 'mail', current };
}

/**
 * Builds the recipient's message and sends it under the claim, with backoff. A message that cannot be
 * built gives the claim back and propagates; a failed send ends as a `failed` outcome (see
 * sendFailureOutcome) or propagates when it is not a send failure.
 */
async function sendClaimed(
  batch: Batch,
  id: string,
  current: VersionedSubscriber,
  claim: HeldClaim,
): Promise<{ kind: 'mailed'; messageId: string } | RecipientOutcome> {
  const { deps, settings, message, ledgerId } = batch;
  const to = current.subscriber.address;
  let raw: Buffer;
  try {
    raw = await buildIssueMessage({
      loaded: batch.loaded,
      settings,
      to,
      subscriberHash: id,
      now: deps.clock(),
      choices: current.subscriber,
    });
  } catch (error) {
    await deps.ledger.release(ledgerId, id, claim, deps.clock());
    throw error;
  }
  try {
    const { messageId } = await withBackoff(
      () => {
        // Checked after the rate limiter's wait and each backoff sleep, which can be long at low rates.
        if (outOfTime(deps.timeLeftMs)) throw new OutOfTimeError('too little time left to send');
        return deps.mailer.send({
          kind: batch.alert ? 'alert' : 'issue',
          issueId: message.issueId,
          recipientHash: id,
          from: settings.from,
          to,
          raw,
        });
      },
      { limiter: deps.limiter, sleep: deps.sleep, random: deps.random, policy: deps.retry },
    );
    return { kind: 'mailed', messageId };
  } catch (error) {
    return await sendFailureOutcome(batch, id, claim, error);
  }
}

/**
 * What a failed send means for the recipient: out of time and refused sends give the claim back; a send
 * SES may have accepted keeps it. Anything that is not a send failure propagates, claim kept.
 */
async function sendFailureOutcome(
  batch: Batch,
  id: string,
  claim: HeldClaim,
  error: unknown,
): Promise<RecipientOutcome> {
  const { deps, ledgerId, message } = batch;
  if (error instanceof OutOfTimeError) {
    // This attempt never started and any earlier one was refused: nothing was sent, so the claim can
    // be given back at once.
    await deps.ledger.release(ledgerId, id, claim, deps.clock());
    return failed(OUT_OF_TIME);
  }
  if (error instanceof AmbiguousSendError) {
    // SES may have accepted the message: keep the claim, so no sender mails this recipient again
    // before the lease runs out; the message's redelivery (after the visibility timeout, longer than
    // the lease) takes it over and sends once more with the same Message-ID. See docs/delivery.md.
    deps.reporter?.warn('send outcome unknown', {
      issueId: message.issueId,
      recipient: id,
      error: error.message,
    });
    return failed(SEND_OUTCOME_UNKNOWN);
  }
  if (!(error instanceof SendError)) throw error;
  await deps.ledger.release(ledgerId, id, claim, deps.clock());
  deps.reporter?.warn('send refused', { issueId: message.issueId, recipient: id, error: error.message });
  return failed(error.message);
}

/**
 * True when the ledger already has this issue as sent to the subscriber under another of its ids: the id
 * it is stored under now, or one it had before a merge (`formerIds`). A plan made before the ids were
 * merged and a plan made after them name the same reader differently; only one of them may mail.
 */
async function sentUnderAnotherId(
  ledger: Ledger,
  issueId: string,
  plannedId: string,
  current: VersionedSubscriber,
): Promise<boolean> {
  const others = new Set([current.hash, ...current.subscriber.formerIds]);
  others.delete(plannedId);
  for (const other of others) {
    if ((await ledger.read(issueId, other))?.state === 'sent') return true;
  }
  return false;
}

/**
 * A test send of an archived issue to one address, outside the ledger and the subscriber list
 * (`hashbrief send ID --to ADDR`, the report Lambda's `sendTo`). The subject is prefixed `[test] `.
 */
export async function sendTestEmail(input: {
  issueId: string;
  to: string;
  emails: EmailLoader;
  mailer: Mailer;
  settings: MessageSettings;
  clock: Clock;
}): Promise<{ recipientHash: string; messageId: string }> {
  const to = normalizeAddress(input.to);
  const recipientHash = hashNormalizedAddress(to);
  const loaded = await input.emails(input.issueId);
  const raw = await buildIssueMessage({
    loaded,
    settings: input.settings,
    to,
    subscriberHash: recipientHash,
    now: input.clock(),
    subjectPrefix: '[test] ',
  });
  const { messageId } = await input.mailer.send({
    kind: 'test',
    issueId: input.issueId,
    recipientHash,
    from: input.settings.from,
    to,
    raw,
  });
  return { recipientHash, messageId };
}
