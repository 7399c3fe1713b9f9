/**
 * S3 ArchiveStore (Lambda, and the CLI when HASHBRIEF_ARCHIVE_BUCKET is set). Exclusive create and
 * compare-and-swap use S3 conditional writes (`If-None-Match: *`, `If-Match: <etag>`): a 412
 * PreconditionFailed (or a 409 ConditionalRequestConflict from a concurrent conditional write) means
 * "exists" / "conflict", never an overwrite.
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { type Clock, systemClock } from '../ports';
import { ArchiveStoreError, InvalidExpiryError } from './errors';
import { toBuffer } from './hash';
import { assertStoreKey, compareKeys, isPublicKey, publicUrl } from './keys';
import type { ArchiveStore, PutOptions, StoredObject } from './store';

/** SigV4 presigned URLs cannot outlive 7 days. */
export const MAX_PRESIGN_SECONDS = 604_800;
export const DEFAULT_PRESIGN_SECONDS = 3_600;

export interface S3ArchiveStoreOptions {
  client: S3Client;
  bucket: string;
  /** CDN base URL (CloudFront) that serves the public keys; without it every url() is presigned. */
  publicBaseUrl?: string;
  /** Default lifetime of presigned URLs, seconds (1 h; at most 7 days). */
  presignExpiresSeconds?: number;
  /** Used only to state when a presigned URL expires. */
  clock?: Clock;
}

/** S3-backed store; `location` is `s3://<bucket>`. */
export function createS3ArchiveStore(options: S3ArchiveStoreOptions): ArchiveStore {
  const { client, bucket } = options;
  const clock = options.clock ?? systemClock;
  const defaultExpiry = options.presignExpiresSeconds ?? DEFAULT_PRESIGN_SECONDS;
  assertExpiry(defaultExpiry);

  const putCommand = (key: string, body: Buffer | string, put: PutOptions, condition: Condition) =>
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: toBuffer(body),
      ContentType: put.contentType,
      ...(put.contentEncoding ? { ContentEncoding: put.contentEncoding } : {}),
      ...(put.cacheControl ? { CacheControl: put.cacheControl } : {}),
      ...condition,
    });

  const fail = (operation: string, key: string, error: unknown): never => {
    throw new ArchiveStoreError(`S3 ${operation} of s3://${bucket}/${key} failed: ${describe(error)}`, {
      cause: error,
    });
  };

  return {
    location: `s3://${bucket}`,

    async putIfAbsent(key, body, put) {
      assertStoreKey(key);
      try {
        await client.send(putCommand(key, body, put, { IfNoneMatch: '*' }));
        return 'created';
      } catch (error) {
        // 412: the key exists. 409: another conditional write to the key is in flight and will win or
        // fail on its own; either way this writer did not create it, and the caller re-reads.
        if (isPreconditionFailed(error) || isConditionalConflict(error)) return 'exists';
        return fail('put', key, error);
      }
    },

    async putIfMatch(key, body, etag, put) {
      assertStoreKey(key);
      const condition: Condition = etag === null ? { IfNoneMatch: '*' } : { IfMatch: etag };
      try {
        const result = await client.send(putCommand(key, body, put, condition));
        if (!result.ETag) return fail('conditional put', key, new Error('response carried no ETag'));
        return result.ETag;
      } catch (error) {
        // If-Match on a key deleted meanwhile answers 404: the version we read is gone, a conflict too.
        if (
          isPreconditionFailed(error) ||
          isConditionalConflict(error) ||
          (etag !== null && isNotFound(error))
        ) {
          return 'conflict';
        }
        return fail('conditional put', key, error);
      }
    },

    async get(key): Promise<StoredObject | null> {
      assertStoreKey(key);
      try {
        const result = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        if (!result.Body) return fail('get', key, new Error('response carried no body'));
        const body = Buffer.from(await result.Body.transformToByteArray());
        return {
          body,
          etag: result.ETag ?? '',
          ...(result.ContentType ? { contentType: result.ContentType } : {}),
          ...(result.ContentEncoding ? { contentEncoding: result.ContentEncoding } : {}),
        };
      } catch (error) {
        if (isNotFound(error)) return null;
        return fail('get', key, error);
      }
    },

    async list(prefix) {
      const keys: string[] = [];
      let token: string | undefined;
      try {
        do {
          const page = await client.send(
            new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
          );
          for (const item of page.Contents ?? []) if (item.Key) keys.push(item.Key);
          token = page.IsTruncated ? page.NextContinuationToken : undefined;
        } while (token);
      } catch (error) {
        return fail('list', prefix || '(root)', error);
      }
      return keys.sort(compareKeys);
    },

    async delete(key) {
      assertStoreKey(key);
      try {
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
      } catch (error) {
        if (isNotFound(error)) return;
        fail('delete', key, error);
      }
    },

    async url(key, urlOptions) {
      assertStoreKey(key);
      if (options.publicBaseUrl && isPublicKey(key)) {
        return { url: publicUrl(options.publicBaseUrl, key), expiresAt: null };
      }
      const expiresIn = urlOptions?.expiresInSeconds ?? defaultExpiry;
      assertExpiry(expiresIn);
      const signedAt = clock();
      const url = await getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: key }), {
        expiresIn,
        signingDate: signedAt,
      });
      return { url, expiresAt: new Date(signedAt.getTime() + expiresIn * 1000).toISOString() };
    },
  };
}

type Condition = { IfNoneMatch: '*' } | { IfMatch: string };

function assertExpiry(seconds: number): void {
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_PRESIGN_SECONDS) {
    throw new InvalidExpiryError(
      `Presigned URL expiry must be a whole number of seconds from 1 to ${MAX_PRESIGN_SECONDS} (7 days); got ${seconds}.`,
    );
  }
}

function status(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('$metadata' in error)) return undefined;
  const meta = error.$metadata;
  if (typeof meta !== 'object' || meta === null || !('httpStatusCode' in meta)) return undefined;
  return typeof meta.httpStatusCode === 'number' ? meta.httpStatusCode : undefined;
}

function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

function isPreconditionFailed(error: unknown): boolean {
  return errorName(error) === 'PreconditionFailed' || status(error) === 412;
}

function isConditionalConflict(error: unknown): boolean {
  return errorName(error) === 'ConditionalRequestConflict' || status(error) === 409;
}

function isNotFound(error: unknown): boolean {
  const name = errorName(error);
  return name === 'NoSuchKey' || name === 'NotFound' || status(error) === 404;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
