/**
 * Per-mailbox records: the confirmation rate limit and the suppression of one mailbox (address.ts: the
 * identity without a `+tag`), shared by every spelling and tag of it.
 *
 * - `subscribers/ratelimit/<mailbox id>.json` `{ confirmationSentAt }`: at most one confirmation mail per
 *   mailbox per resend window, so `Victim@`, `vIctim@` and `victim+1@` together get one, not one each.
 * - `subscribers/suppressed/<mailbox id>.json` `{ suppression, suppressedAt, liftedAt }`: a hard bounce or a
 *   complaint of any tag suppresses the mailbox; the subscribe endpoint and imports then leave every tag of
 *   it alone, and planning skips them. Only an explicit `hashbrief subscribers add` lifts it (`liftedAt`).
 *   Kept apart from the rate limits so planning reads only the few suppressed mailboxes.
 *
 * Neither holds an address: the key is the mailbox id (sha256), the body only times.
 */
import { z } from 'zod';
import { mapConcurrent } from '../concurrency';
import type { Reporter } from '../ports';
import { parseJsonAs } from '../validated-json';
import { isSubscriberHash, mailboxHash } from './address';
import { ConcurrentUpdateError } from './errors';
import { type SubscriberStore, UNREADABLE_RECORD_WARNING } from './subscribers';

const isoTime = z.iso.datetime({ offset: true });

/** Statuses that suppress a whole mailbox, weakest first. */
export const MAILBOX_SUPPRESSIONS = ['bounced', 'complained'] as const;
export type MailboxSuppression = (typeof MAILBOX_SUPPRESSIONS)[number];

const rateLimitSchema = z.object({
  schemaVersion: z.literal(1),
  /** Last confirmation mail to any spelling or tag of the mailbox. */
  confirmationSentAt: isoTime.nullable(),
});

const suppressionSchema = z.object({
  schemaVersion: z.literal(1),
  suppression: z.enum(MAILBOX_SUPPRESSIONS).nullable(),
  suppressedAt: isoTime.nullable(),
  /** When an operator last lifted the suppression; suppressions dated before it are not applied again. */
  liftedAt: isoTime.nullable(),
});

export type MailboxSuppressionRecord = z.infer<typeof suppressionSchema>;

const RATE_LIMITS = 'subscribers/ratelimit/';
const SUPPRESSIONS = 'subscribers/suppressed/';
const JSON_TYPE = { contentType: 'application/json' };

/** The key of a mailbox's rate-limit record. */
export function rateLimitKey(mailboxId: string): string {
  return `${RATE_LIMITS}${mailboxId}.json`;
}

/** The key of a mailbox's suppression record. */
export function suppressionKey(mailboxId: string): string {
  return `${SUPPRESSIONS}${mailboxId}.json`;
}

type Read<T> = { kind: 'ok'; value: T; etag: string } | { kind: 'unreadable'; reason: string; etag: string };

async function read<T>(
  subscribers: SubscriberStore,
  key: string,
  schema: z.ZodType<T>,
): Promise<Read<T> | null> {
  const object = await subscribers.store.get(key);
  if (!object) return null;
  const parsed = parseJsonAs(object.body, schema);
  return parsed.ok
    ? { kind: 'ok', value: parsed.value, etag: object.etag }
    : { kind: 'unreadable', reason: parsed.problem, etag: object.etag };
}

/**
 * Read-modify-write of one record. An unreadable record is reported and then either replaced (`change`
 * gets `empty`: right for writes that only make things safer) or left alone, answering
 * `onUnreadable.result`.
 */
async function update<T, R>(
  subscribers: SubscriberStore,
  key: string,
  schema: z.ZodType<T>,
  empty: T,
  change: (current: T) => { next: T | null; result: R },
  onUnreadable: { replace: true } | { replace: false; result: R },
  reporter?: Reporter,
  attempts = 5,
): Promise<R> {
  for (let i = 0; i < attempts; i++) {
    const current = await read(subscribers, key, schema);
    if (current?.kind === 'unreadable') {
      reporter?.warn(UNREADABLE_RECORD_WARNING, { record: key, reason: current.reason });
      if (!onUnreadable.replace) return onUnreadable.result;
    }
    const { next, result } = change(current?.kind === 'ok' ? current.value : empty);
    if (!next) return result;
    const body = `${JSON.stringify(schema.parse(next))}\n`;
    if ((await subscribers.store.putIfMatch(key, body, current?.etag ?? null, JSON_TYPE)) !== 'conflict') {
      return result;
    }
  }
  throw new ConcurrentUpdateError(`${key} kept changing under us (${attempts} attempts)`);
}

const NO_RATE_LIMIT = { schemaVersion: 1 as const, confirmationSentAt: null };
const NOT_SUPPRESSED = { schemaVersion: 1 as const, suppression: null, suppressedAt: null, liftedAt: null };

/** Outcome of asking to send a confirmation mail to an address. */
export type ConfirmationGate = 'claimed' | 'rate-limited' | 'suppressed';

/**
 * Claims the right to send one confirmation mail to the mailbox of `normalized` now: 'suppressed' when the
 * mailbox is suppressed, 'rate-limited' when any spelling or tag of it got one within `resendAfterMs`,
 * else records the send time and answers 'claimed'. An unreadable suppression record answers
 * 'suppressed' (and is reported): it may hold a complaint; an unreadable rate-limit record is replaced.
 * Call it before mailing; give the claim back with {@link releaseConfirmation} when the mail could not be
 * sent, so the person can try again at once.
 */
export async function claimConfirmation(
  subscribers: SubscriberStore,
  normalized: string,
  now: Date,
  resendAfterMs: number,
  reporter?: Reporter,
): Promise<ConfirmationGate> {
  const suppressed = await mailboxSuppression(subscribers, normalized, reporter);
  if (suppressed) return 'suppressed';
  return update<z.infer<typeof rateLimitSchema>, ConfirmationGate>(
    subscribers,
    rateLimitKey(mailboxHash(normalized)),
    rateLimitSchema,
    NO_RATE_LIMIT,
    (current) => {
      const last = current.confirmationSentAt
        ? Date.parse(current.confirmationSentAt)
        : Number.NEGATIVE_INFINITY;
      if (now.getTime() - last < resendAfterMs) return { next: null, result: 'rate-limited' };
      return { next: { ...current, confirmationSentAt: now.toISOString() }, result: 'claimed' };
    },
    // A rate limit is not worth keeping a mailbox silent over: replace the unreadable record.
    { replace: true },
    reporter,
  );
}

/** Gives back a claim of {@link claimConfirmation} made at `claimedAt` whose mail was not sent. */
export async function releaseConfirmation(
  subscribers: SubscriberStore,
  normalized: string,
  claimedAt: Date,
): Promise<void> {
  await update(
    subscribers,
    rateLimitKey(mailboxHash(normalized)),
    rateLimitSchema,
    NO_RATE_LIMIT,
    (current) => ({
      next:
        current.confirmationSentAt === claimedAt.toISOString()
          ? { ...current, confirmationSentAt: null }
          : null,
      result: undefined,
    }),
    { replace: false, result: undefined },
  );
}

/**
 * Suppresses the mailbox of `normalized` (a complaint outranks a bounce) as of `suppressedAt` (default
 * now); returns true when this changed the record. A suppression dated at or before the last operator
 * lift is not applied again. An unreadable record is replaced: suppressing is the safe direction.
 */
export async function suppressMailbox(
  subscribers: SubscriberStore,
  normalized: string,
  suppression: MailboxSuppression,
  options: { suppressedAt: Date; reporter?: Reporter },
): Promise<boolean> {
  const at = options.suppressedAt;
  const rank = (s: MailboxSuppression | null) => (s === null ? 0 : MAILBOX_SUPPRESSIONS.indexOf(s) + 1);
  return update<MailboxSuppressionRecord, boolean>(
    subscribers,
    suppressionKey(mailboxHash(normalized)),
    suppressionSchema,
    NOT_SUPPRESSED,
    (current) => {
      if (current.liftedAt && Date.parse(current.liftedAt) >= at.getTime())
        return { next: null, result: false };
      if (rank(current.suppression) >= rank(suppression)) return { next: null, result: false };
      return { next: { ...current, suppression, suppressedAt: at.toISOString() }, result: true };
    },
    { replace: true },
    options.reporter,
  );
}

/**
 * Lifts the suppression of the mailbox of `normalized` (an operator re-adding the address) and records
 * when, so the doctor does not suppress it again for a bounce or complaint older than that. Writes only
 * when there is a suppression to lift or `overriding` is set (the re-added record itself was bounced or
 * complained). Returns what was lifted: the suppression, 'unreadable' (a record that could not be read,
 * replaced), or null.
 */
export async function liftMailboxSuppression(
  subscribers: SubscriberStore,
  normalized: string,
  now: Date,
  options: { overriding: boolean; reporter?: Reporter },
): Promise<MailboxSuppression | 'unreadable' | null> {
  const key = suppressionKey(mailboxHash(normalized));
  for (let i = 0; i < 5; i++) {
    const current = await read(subscribers, key, suppressionSchema);
    if (current?.kind === 'unreadable') {
      options.reporter?.warn(UNREADABLE_RECORD_WARNING, { record: key, reason: current.reason });
    }
    const lifted = current?.kind === 'ok' ? current.value.suppression : current ? 'unreadable' : null;
    if (!lifted && !options.overriding) return null;
    const next: MailboxSuppressionRecord = {
      schemaVersion: 1,
      suppression: null,
      suppressedAt: null,
      liftedAt: now.toISOString(),
    };
    const body = `${JSON.stringify(next)}\n`;
    if ((await subscribers.store.putIfMatch(key, body, current?.etag ?? null, JSON_TYPE)) !== 'conflict') {
      return lifted;
    }
  }
  throw new ConcurrentUpdateError(`${key} kept changing under us (5 attempts)`);
}

/** The suppression of the mailbox of `normalized`, or null; an unreadable record counts as suppressed. */
export async function mailboxSuppression(
  subscribers: SubscriberStore,
  normalized: string,
  reporter?: Reporter,
): Promise<MailboxSuppression | 'unreadable' | null> {
  const key = suppressionKey(mailboxHash(normalized));
  const current = await read(subscribers, key, suppressionSchema);
  if (!current) return null;
  if (current.kind === 'unreadable') {
    reporter?.warn(UNREADABLE_RECORD_WARNING, { record: key, reason: current.reason });
    return 'unreadable';
  }
  return current.value.suppression;
}

/** Suppressed mailbox ids; an unreadable suppression record counts as suppressed (and is reported). */
export async function scanSuppressedMailboxes(
  subscribers: SubscriberStore,
  reporter?: Reporter,
): Promise<{ suppressed: Set<string>; unreadable: { record: string; reason: string }[] }> {
  const keys = (await subscribers.store.list(SUPPRESSIONS)).filter((k) =>
    isSubscriberHash(k.slice(SUPPRESSIONS.length).replace(/\.json$/, '')),
  );
  const suppressed = new Set<string>();
  const unreadable: { record: string; reason: string }[] = [];
  const reads = await mapConcurrent(keys, 16, (key) => read(subscribers, key, suppressionSchema));
  reads.forEach((current, i) => {
    const key = keys[i] ?? '';
    const id = key.slice(SUPPRESSIONS.length).replace(/\.json$/, '');
    if (!current) return;
    if (current.kind === 'unreadable') {
      unreadable.push({ record: key, reason: current.reason });
      reporter?.warn(UNREADABLE_RECORD_WARNING, { record: key, reason: current.reason });
      suppressed.add(id);
    } else if (current.value.suppression) suppressed.add(id);
  });
  return { suppressed, unreadable };
}

/** The suppression record of the mailbox of `normalized` as stored (the doctor compares it with records). */
export async function readSuppression(
  subscribers: SubscriberStore,
  normalized: string,
): Promise<MailboxSuppressionRecord | 'unreadable' | null> {
  const current = await read(subscribers, suppressionKey(mailboxHash(normalized)), suppressionSchema);
  if (!current) return null;
  return current.kind === 'ok' ? current.value : 'unreadable';
}
