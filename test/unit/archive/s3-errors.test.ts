/**
 * How the S3 adapter reads S3's answers: which failures mean "exists" / "conflict" / "missing" and which
 * are real errors, whether S3 names them (error name), only numbers them (HTTP status, e.g. behind a
 * proxy that drops the body) or neither; and answers that lack what the adapter needs.
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { ArchiveStoreError } from '../../../src/archive/errors';
import { createS3ArchiveStore } from '../../../src/archive/s3-store';
import { createFakeS3 } from './s3-fake';

const json = { contentType: 'application/json' };

/** An SDK-like error: a name, an HTTP status, or both. */
function failure(name: string | null, httpStatusCode?: unknown): unknown {
  const error = new Error(name ?? 'Unknown');
  if (name) error.name = name;
  return httpStatusCode === undefined ? error : Object.assign(error, { $metadata: { httpStatusCode } });
}

function storeFailingWith(command: 'put' | 'get' | 'delete' | 'list', error: unknown) {
  const { client, mock } = createFakeS3();
  // callsFake, not rejects: rejects would wrap a thrown string in an Error.
  const fail = async () => {
    throw error;
  };
  if (command === 'put') mock.on(PutObjectCommand).callsFake(fail);
  if (command === 'get') mock.on(GetObjectCommand).callsFake(fail);
  if (command === 'delete') mock.on(DeleteObjectCommand).callsFake(fail);
  if (command === 'list') mock.on(ListObjectsV2Command).callsFake(fail);
  return createS3ArchiveStore({ client, bucket: 'archive' });
}

describe('S3 answers to conditional writes', () => {
  it.each([
    ['PreconditionFailed by name', failure('PreconditionFailed')],
    ['HTTP 412 without a name', failure(null, 412)],
    ['ConditionalRequestConflict by name', failure('ConditionalRequestConflict')],
    ['HTTP 409 without a name', failure(null, 409)],
    ['a bare object with HTTP 412', { $metadata: { httpStatusCode: 412 } }],
  ])('an exclusive create that gets %s reports "exists"', async (_label, error) => {
    expect(await storeFailingWith('put', error).putIfAbsent('issues/a/x.json', '{}', json)).toBe('exists');
  });

  it.each([
    ['PreconditionFailed by name', failure('PreconditionFailed'), null],
    ['HTTP 412 without a name', failure(null, 412), '"e"'],
    ['ConditionalRequestConflict by name', failure('ConditionalRequestConflict'), '"e"'],
    ['HTTP 409 without a name', failure(null, 409), null],
    ['NoSuchKey for an If-Match (the version read was deleted)', failure('NoSuchKey'), '"e"'],
    ['NotFound for an If-Match', failure('NotFound'), '"e"'],
    ['HTTP 404 without a name for an If-Match', failure(null, 404), '"e"'],
  ])('a conditional replace that gets %s reports "conflict"', async (_label, error, etag) => {
    expect(await storeFailingWith('put', error).putIfMatch('index.json', '{}', etag, json)).toBe('conflict');
  });

  it.each([
    [
      'a 404 for an If-None-Match create (not a conflict: the bucket is missing)',
      failure('NoSuchBucket', 404),
      null,
    ],
    ['AccessDenied', failure('AccessDenied', 403), '"e"'],
    ['a 500', failure('InternalError', 500), '"e"'],
    ['a status that is not a number', failure(null, '412'), '"e"'],
    ['a thrown string', 'socket hang up', '"e"'],
    ['a null $metadata', Object.assign(new Error('x'), { name: 'Unknown', $metadata: null }), '"e"'],
  ])('a conditional replace that gets %s fails with ArchiveStoreError', async (_label, error, etag) => {
    const write = storeFailingWith('put', error).putIfMatch('index.json', '{}', etag, json);

    await expect(write).rejects.toThrow(ArchiveStoreError);
    await expect(write).rejects.toThrow(/^S3 conditional put of s3:\/\/archive\/index\.json failed: /);
  });

  it('names a thrown string in the error, and keeps it as the cause', async () => {
    const error = await storeFailingWith('put', 'socket hang up')
      .putIfAbsent('index.json', '{}', json)
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ArchiveStoreError);
    expect((error as Error).message).toBe('S3 put of s3://archive/index.json failed: socket hang up');
    expect((error as Error).cause).toBe('socket hang up');
  });

  it('fails when S3 accepts a conditional write but returns no ETag to continue from', async () => {
    const { client, mock } = createFakeS3();
    mock.on(PutObjectCommand).resolves({});
    const store = createS3ArchiveStore({ client, bucket: 'archive' });

    await expect(store.putIfMatch('index.json', '{}', null, json)).rejects.toThrow(
      'S3 conditional put of s3://archive/index.json failed: Error: response carried no ETag',
    );
  });
});

describe('S3 answers to reads, listings and deletes', () => {
  it.each([
    ['NoSuchKey', failure('NoSuchKey')],
    ['NotFound', failure('NotFound')],
    ['HTTP 404 without a name', failure(null, 404)],
  ])('reads %s as a missing object', async (_label, error) => {
    expect(await storeFailingWith('get', error).get('index.json')).toBeNull();
  });

  it.each([
    ['AccessDenied', failure('AccessDenied', 403), 'AccessDenied: AccessDenied'],
    ['a 412', failure('PreconditionFailed', 412), 'PreconditionFailed: PreconditionFailed'],
  ])('fails a read that gets %s', async (_label, error, detail) => {
    await expect(storeFailingWith('get', error).get('index.json')).rejects.toThrow(
      `S3 get of s3://archive/index.json failed: ${detail}`,
    );
  });

  it('fails a read whose answer has no body', async () => {
    const { client, mock } = createFakeS3();
    mock.on(GetObjectCommand).resolves({ ETag: '"e"' });

    await expect(createS3ArchiveStore({ client, bucket: 'archive' }).get('index.json')).rejects.toThrow(
      'S3 get of s3://archive/index.json failed: Error: response carried no body',
    );
  });

  it('treats deleting a missing key as done, and fails on any other error', async () => {
    await expect(
      storeFailingWith('delete', failure('NoSuchKey', 404)).delete('index.json'),
    ).resolves.toBeUndefined();
    await expect(
      storeFailingWith('delete', failure('AccessDenied', 403)).delete('index.json'),
    ).rejects.toThrow('S3 delete of s3://archive/index.json failed: AccessDenied: AccessDenied');
  });

  it('fails a listing with the prefix in the message, or "(root)" for the whole bucket', async () => {
    await expect(storeFailingWith('list', failure('AccessDenied', 403)).list('issues/')).rejects.toThrow(
      'S3 list of s3://archive/issues/ failed',
    );
    await expect(storeFailingWith('list', failure('AccessDenied', 403)).list('')).rejects.toThrow(
      'S3 list of s3://archive/(root) failed',
    );
  });

  it('sorts a listing in key order whatever order S3 pages it in, and skips entries without a key', async () => {
    const { client, mock } = createFakeS3();
    mock
      .on(ListObjectsV2Command)
      .resolvesOnce({ Contents: [{ Key: 'issues/b/x' }, {}], IsTruncated: true, NextContinuationToken: 't' })
      .resolvesOnce({ Contents: [{ Key: 'issues/a/x' }], IsTruncated: false });
    const store = createS3ArchiveStore({ client, bucket: 'archive' });

    expect(await store.list('issues/')).toEqual(['issues/a/x', 'issues/b/x']);
    expect(mock.commandCalls(ListObjectsV2Command).map((c) => c.args[0].input.ContinuationToken)).toEqual([
      undefined,
      't',
    ]);
  });

  it('reads an object without content headers or ETag as having none', async () => {
    const { client, mock } = createFakeS3();
    mock.on(GetObjectCommand).resolves({
      Body: { transformToByteArray: async () => new Uint8Array([123, 125]) } as never,
    });

    expect(await createS3ArchiveStore({ client, bucket: 'archive' }).get('index.json')).toEqual({
      body: Buffer.from('{}'),
      etag: '',
    });
  });

  it('is located at s3://<bucket>', () => {
    expect(createS3ArchiveStore({ client: createFakeS3().client, bucket: 'my-archive' }).location).toBe(
      's3://my-archive',
    );
  });
});

describe('presigned URL lifetimes', () => {
  const store = () => createS3ArchiveStore({ client: createFakeS3().client, bucket: 'archive' });

  it.each([1, 604_800])('accepts %i seconds', async (seconds) => {
    expect((await store().url('issues/a/email.json', { expiresInSeconds: seconds })).url).toContain(
      `X-Amz-Expires=${seconds}`,
    );
  });

  it.each([0, -1, 1.5, 604_801])('refuses %s seconds, naming the allowed range', async (seconds) => {
    await expect(store().url('issues/a/email.json', { expiresInSeconds: seconds })).rejects.toThrow(
      `Presigned URL expiry must be a whole number of seconds from 1 to 604800 (7 days); got ${seconds}.`,
    );
  });

  it('refuses a default lifetime out of range when the store is made', () => {
    expect(() =>
      createS3ArchiveStore({ client: createFakeS3().client, bucket: 'archive', presignExpiresSeconds: 0 }),
    ).toThrow(/got 0\./);
  });
});
