/**
 * The subscriber list's check and repair (`hashbrief subscribers doctor [--repair]`), on the filesystem
 * store or the bucket. It is also the migration to case-insensitive ids: run it with `--repair` once after
 * upgrading. Everything it writes is conditional on the version it read, so it is safe to run twice, to
 * interrupt, and to run while the functions are live.
 *
 * Problems found, and what `--repair` does:
 * - `legacy`: a record under the id of its address as typed (`Alice@…`, before ids ignored case), maybe one
 *   of several spellings of one address. Merged into the record of its identity, strongest status winning
 *   (subscribers.ts `mergeSubscribers`), and replaced by a moved marker so links in old emails still work.
 * - `unreadable`: a record that is not JSON, has a field outside its schema, or sits under the wrong id.
 *   When it still names a valid address it is salvaged field by field (an unreadable status becomes
 *   `unsubscribed`: never mail someone whose consent cannot be read) and stored under its identity;
 *   otherwise it is moved aside to `subscribers/quarantine/` (kept for the operator, out of every list).
 * - `unsuppressed-mailbox`: a bounced or complained record whose mailbox (every +tag of it) is not
 *   suppressed, as for records from before mailbox suppressions existed. The mailbox is suppressed, unless
 *   an operator lifted it after that bounce or complaint.
 * - `unreadable-suppression`: a mailbox suppression record that cannot be read (planning treats the
 *   mailbox as suppressed meanwhile). Moved aside; the suppressions the records imply are then re-applied.
 *
 * Findings and output name record ids, never addresses.
 */
import { z } from 'zod';
import { sha256Hex } from '../archive/hash';
import type { ArchiveStore } from '../archive/store';
import type { Reporter } from '../ports';
import { hashNormalizedAddress, mailboxHash, normalizeAddress } from './address';
import { InvalidAddressError } from './errors';
import { readSuppression, scanSuppressedMailboxes, suppressMailbox } from './mailbox';
import {
  mergeLegacyRecord,
  moveIntoIdentity,
  type Subscriber,
  type SubscriberStore,
  scanSubscribers,
  subscriberKey,
  subscriberSchema,
  type VersionedSubscriber,
} from './subscribers';

/** One problem the doctor found. `id` is a subscriber id, or the key of a mailbox record. */
export interface DoctorFinding {
  problem: 'legacy' | 'unreadable' | 'unsuppressed-mailbox' | 'unreadable-suppression';
  id: string;
  detail: string;
}

/** What a check found. */
export interface DoctorReport {
  location: string;
  /** Subscriber objects read (records, moved markers and unreadable ones). */
  checked: number;
  findings: DoctorFinding[];
}

/** What a repair did, one line per finding it fixed. */
export interface DoctorRepair {
  id: string;
  action: string;
}

/** Lists every problem of the subscriber list (read only). */
export async function checkSubscribers(
  subscribers: SubscriberStore,
  reporter?: Reporter,
): Promise<DoctorReport> {
  const scan = await scanSubscribers(subscribers, { reporter });
  const findings: DoctorFinding[] = [];
  const byIdentity = new Map<string, VersionedSubscriber[]>();
  for (const record of scan.records) {
    const identity = hashNormalizedAddress(record.subscriber.address);
    byIdentity.set(identity, [...(byIdentity.get(identity) ?? []), record]);
  }
  for (const record of scan.records.filter((r) => r.legacy)) {
    const identity = hashNormalizedAddress(record.subscriber.address);
    const spellings = byIdentity.get(identity)?.length ?? 1;
    findings.push({
      problem: 'legacy',
      id: record.hash,
      detail: `stored under its case-sensitive id; merges into ${identity}${spellings > 1 ? ` (${spellings} spellings of one address)` : ''}`,
    });
  }
  for (const { hash, reason } of scan.unreadable)
    findings.push({ problem: 'unreadable', id: hash, detail: reason });
  const mailboxes = await scanSuppressedMailboxes(subscribers, reporter);
  for (const { record, reason } of mailboxes.unreadable) {
    findings.push({ problem: 'unreadable-suppression', id: record, detail: reason });
  }
  for (const record of scan.records) {
    if (await needsMailboxSuppression(subscribers, record.subscriber)) {
      findings.push({
        problem: 'unsuppressed-mailbox',
        id: record.hash,
        detail: `${record.subscriber.status}, but its mailbox ${mailboxHash(record.subscriber.address)} is not suppressed`,
      });
    }
  }
  return {
    location: subscribers.store.location,
    checked: scan.records.length + scan.moved.length + scan.unreadable.length,
    findings,
  };
}

/**
 * Repairs what {@link checkSubscribers} finds (see the module comment) and returns what it did and what is
 * left (normally nothing; a record changed by someone else meanwhile is left for the next run).
 */
export async function repairSubscribers(
  subscribers: SubscriberStore,
  now: Date,
  reporter?: Reporter,
): Promise<{ before: DoctorReport; repairs: DoctorRepair[]; after: DoctorReport }> {
  const before = await checkSubscribers(subscribers, reporter);
  const repairs: DoctorRepair[] = [];
  // Order: records first (salvaging and merging can produce bounced or complained records), then the
  // unreadable suppression records, then the suppressions every record implies.
  for (const finding of before.findings.filter((f) => f.problem === 'unreadable')) {
    repairs.push({ id: finding.id, action: await repairUnreadable(subscribers, finding.id, now) });
  }
  for (const finding of before.findings.filter((f) => f.problem === 'legacy')) {
    const moved = await mergeLegacyRecord(subscribers, finding.id);
    if (moved) repairs.push({ id: finding.id, action: `merged into ${moved.to}` });
  }
  for (const finding of before.findings.filter((f) => f.problem === 'unreadable-suppression')) {
    const key = await quarantine(subscribers.store, finding.id);
    if (key) repairs.push({ id: finding.id, action: `moved aside to ${key}` });
  }
  const scan = await scanSubscribers(subscribers);
  for (const record of scan.records) {
    const status = record.subscriber.status;
    if (status !== 'bounced' && status !== 'complained') continue;
    if (!(await needsMailboxSuppression(subscribers, record.subscriber))) continue;
    const changed = await suppressMailbox(subscribers, record.subscriber.address, status, {
      suppressedAt: new Date(record.subscriber.updatedAt),
      reporter,
    });
    if (changed) repairs.push({ id: record.hash, action: `mailbox suppressed (${status})` });
  }
  return { before, repairs, after: await checkSubscribers(subscribers) };
}

/** True for a bounced or complained record whose mailbox does not carry that suppression (or stronger). */
async function needsMailboxSuppression(
  subscribers: SubscriberStore,
  subscriber: Subscriber,
): Promise<boolean> {
  if (subscriber.status !== 'bounced' && subscriber.status !== 'complained') return false;
  const current = await readSuppression(subscribers, subscriber.address);
  if (current === 'unreadable') return false; // reported on its own; planning treats it as suppressed
  if (current?.liftedAt && Date.parse(current.liftedAt) >= Date.parse(subscriber.updatedAt)) return false;
  if (current?.suppression === 'complained') return false;
  return current?.suppression !== subscriber.status;
}

/** Salvages or quarantines one unreadable subscriber object; returns what was done. */
async function repairUnreadable(subscribers: SubscriberStore, hash: string, now: Date): Promise<string> {
  const entry = await subscribers.inspect(hash);
  if (entry?.kind !== 'unreadable') return 'readable again, nothing to do';
  const salvaged = salvage(entry.body, now);
  if (!salvaged) {
    const key = await quarantine(subscribers.store, subscriberKey(hash));
    return key ? `not salvageable (no valid address): moved aside to ${key}` : 'gone, nothing to do';
  }
  const identity = hashNormalizedAddress(salvaged.subscriber.address);
  const notes = salvaged.replaced.length > 0 ? ` (${salvaged.replaced.join(', ')} replaced)` : '';
  if (identity === hash) {
    const written = await subscribers.put(salvaged.subscriber, entry.etag);
    return written === 'ok' ? `salvaged${notes}` : 'changed meanwhile, left for the next run';
  }
  const moved = await moveIntoIdentity(subscribers, async () => {
    const again = await subscribers.inspect(hash);
    if (again?.kind !== 'unreadable') return null;
    const record = salvage(again.body, now);
    return record ? { hash, subscriber: record.subscriber, etag: again.etag } : null;
  });
  return moved ? `salvaged${notes} and merged into ${moved.to}` : 'changed meanwhile, left for the next run';
}

/**
 * Rebuilds a subscriber from an unreadable body: every field that passes its own schema is kept, the
 * others get a safe default (status `unsubscribed`). Null when there is no usable address.
 */
export function salvage(body: Buffer, now: Date): { subscriber: Subscriber; replaced: string[] } | null {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return null;
  }
  const object = z.record(z.string(), z.unknown()).safeParse(json);
  if (!object.success) return null;
  const raw = object.data;
  let address: string;
  try {
    address = normalizeAddress(typeof raw.address === 'string' ? raw.address : '');
  } catch (error) {
    if (error instanceof InvalidAddressError) return null;
    throw error;
  }
  const replaced: string[] = [];
  const pick = <T>(name: keyof Subscriber, schema: z.ZodType<T>, fallback: T): T => {
    const value = raw[name];
    const parsed = schema.safeParse(value);
    if (value !== undefined && parsed.success) return parsed.data;
    // Fields added after the first version may be missing from older records: not worth mentioning.
    if (value !== undefined || !OPTIONAL_FIELDS.has(name)) replaced.push(name);
    return fallback;
  };
  const shape = subscriberSchema.shape;
  const status = pick('status', shape.status, 'unsubscribed');
  const statusReadable = shape.status.safeParse(raw.status).success;
  const subscriber: Subscriber = {
    schemaVersion: 1,
    address,
    status,
    createdAt: pick('createdAt', shape.createdAt, now.toISOString()),
    updatedAt: now.toISOString(),
    source: pick('source', shape.source, 'operator'),
    softBounces: pick('softBounces', shape.softBounces, 0),
    lastSoftBounceAt: pick('lastSoftBounceAt', shape.lastSoftBounceAt, null),
    softBounceKeys: pick('softBounceKeys', shape.softBounceKeys, []),
    confirmationSentAt: pick('confirmationSentAt', shape.confirmationSentAt, null),
    confirmedAt: pick('confirmedAt', shape.confirmedAt, null),
    statusReason: statusReadable
      ? pick('statusReason', shape.statusReason, null)
      : 'repaired: status was unreadable',
    formerIds: pick('formerIds', shape.formerIds, []),
    weekly: pick('weekly', shape.weekly, true),
    alerts: pick('alerts', shape.alerts, true),
    powerPriceUsdPerKwh: pick('powerPriceUsdPerKwh', shape.powerPriceUsdPerKwh, null),
    fleet: pick('fleet', shape.fleet, []),
  };
  return { subscriber: subscriberSchema.parse(subscriber), replaced };
}

/** Fields with a default: older records may lack them. */
const OPTIONAL_FIELDS: ReadonlySet<string> = new Set([
  'lastSoftBounceAt',
  'softBounceKeys',
  'confirmationSentAt',
  'confirmedAt',
  'statusReason',
  'formerIds',
  'weekly',
  'alerts',
  'powerPriceUsdPerKwh',
  'fleet',
]);

/**
 * Copies the object at `key` to `subscribers/quarantine/<name>.<content hash>.json` and deletes it; returns
 * the quarantine key, or null when there was nothing to move. The same bytes give the same key, so a
 * second run (or one after a crash between the two steps) finds the copy already there.
 */
async function quarantine(store: ArchiveStore, key: string): Promise<string | null> {
  const object = await store.get(key);
  if (!object) return null;
  const name = key.slice(key.lastIndexOf('/') + 1).replace(/\.json$/, '');
  const target = `subscribers/quarantine/${name}.${sha256Hex(object.body).slice(0, 16)}.json`;
  await store.putIfAbsent(target, object.body, { contentType: 'application/json' });
  // The store has no conditional delete: check the version once more right before deleting, so an object
  // a live function has just replaced with a good one is left alone (the window is one round trip).
  if ((await store.get(key))?.etag !== object.etag) return null;
  await store.delete(key);
  return target;
}
