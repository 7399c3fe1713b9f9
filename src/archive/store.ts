/**
 * The archive port. Keys are the same on S3 and the filesystem (see docs/architecture.md, "Archive layout").
 * Adapters: src/archive/fs-store.ts (CLI) and src/archive/s3-store.ts (Lambda).
 */

export interface PutOptions {
  contentType: string;
  contentEncoding?: string;
  cacheControl?: string;
}

export interface StoredObject {
  body: Buffer;
  /** Opaque version tag for optimistic concurrency (S3 ETag, or a content hash on the filesystem). */
  etag: string;
  contentType?: string;
  contentEncoding?: string;
}

export interface ArchiveStore {
  /** Human-readable location, e.g. `s3://bucket` or an absolute folder. */
  readonly location: string;
  /** Write only if absent (S3 `If-None-Match: *`, fs exclusive create). */
  putIfAbsent(key: string, body: Buffer | string, options: PutOptions): Promise<'created' | 'exists'>;
  /**
   * Replace only if the current version matches `etag` (`null` = must not exist yet). Returns the new
   * etag, or `'conflict'` when someone else wrote first.
   */
  putIfMatch(
    key: string,
    body: Buffer | string,
    etag: string | null,
    options: PutOptions,
  ): Promise<string | 'conflict'>;
  get(key: string): Promise<StoredObject | null>;
  /** Keys under a prefix, ascending. */
  list(prefix: string): Promise<string[]>;
  delete(key: string): Promise<void>;
  /** A URL a person can download the object from; presigned (with expiry) when not public. */
  url(
    key: string,
    options?: { expiresInSeconds?: number },
  ): Promise<{ url: string; expiresAt: string | null }>;
}
