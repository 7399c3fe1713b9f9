/**
 * The feedback ledger: one object per SES notification at `feedback/<sha256(dedupe key)>.json`, so a
 * notification SNS delivers more than once (its retries, or the same bounce reaching us through both the
 * identity's and the configuration set's topic) is applied once. The dedupe key is SES's `feedbackId`
 * when the notification has one, else the SNS MessageId (feedback.ts).
 *
 * Protocol, with conditional writes only:
 *   1. begin: create `{ state: 'applying' }` only if absent (If-None-Match: *). Found `done` → a duplicate:
 *      skip it. Found `applying` → an earlier attempt died before step 3 (or runs right now): apply again,
 *      which is safe because every action is idempotent on its own (a bounce or complaint sets a status
 *      that is not set twice; a soft bounce is counted once per key, in the subscriber record).
 *   2. apply the notification.
 *   3. finish: replace the entry with `{ state: 'done' }`, If-Match on the version from step 1.
 * Applying before recording (not the other way round) means a crash can only repeat work, never lose a
 * bounce or a complaint.
 */
import { z } from 'zod';
import { sha256Hex } from '../archive/hash';
import type { ArchiveStore } from '../archive/store';
import { readStoredJson } from '../archive/stored-json';
import { CorruptRecordError } from './errors';

const entrySchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('applying'), startedAt: z.iso.datetime() }),
  z.object({ state: z.literal('done'), startedAt: z.iso.datetime(), doneAt: z.iso.datetime() }),
]);

export type FeedbackLedgerEntry = z.infer<typeof entrySchema>;

/** Outcome of {@link FeedbackLedger.begin}: apply (first time, or again after a failed attempt) or skip. */
export type FeedbackBegin =
  | { kind: 'new'; etag: string; startedAt: string }
  | { kind: 'retry'; etag: string | null; startedAt: string }
  | { kind: 'done' };

/** The feedback ledger port. */
export interface FeedbackLedger {
  begin(key: string, now: Date): Promise<FeedbackBegin>;
  /**
   * Records the notification as applied; false when another attempt recorded it first (or `begin` could
   * not pin a version, `etag` null: the next delivery then applies it once more, harmlessly).
   */
  finish(key: string, begun: { etag: string | null; startedAt: string }, now: Date): Promise<boolean>;
  read(key: string): Promise<FeedbackLedgerEntry | null>;
}

/** The store key of a dedupe key (hashed: keys are SES and SNS ids, not chosen by us). */
export function feedbackLedgerKey(key: string): string {
  return `feedback/${sha256Hex(key)}.json`;
}

const JSON_TYPE = { contentType: 'application/json' };

/** A FeedbackLedger on any ArchiveStore. */
export function createFeedbackLedger(store: ArchiveStore): FeedbackLedger {
  const read = (objectKey: string) =>
    readStoredJson(
      store,
      objectKey,
      entrySchema,
      (problem, options) => new CorruptRecordError(`feedback ledger entry ${objectKey}: ${problem}`, options),
    );
  return {
    async begin(key, now) {
      const objectKey = feedbackLedgerKey(key);
      const startedAt = now.toISOString();
      const body = JSON.stringify({ state: 'applying', startedAt } satisfies FeedbackLedgerEntry);
      for (let attempt = 0; attempt < 3; attempt++) {
        const created = await store.putIfMatch(objectKey, body, null, JSON_TYPE);
        if (created !== 'conflict') return { kind: 'new', etag: created, startedAt };
        const current = await read(objectKey);
        if (!current) continue; // removed between the two calls: try to create it again
        if (current.value.state === 'done') return { kind: 'done' };
        return { kind: 'retry', etag: current.etag, startedAt: current.value.startedAt };
      }
      // The entry keeps appearing and vanishing: apply without it rather than drop the notification.
      return { kind: 'retry', etag: null, startedAt };
    },
    async finish(key, begun, now) {
      if (begun.etag === null) return false;
      const entry: FeedbackLedgerEntry = {
        state: 'done',
        startedAt: begun.startedAt,
        doneAt: now.toISOString(),
      };
      const result = await store.putIfMatch(
        feedbackLedgerKey(key),
        JSON.stringify(entry),
        begun.etag,
        JSON_TYPE,
      );
      return result !== 'conflict';
    },
    async read(key) {
      return (await read(feedbackLedgerKey(key)))?.value ?? null;
    },
  };
}
