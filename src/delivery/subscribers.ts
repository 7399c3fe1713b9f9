/**
 * Subscribers: one JSON object per subscriber at `subscribers/<id>.json` in the state ArchiveStore (the
 * archive bucket root in AWS, the local state folder in the CLI), where the id is sha256 of the address's
 * identity (address.ts: the normalized address with the local part lower-cased). Every read is
 * zod-validated and checked against its key; every write is conditional on the version read.
 *
 * Besides subscriber records, `subscribers/` holds:
 * - moved markers `{ schemaVersion: 1, movedTo: <id> }` at the key of an id that was merged into another
 *   (the migration to case-insensitive ids, migrate.ts). Links in old emails carry the old id; `get`
 *   follows the marker, so they keep working.
 * - `subscribers/ratelimit/` and `subscribers/suppressed/`: per-mailbox rate limits and suppressions
 *   (mailbox.ts).
 * - `subscribers/quarantine/…`: unreadable records moved aside by `hashbrief subscribers doctor --repair`.
 *
 * A record written before ids ignored case (`Alice@…` at sha256 of `Alice@…`) is a legacy record: it is
 * read as it is, merged into its current id before any change (`updateSubscriber`), and merged in bulk by
 * the doctor.
 */
import { z } from 'zod';
import type { ArchiveStore } from '../archive/store';
import { mapConcurrent } from '../concurrency';
import { MAX_FLEET, MAX_J_PER_TH } from '../metrics/machines';
import type { Reporter } from '../ports';
import { parseJsonAs } from '../validated-json';
import { hashNormalizedAddress, isSubscriberHash, legacyAddressHash, normalizeAddress } from './address';
import { ConcurrentUpdateError, InvalidAddressError, UnreadableSubscriberError } from './errors';

export const SUBSCRIBER_STATUSES = ['pending', 'active', 'unsubscribed', 'bounced', 'complained'] as const;
export type SubscriberStatus = (typeof SUBSCRIBER_STATUSES)[number];

const isoTime = z.iso.datetime({ offset: true });
const subscriberId = z.string().regex(/^[0-9a-f]{64}$/, 'must be a 64-character hex subscriber id');

/** Most former ids one record keeps (spellings merged into it); more would mean something is wrong. */
export const MAX_FORMER_IDS = 50;

/**
 * The power prices a reader may give, USD/kWh: from a tenth of a cent to two dollars (above any price a
 * miner pays; a larger figure is a typo, such as cents typed as dollars).
 */
export const MIN_POWER_PRICE_USD_PER_KWH = 0.001;
export const MAX_POWER_PRICE_USD_PER_KWH = 2;

/** One machine of a reader's fleet: a machine id (src/metrics/machines.ts) or an efficiency in J/TH. */
export const fleetEntrySchema = z.union([
  z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be a machine id such as antminer-s21'),
  z.number().finite().gt(0, 'must be > 0 J/TH').max(MAX_J_PER_TH, `must be at most ${MAX_J_PER_TH} J/TH`),
]);

/** The stored subscriber object. */
export const subscriberSchema = z.object({
  schemaVersion: z.literal(1),
  /** The address as the subscriber gave it (normalized, local part in its original case). */
  address: z.string().min(3).max(254),
  status: z.enum(SUBSCRIBER_STATUSES),
  createdAt: isoTime,
  updatedAt: isoTime,
  /** How the subscriber arrived: the public form, an operator command, or a bulk import. */
  source: z.enum(['web', 'operator', 'import']),
  softBounces: z.number().int().min(0),
  lastSoftBounceAt: isoTime.nullable().default(null),
  /**
   * Dedupe keys of the last soft bounces counted (feedback.ts): a redelivered notification is counted once
   * even when the feedback ledger could not record it (a crash between the count and the ledger write).
   */
  softBounceKeys: z.array(z.string().max(520)).max(10).default([]),
  /** Last confirmation email sent: the per-address rate limit of the subscribe endpoint. */
  confirmationSentAt: isoTime.nullable().default(null),
  confirmedAt: isoTime.nullable().default(null),
  /** Why the subscriber left `active` (unsubscribe link, operator, hard bounce, complaint ...). */
  statusReason: z.string().max(200).nullable().default(null),
  /**
   * Ids this record was stored under before a merge (other spellings of the same address). Links in old
   * emails and ledger entries of earlier sends may carry them.
   */
  formerIds: z.array(subscriberId).max(MAX_FORMER_IDS).default([]),
  /** Wants the weekly issue (records from before preferences existed: yes). */
  weekly: z.boolean().default(true),
  /** Wants the mid-week alert mail (records from before preferences existed: yes). */
  alerts: z.boolean().default(true),
  /** The reader's all-in power price, USD/kWh: their "Your numbers" block. Null: no block. */
  powerPriceUsdPerKwh: z
    .number()
    .finite()
    .min(MIN_POWER_PRICE_USD_PER_KWH, `must be at least ${MIN_POWER_PRICE_USD_PER_KWH} USD/kWh`)
    .max(MAX_POWER_PRICE_USD_PER_KWH, `must be at most ${MAX_POWER_PRICE_USD_PER_KWH} USD/kWh`)
    .nullable()
    .default(null),
  /** The reader's machines for "Your numbers"; empty: the modelled fleet. */
  fleet: z.array(fleetEntrySchema).max(MAX_FLEET).default([]),
});

export type Subscriber = z.infer<typeof subscriberSchema>;

/** The marker left at an id that was merged into another. */
const movedSchema = z.object({ schemaVersion: z.literal(1), movedTo: subscriberId }).strict();

/** A subscriber together with the version tag of the stored object. */
export interface VersionedSubscriber {
  /** The id the record is stored under (after following a moved marker). */
  hash: string;
  subscriber: Subscriber;
  etag: string;
  /** Stored under its pre-case-insensitive id: merge it (migrate.ts) before writing. */
  legacy: boolean;
}

/** What is stored under one id, read without following markers and without throwing for bad content. */
export type StoredSubscriber =
  | ({ kind: 'record' } & VersionedSubscriber)
  | { kind: 'moved'; hash: string; movedTo: string; etag: string }
  | { kind: 'unreadable'; hash: string; reason: string; etag: string; body: Buffer };

/** The subscriber list port. */
export interface SubscriberStore {
  /**
   * The subscriber under this id, following a moved marker; null if there is none. Throws
   * UnreadableSubscriberError when the stored object cannot be used.
   */
  get(hash: string): Promise<VersionedSubscriber | null>;
  /** What is stored under this id, as it is (no marker followed, nothing thrown for bad content). */
  inspect(hash: string): Promise<StoredSubscriber | null>;
  /**
   * Writes the record under the id of its address when the stored version still matches `etag` (`null`:
   * must not exist).
   */
  put(subscriber: Subscriber, etag: string | null): Promise<'ok' | 'conflict'>;
  /** Replaces the object under `hash` (still at version `etag`) by a marker pointing at `movedTo`. */
  markMoved(hash: string, movedTo: string, etag: string): Promise<'ok' | 'conflict'>;
  /** All ids with an object under `subscribers/<id>.json` (records, markers, unreadable), ascending. */
  listHashes(): Promise<string[]>;
  delete(hash: string): Promise<void>;
  /** The raw state store, for the mailbox records (mailbox.ts) and the doctor under the same prefix. */
  readonly store: ArchiveStore;
}

const PREFIX = 'subscribers/';
const JSON_TYPE = { contentType: 'application/json' };

/**
 * Message of the warning logged for every subscriber or mailbox record that cannot be read. The
 * infrastructure counts it into the `UnreadableSubscriberRecords` metric (infra/constructs/alarms.ts), so
 * change both together.
 */
export const UNREADABLE_RECORD_WARNING = 'subscriber record unreadable';

/**
 * Largest subscriber import accepted (`hashbrief subscribers import`): 5 MiB and 50,000 rows. A file over
 * either limit is refused before anything is written, so an import is never half done; split bigger lists.
 */
export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;
export const MAX_IMPORT_ROWS = 50_000;

/** The key of a subscriber object. */
export function subscriberKey(hash: string): string {
  return `${PREFIX}${hash}.json`;
}

/** Reads and classifies the object under one id. */
function classify(hash: string, body: Buffer, etag: string): StoredSubscriber {
  const unreadable = (reason: string): StoredSubscriber => ({ kind: 'unreadable', hash, reason, etag, body });
  // Problems name the field, never the content, which holds an address.
  const moved = parseJsonAs(body, movedSchema);
  if (moved.ok) {
    if (moved.value.movedTo === hash) return unreadable('moved to itself');
    return { kind: 'moved', hash, movedTo: moved.value.movedTo, etag };
  }
  const parsed = parseJsonAs(body, subscriberSchema);
  if (!parsed.ok) return unreadable(parsed.problem);
  const subscriber = parsed.value;
  let normalized: string;
  try {
    normalized = normalizeAddress(subscriber.address);
  } catch (error) {
    if (!(error instanceof InvalidAddressError)) throw error;
    return unreadable(`field \`address\` ${error.reason}`);
  }
  if (normalized !== subscriber.address) return unreadable('field `address` is not normalized');
  if (hashNormalizedAddress(normalized) === hash) {
    return { kind: 'record', hash, subscriber, etag, legacy: false };
  }
  if (legacyAddressHash(normalized) === hash) {
    return { kind: 'record', hash, subscriber, etag, legacy: true };
  }
  return unreadable('stored under the wrong key');
}

/** A SubscriberStore on any ArchiveStore. */
export function createSubscriberStore(store: ArchiveStore): SubscriberStore {
  const inspect = async (hash: string): Promise<StoredSubscriber | null> => {
    if (!isSubscriberHash(hash)) return null;
    const object = await store.get(subscriberKey(hash));
    return object ? classify(hash, object.body, object.etag) : null;
  };
  const usable = (entry: StoredSubscriber): VersionedSubscriber => {
    if (entry.kind === 'unreadable') throw new UnreadableSubscriberError(entry.hash, entry.reason);
    if (entry.kind === 'moved') throw new UnreadableSubscriberError(entry.hash, 'moved twice');
    return { hash: entry.hash, subscriber: entry.subscriber, etag: entry.etag, legacy: entry.legacy };
  };
  /** Writes the object at `hash` if it is still at `etag` (null: if there is none). */
  const write = async (hash: string, value: unknown, etag: string | null): Promise<'ok' | 'conflict'> => {
    const result = await store.putIfMatch(subscriberKey(hash), `${JSON.stringify(value)}\n`, etag, JSON_TYPE);
    return result === 'conflict' ? 'conflict' : 'ok';
  };
  return {
    store,
    inspect,
    async get(hash) {
      const entry = await inspect(hash);
      if (!entry) return null;
      if (entry.kind !== 'moved') return usable(entry);
      // One hop only: a marker always points at a record's current id, never at another marker.
      const target = await inspect(entry.movedTo);
      return target ? usable(target) : null;
    },
    async put(subscriber, etag) {
      const valid = subscriberSchema.parse(subscriber);
      const hash = hashNormalizedAddress(normalizeAddress(valid.address));
      return write(hash, valid, etag);
    },
    async markMoved(hash, movedTo, etag) {
      const marker = movedSchema.parse({ schemaVersion: 1, movedTo });
      return write(hash, marker, etag);
    },
    async listHashes() {
      const keys = await store.list(PREFIX);
      return keys
        .map((k) => k.slice(PREFIX.length).replace(/\.json$/, ''))
        .filter((h) => isSubscriberHash(h))
        .sort();
    },
    async delete(hash) {
      await store.delete(subscriberKey(hash));
    },
  };
}

/** A fresh subscriber record for an already normalized address. */
export function newSubscriber(
  address: string,
  status: SubscriberStatus,
  source: Subscriber['source'],
  now: Date,
): Subscriber {
  const at = now.toISOString();
  return {
    schemaVersion: 1,
    address: normalizeAddress(address),
    status,
    createdAt: at,
    updatedAt: at,
    source,
    softBounces: 0,
    lastSoftBounceAt: null,
    softBounceKeys: [],
    confirmationSentAt: null,
    confirmedAt: status === 'active' ? at : null,
    statusReason: null,
    formerIds: [],
    ...DEFAULT_PREFERENCES,
  };
}

/** What a reader chose to get; see the schema fields of the same names. */
export type Preferences = Pick<Subscriber, 'weekly' | 'alerts' | 'powerPriceUsdPerKwh' | 'fleet'>;

/** A new subscriber's preferences: both mails, no personal numbers. */
export const DEFAULT_PREFERENCES: Preferences = {
  weekly: true,
  alerts: true,
  powerPriceUsdPerKwh: null,
  fleet: [],
};

/** The kinds of mail a reader can turn on and off. */
export type MailKind = 'weekly' | 'alerts';

/** True when the reader wants this kind of mail (an active subscriber may still have turned it off). */
export function wantsMail(subscriber: Subscriber, kind: MailKind): boolean {
  return kind === 'weekly' ? subscriber.weekly : subscriber.alerts;
}

/**
 * Read-modify-write with optimistic concurrency: `change` receives the current record (or null) and
 * returns the new record, or null to leave it as it is. Retries on conflicting writes. A legacy record is
 * merged into its current id first, so the change lands there.
 */
export async function updateSubscriber(
  subscribers: SubscriberStore,
  hash: string,
  change: (current: Subscriber | null) => Subscriber | null,
  attempts = 5,
): Promise<{ before: Subscriber | null; after: Subscriber | null; changed: boolean }> {
  for (let i = 0; i < attempts; i++) {
    const current = await subscribers.get(hash);
    if (current?.legacy) {
      await mergeLegacyRecord(subscribers, current.hash);
      continue;
    }
    const next = change(current?.subscriber ?? null);
    if (!next)
      return { before: current?.subscriber ?? null, after: current?.subscriber ?? null, changed: false };
    if ((await subscribers.put(next, current?.etag ?? null)) === 'ok') {
      return { before: current?.subscriber ?? null, after: next, changed: true };
    }
  }
  throw new ConcurrentUpdateError(`subscriber ${hash} kept changing under us (${attempts} attempts)`);
}

/** The readable records of the list, and the ids of objects that could not be read. */
export interface SubscriberScan {
  /** Readable records, legacy ones included (under their legacy id). */
  records: VersionedSubscriber[];
  /** Markers left by merges. */
  moved: { hash: string; movedTo: string }[];
  /** Objects that cannot be used: each was reported through the reporter with its id. */
  unreadable: { hash: string; reason: string }[];
}

/**
 * Reads every object under `subscribers/<id>.json`, `concurrency` at a time. An object whose content
 * cannot be used (not JSON, a field out of its schema, the wrong key) is skipped with a warning
 * ({@link UNREADABLE_RECORD_WARNING}) naming its id, never its content, so one bad record cannot stop
 * delivery to everyone else. A failing read (the store unreachable) still throws: the whole run fails and
 * is retried, rather than leave a reader out for a passing outage.
 */
export async function scanSubscribers(
  subscribers: SubscriberStore,
  options: { concurrency?: number; reporter?: Reporter } = {},
): Promise<SubscriberScan> {
  const hashes = await subscribers.listHashes();
  const scan: SubscriberScan = { records: [], moved: [], unreadable: [] };
  const entries = await mapConcurrent(hashes, options.concurrency ?? 16, (hash) => subscribers.inspect(hash));
  for (const entry of entries) {
    if (!entry) continue;
    if (entry.kind === 'record') scan.records.push(entry);
    else if (entry.kind === 'moved') scan.moved.push({ hash: entry.hash, movedTo: entry.movedTo });
    else {
      scan.unreadable.push({ hash: entry.hash, reason: entry.reason });
      options.reporter?.warn(UNREADABLE_RECORD_WARNING, { subscriber: entry.hash, reason: entry.reason });
    }
  }
  return scan;
}

/**
 * How strongly a status keeps mail away, for merging records of one identity: a complaint or bounce is a
 * fact about the mailbox and always wins; an unsubscribe beats an active record (we never mail someone who
 * may have opted out; they can subscribe again), and active beats pending.
 */
export const STATUS_STRENGTH: Record<SubscriberStatus, number> = {
  pending: 0,
  active: 1,
  unsubscribed: 2,
  bounced: 3,
  complained: 4,
};

/**
 * One record per identity: the records of each identity (legacy spellings included) reduced to the one
 * with the strongest status (ties: the one under the current id, then the lowest id). Until the migration
 * has run, this is what keeps `Alice@` and `alice@` from getting two copies.
 */
export function onePerIdentity(records: readonly VersionedSubscriber[]): VersionedSubscriber[] {
  const best = new Map<string, VersionedSubscriber>();
  for (const record of records) {
    const identity = hashNormalizedAddress(record.subscriber.address);
    const current = best.get(identity);
    if (!current || stronger(record, current)) best.set(identity, record);
  }
  return [...best.values()].sort((a, b) => (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0));
}

function stronger(a: VersionedSubscriber, b: VersionedSubscriber): boolean {
  const diff = STATUS_STRENGTH[a.subscriber.status] - STATUS_STRENGTH[b.subscriber.status];
  if (diff !== 0) return diff > 0;
  if (a.legacy !== b.legacy) return !a.legacy;
  return a.hash < b.hash;
}

/**
 * Combines two records of one identity: the status (with its reason, source and confirmation) of the
 * stronger one ({@link STATUS_STRENGTH}; a tie keeps `kept`), the address as that record spells it, the
 * earliest creation, the latest update and confirmation mail, the higher soft-bounce count, and every
 * former id. `mergedHash` is the id `merged` was stored under.
 */
export function mergeSubscribers(kept: Subscriber, merged: Subscriber, mergedHash: string): Subscriber {
  const winner = STATUS_STRENGTH[merged.status] > STATUS_STRENGTH[kept.status] ? merged : kept;
  const keptHash = hashNormalizedAddress(kept.address);
  const formerIds = [...new Set([...kept.formerIds, ...merged.formerIds, mergedHash])].filter(
    (id) => id !== keptHash,
  );
  return {
    ...winner,
    createdAt: earliest(kept.createdAt, merged.createdAt),
    updatedAt: latest(kept.updatedAt, merged.updatedAt),
    softBounces: Math.max(kept.softBounces, merged.softBounces),
    lastSoftBounceAt: latestOrNull(kept.lastSoftBounceAt, merged.lastSoftBounceAt),
    softBounceKeys: [...new Set([...kept.softBounceKeys, ...merged.softBounceKeys])].slice(-10),
    confirmationSentAt: latestOrNull(kept.confirmationSentAt, merged.confirmationSentAt),
    formerIds: formerIds.slice(-MAX_FORMER_IDS),
  };
}

const earliest = (a: string, b: string) => (Date.parse(a) <= Date.parse(b) ? a : b);
const latest = (a: string, b: string) => (Date.parse(a) >= Date.parse(b) ? a : b);
const latestOrNull = (a: string | null, b: string | null) => (a === null ? b : b === null ? a : latest(a, b));

/**
 * Moves a record stored under another id than its address's (`read` returns it with its version) into the
 * record of its identity, merged with whatever is there ({@link mergeSubscribers}), and replaces the old
 * object by a moved marker. Both writes are conditional; a conflict reads again and merges again. The
 * merge is idempotent (merging the same record twice gives the same result, and an unchanged result is
 * not written), so a run interrupted between the two writes, or repeated, changes nothing twice. The one
 * thing a repeated merge cannot tell apart: if the old object changed after a merge that was interrupted
 * before its marker, the change is merged too, and an unsubscribe there wins over a later re-subscription.
 */
export async function moveIntoIdentity(
  subscribers: SubscriberStore,
  read: () => Promise<{ hash: string; subscriber: Subscriber; etag: string } | null>,
  attempts = 5,
): Promise<{ from: string; to: string } | null> {
  for (let i = 0; i < attempts; i++) {
    const from = await read();
    if (!from) return null;
    const to = hashNormalizedAddress(from.subscriber.address);
    if (to === from.hash) return null;
    const target = await subscribers.inspect(to);
    if (target && target.kind !== 'record') {
      throw new UnreadableSubscriberError(to, target.kind === 'moved' ? 'a moved marker' : target.reason);
    }
    const merged = target
      ? mergeSubscribers(target.subscriber, from.subscriber, from.hash)
      : { ...from.subscriber, formerIds: [...new Set([...from.subscriber.formerIds, from.hash])] };
    if (!target || !sameRecord(merged, target.subscriber)) {
      if ((await subscribers.put(merged, target?.etag ?? null)) === 'conflict') continue;
    }
    if ((await subscribers.markMoved(from.hash, to, from.etag)) === 'conflict') continue;
    return { from: from.hash, to };
  }
  throw new ConcurrentUpdateError(`merging a subscriber record kept conflicting (${attempts} attempts)`);
}

const sameRecord = (a: Subscriber, b: Subscriber) =>
  JSON.stringify(subscriberSchema.parse(a)) === JSON.stringify(subscriberSchema.parse(b));

/** Merges the legacy record under `hash` (if it still is one) into its current id. */
export async function mergeLegacyRecord(
  subscribers: SubscriberStore,
  hash: string,
): Promise<{ from: string; to: string } | null> {
  return moveIntoIdentity(subscribers, async () => {
    const entry = await subscribers.inspect(hash);
    return entry?.kind === 'record' && entry.legacy ? entry : null;
  });
}

/**
 * The subscriber id of an already normalized address, after merging a legacy record of this very spelling
 * into it (one extra read for addresses with upper-case letters). Use it wherever an address is looked up
 * (subscribe, feedback, operator commands), so a record from before ids ignored case is found.
 */
export async function subscriberIdFor(subscribers: SubscriberStore, normalized: string): Promise<string> {
  const legacy = legacyAddressHash(normalized);
  if (legacy !== hashNormalizedAddress(normalized)) await mergeLegacyRecord(subscribers, legacy);
  return hashNormalizedAddress(normalized);
}
