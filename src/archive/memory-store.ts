/**
 * In-memory ArchiveStore for tests and benchmarks: same semantics as the S3 and filesystem adapters
 * (exclusive create, compare-and-swap on a SHA-256 etag, ascending listing), nothing persisted.
 */
import { type Clock, systemClock } from '../ports';
import { sha256Hex, toBuffer } from './hash';
import { assertStoreKey, compareKeys, isPublicKey, publicUrl } from './keys';
import type { ArchiveStore, PutOptions, StoredObject } from './store';

interface Entry {
  body: Buffer;
  etag: string;
  options: PutOptions;
}

export interface MemoryArchiveStoreOptions {
  /** When set, public keys get `<publicBaseUrl>/<key>`; others a fake presigned `memory://` URL. */
  publicBaseUrl?: string;
  clock?: Clock;
}

/** A memory-backed store; `location` is `memory://`. */
export function createMemoryArchiveStore(options: MemoryArchiveStoreOptions = {}): ArchiveStore {
  const objects = new Map<string, Entry>();
  const clock = options.clock ?? systemClock;

  const write = (key: string, body: Buffer | string, putOptions: PutOptions): string => {
    const bytes = Buffer.from(toBuffer(body));
    const etag = sha256Hex(bytes);
    objects.set(key, { body: bytes, etag, options: { ...putOptions } });
    return etag;
  };

  return {
    location: 'memory://',
    async putIfAbsent(key, body, putOptions) {
      assertStoreKey(key);
      if (objects.has(key)) return 'exists';
      write(key, body, putOptions);
      return 'created';
    },
    async putIfMatch(key, body, etag, putOptions) {
      assertStoreKey(key);
      const current = objects.get(key);
      if ((current?.etag ?? null) !== etag) return 'conflict';
      return write(key, body, putOptions);
    },
    async get(key): Promise<StoredObject | null> {
      assertStoreKey(key);
      const found = objects.get(key);
      if (!found) return null;
      return {
        // A copy, so a caller mutating the buffer cannot change what is stored.
        body: Buffer.from(found.body),
        etag: found.etag,
        contentType: found.options.contentType,
        ...(found.options.contentEncoding ? { contentEncoding: found.options.contentEncoding } : {}),
      };
    },
    async list(prefix) {
      return [...objects.keys()].filter((k) => k.startsWith(prefix)).sort(compareKeys);
    },
    async delete(key) {
      assertStoreKey(key);
      objects.delete(key);
    },
    async url(key, urlOptions) {
      assertStoreKey(key);
      if (options.publicBaseUrl && isPublicKey(key)) {
        return { url: publicUrl(options.publicBaseUrl, key), expiresAt: null };
      }
      const seconds = urlOptions?.expiresInSeconds ?? 3600;
      const expiresAt = new Date(clock().getTime() + seconds * 1000).toISOString();
      return { url: `memory:///${key}?expires=${encodeURIComponent(expiresAt)}`, expiresAt };
    },
  };
}
