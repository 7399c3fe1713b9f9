/**
 * One alert mail per reader per day, planned once: `runs/alert-mail/<day>.json` records which edition owns
 * a UTC mail day. The first edition to claim the day (a conditional create) is the one mailed; the record
 * is marked planned after the enqueue, so a run that dies in between enqueues again (the send ledger, which
 * counts alert mail per reader and day, keeps anyone from getting it twice). Private, never on the CDN.
 */

import { z } from 'zod';
import type { ArchiveStore } from '../archive/store';
import { readStoredJson } from '../archive/stored-json';
import { CALENDAR_DAY_EXPECTED, isIsoDay } from '../days';
import type { Clock } from '../ports';

const RECORD = { contentType: 'application/json' };

const mailDaySchema = z.object({
  schemaVersion: z.literal(1),
  mailDay: z.string(),
  editionId: z.string(),
  claimedAt: z.string(),
  planned: z
    .object({
      at: z.string(),
      recipients: z.number().int().nonnegative(),
      queued: z.number().int().nonnegative(),
    })
    .nullable(),
});
export type MailDayRecord = z.infer<typeof mailDaySchema>;

/** `runs/alert-mail/<day>.json`. */
export function mailDayKey(day: string): string {
  if (!isIsoDay(day)) throw new TypeError(`mail day ${CALENDAR_DAY_EXPECTED} (got ${day})`);
  return `runs/alert-mail/${day}.json`;
}

/** The mail day's record cannot be read. */
export class MailDayRecordError extends Error {
  override name = 'MailDayRecordError';
}

function read(store: ArchiveStore, day: string): Promise<{ value: MailDayRecord; etag: string } | null> {
  const key = mailDayKey(day);
  return readStoredJson(
    store,
    key,
    mailDaySchema,
    (problem, options) => new MailDayRecordError(`${key}: ${problem}`, options),
  );
}

/** What claiming a mail day for an edition found. */
export type MailDayClaim =
  | { kind: 'ours'; etag: string }
  | { kind: 'planned'; record: MailDayRecord }
  | { kind: 'taken'; record: MailDayRecord };

/** Claims `day` for `editionId`: ours to plan, already planned by us, or taken by another edition. */
export async function claimMailDay(
  store: ArchiveStore,
  day: string,
  editionId: string,
  clock: Clock,
): Promise<MailDayClaim> {
  const record: MailDayRecord = {
    schemaVersion: 1,
    mailDay: day,
    editionId,
    claimedAt: clock().toISOString(),
    planned: null,
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    const created = await store.putIfMatch(mailDayKey(day), `${JSON.stringify(record)}\n`, null, RECORD);
    if (created !== 'conflict') return { kind: 'ours', etag: created };
    const current = await read(store, day);
    if (!current) continue;
    if (current.value.editionId !== editionId) return { kind: 'taken', record: current.value };
    if (current.value.planned) return { kind: 'planned', record: current.value };
    return { kind: 'ours', etag: current.etag };
  }
  throw new MailDayRecordError(`${mailDayKey(day)} kept changing; run the alerts again`);
}

/** Marks the day planned after the enqueue (If-Match on the claim). */
export async function markMailDayPlanned(
  store: ArchiveStore,
  day: string,
  editionId: string,
  claim: { etag: string },
  plan: { recipients: number; queued: number },
  clock: Clock,
): Promise<void> {
  const current = await read(store, day);
  if (!current || current.value.editionId !== editionId) return;
  const record: MailDayRecord = { ...current.value, planned: { at: clock().toISOString(), ...plan } };
  // A conflict means a concurrent run of the same edition marked it first: nothing left to do.
  await store.putIfMatch(mailDayKey(day), `${JSON.stringify(record)}\n`, claim.etag, RECORD);
}
