/**
 * A stateful S3 behind aws-sdk-client-mock that honours If-None-Match / If-Match like real S3 (412
 * PreconditionFailed), which the local emulators do not. Lets the contract suite's conditional cases
 * run against the real S3 adapter code.
 */
import { createHash } from 'node:crypto';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  type GetObjectCommandOutput,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientResolvedConfig,
  S3ServiceException,
  type ServiceInputTypes,
  type ServiceOutputTypes,
} from '@aws-sdk/client-s3';
import { type AwsStub, mockClient } from 'aws-sdk-client-mock';

interface FakeObject {
  body: Buffer;
  etag: string;
  contentType?: string;
  contentEncoding?: string;
  cacheControl?: string;
}

export function s3Error(name: string, httpStatusCode: number): S3ServiceException {
  return new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode }, message: name });
}

/** An in-memory bucket served by `serveFakeS3`: its objects by key. */
export type FakeBucket = Map<string, FakeObject>;

/** S3's ETag of a body written in one part: the quoted MD5. */
function etagOf(body: Buffer): string {
  return `"${createHash('md5').update(body).digest('hex')}"`;
}

/** Puts an object straight into a fake bucket, as if written earlier. */
export function seedObject(bucket: FakeBucket, key: string, body: string | Buffer): void {
  const bytes = Buffer.from(body);
  bucket.set(key, { body: bytes, etag: etagOf(bytes) });
}

/**
 * Answers Put/Get/List/DeleteObject on `mock` from a new in-memory bucket, which it returns. `mock` may
 * stub one client or, for code that makes its own clients (a Lambda handler), every S3Client.
 */
export function serveFakeS3(
  mock: AwsStub<ServiceInputTypes, ServiceOutputTypes, S3ClientResolvedConfig>,
): FakeBucket {
  const objects: FakeBucket = new Map();
  mock.on(PutObjectCommand).callsFake(async (input) => {
    const key = String(input.Key);
    const current = objects.get(key);
    if (input.IfNoneMatch === '*' && current) throw s3Error('PreconditionFailed', 412);
    if (input.IfMatch !== undefined) {
      if (!current) throw s3Error('NoSuchKey', 404);
      if (current.etag !== input.IfMatch) throw s3Error('PreconditionFailed', 412);
    }
    const body = Buffer.from(input.Body as Buffer);
    const etag = etagOf(body);
    objects.set(key, {
      body,
      etag,
      contentType: input.ContentType,
      contentEncoding: input.ContentEncoding,
      cacheControl: input.CacheControl,
    });
    return { ETag: etag };
  });
  mock.on(GetObjectCommand).callsFake(async (input) => {
    const found = objects.get(String(input.Key));
    if (!found) throw s3Error('NoSuchKey', 404);
    return {
      // Only transformToByteArray is used by the adapter; @smithy/util-stream is not a direct dependency.
      Body: {
        transformToByteArray: async () => new Uint8Array(found.body),
      } as unknown as GetObjectCommandOutput['Body'],
      ETag: found.etag,
      ContentType: found.contentType,
      ContentEncoding: found.contentEncoding,
    };
  });
  mock.on(ListObjectsV2Command).callsFake(async (input) => {
    // Pages of 2 so pagination is exercised.
    const all = [...objects.keys()].filter((k) => k.startsWith(input.Prefix ?? '')).sort();
    const start = input.ContinuationToken ? Number(input.ContinuationToken) : 0;
    const page = all.slice(start, start + 2);
    const next = start + 2 < all.length ? String(start + 2) : undefined;
    return {
      Contents: page.map((Key) => ({ Key })),
      IsTruncated: next !== undefined,
      NextContinuationToken: next,
    };
  });
  mock.on(DeleteObjectCommand).callsFake(async (input) => {
    objects.delete(String(input.Key));
    return {};
  });
  return objects;
}

/** A real S3Client (so presigning works) whose `send` is served by an in-memory fake. */
export function createFakeS3(): {
  client: S3Client;
  objects: FakeBucket;
  mock: ReturnType<typeof mockClient>;
} {
  const client = new S3Client({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  });
  const mock = mockClient(client);
  return { client, objects: serveFakeS3(mock), mock };
}
