/**
 * Subscribers: one JSON object per subscriber at `subscribers/<sha256(normalized address)>.json` in the
 * state ArchiveStore (the archive bucket root in AWS, the local state folder in the CLI). Every read is
 * zod-validated and checked against its key; every write is conditional on the version read.
 */
import { z } from 'zod';
import type { ArchiveStore } from '../archive/store';
import { hashNormalizedAddress, isSubscriberHash, normalizeAddress } from './address';
import { ConcurrentUpdateError, CorruptRecordError } from './errors';

export const SUBSCRIBER_STATUSES = ['pending', 'active', 'unsubscribed', 'bounced', 'complained'] as const;
export type SubscriberStatus = (typeof SUBSCRIBER_STATUSES)[number];

const isoTime = z.iso.datetime({ offset: true });

/** The stored subscriber object. */
export const subscriberSchema = z.object({
  schemaVersion: z.literal(1),
  address: z.string().min(3).max(254),
  status: z.enum(SUBSCRIBER_STATUSES),
  createdAt: isoTime,
  updatedAt: isoTime,
  /** How the subscriber arrived: the public form, an operator command, or a bulk import. */
  source: z.enum(['web', 'operator', 'import']),
  softBounces: z.number().int().min(0),
  lastSoftBounceAt: isoTime.nullable().default(null),
  /** Last confirmation email sent: the per-address rate limit of the subscribe endpoint. */
  confirmationSentAt: isoTime.nullable().default(null),
  confirmedAt: isoTime.nullable().default(null),
  /** Why the subscriber left `active` (unsubscribe link, operator, hard bounce, complaint ...). */
  statusReason: z.string().max(200).nullable().default(null),
});

export type Subscriber = z.infer<typeof subscriberSchema>;

/** A subscriber together with the version tag of the stored object. */
export interface VersionedSubscriber {
  hash: string;
  subscriber: Subscriber;
  etag: string;
}

/** The subscriber list port. */
export interface SubscriberStore {
  get(hash: string): Promise<VersionedSubscriber | null>;
  /** Writes when the stored version still matches `etag` (`null`: must not exist). */
  put(subscriber: Subscriber, etag: string | null): Promise<'ok' | 'conflict'>;
  /** All subscriber hashes, ascending. */
  listHashes(): Promise<string[]>;
  delete(hash: string): Promise<void>;
}

const PREFIX = 'subscribers/';

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

/** A SubscriberStore on any ArchiveStore. */
export function createSubscriberStore(store: ArchiveStore): SubscriberStore {
  return {
    async get(hash) {
      if (!isSubscriberHash(hash)) return null;
      const object = await store.get(subscriberKey(hash));
      if (!object) return null;
      let json: unknown;
      try {
        json = JSON.parse(object.body.toString('utf8'));
      } catch (error) {
        throw new CorruptRecordError(`subscriber ${hash} is not JSON`, { cause: error });
      }
      const parsed = subscriberSchema.safeParse(json);
      if (!parsed.success) {
        throw new CorruptRecordError(`subscriber ${hash} is invalid: ${parsed.error.issues[0]?.message}`, {
          cause: parsed.error,
        });
      }
      if (hashNormalizedAddress(parsed.data.address) !== hash) {
        throw new CorruptRecordError(`subscriber ${hash} is stored under the wrong key`);
      }
      return { hash, subscriber: parsed.data, etag: object.etag };
    },
    async put(subscriber, etag) {
      const valid = subscriberSchema.parse(subscriber);
      const hash = hashNormalizedAddress(valid.address);
      const result = await store.putIfMatch(subscriberKey(hash), `${JSON.stringify(valid)}\n`, etag, {
        contentType: 'application/json',
      });
      return result === 'conflict' ? 'conflict' : 'ok';
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
    confirmationSentAt: null,
    confirmedAt: status === 'active' ? at : null,
    statusReason: null,
  };
}

/**
 * Read-modify-write with optimistic concurrency: `change` receives the current record (or null) and
 * returns the new record, or null to leave it as it is. Retries on conflicting writes.
 */
export async function updateSubscriber(
  subscribers: SubscriberStore,
  hash: string,
  change: (current: Subscriber | null) => Subscriber | null,
  attempts = 5,
): Promise<{ before: Subscriber | null; after: Subscriber | null; changed: boolean }> {
  for (let i = 0; i < attempts; i++) {
    const current = await subscribers.get(hash);
    const next = change(current?.subscriber ?? null);
    if (!next)
      return { before: current?.subscriber ?? null, after: current?.subscriber ?? null, changed: false };
    if ((await subscribers.put(next, current?.etag ?? null)) === 'ok') {
      return { before: current?.subscriber ?? null, after: next, changed: true };
    }
  }
  throw new ConcurrentUpdateError(`subscriber ${hash} kept changing under us (${attempts} attempts)`);
}

/** Lists subscribers with status `active`, reading `concurrency` objects at a time. */
export async function listActiveSubscribers(
  subscribers: SubscriberStore,
  concurrency = 16,
): Promise<{ hash: string; subscriber: Subscriber }[]> {
  const hashes = await subscribers.listHashes();
  const found = await mapConcurrent(hashes, concurrency, (hash) => subscribers.get(hash));
  return found.flatMap((v) =>
    v && v.subscriber.status === 'active' ? [{ hash: v.hash, subscriber: v.subscriber }] : [],
  );
}

/**
 * Maps over `items` with at most `concurrency` promises in flight; keeps order. When one call rejects, no
 * further item starts, every call already started is awaited (settled), and then the first rejection is
 * rethrown: nothing is left running behind the caller's back.
 */
export async function mapConcurrent<T, R>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (next < items.length && !failure) {
      const index = next++;
      try {
        results[index] = await fn(items[index] as T, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.allSettled(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  if (failure) throw failure.error;
  return results;
}
