import { PutObjectCommand } from '@aws-sdk/client-s3';
import 'aws-sdk-client-mock-vitest/extend';
import { describe, expect, it } from 'vitest';
import { createS3ArchiveStore } from '../../../src/archive/s3-store';
import { createFakeS3, s3Error } from './s3-fake';
import { describeArchiveStoreContract } from './store-contract';

const fixedClock = () => new Date('2026-01-05T12:00:00Z');

describeArchiveStoreContract('S3 (aws-sdk-client-mock, conditional writes honoured)', async (options) =>
  createS3ArchiveStore({ client: createFakeS3().client, bucket: 'archive', clock: fixedClock, ...options }),
);

describe('S3 archive store', () => {
  it('sends If-None-Match: * with the content headers on an exclusive create', async () => {
    // Prepare
    const { client, mock } = createFakeS3();
    const store = createS3ArchiveStore({ client, bucket: 'archive' });
    // Act
    await store.putIfAbsent('issues/a/raw/cm.json.gz', Buffer.from([1]), {
      contentType: 'application/json',
      contentEncoding: 'gzip',
      cacheControl: 'public, max-age=31536000, immutable',
    });
    // Assess
    expect(mock).toReceiveCommandWith(PutObjectCommand, {
      Bucket: 'archive',
      Key: 'issues/a/raw/cm.json.gz',
      IfNoneMatch: '*',
      ContentType: 'application/json',
      ContentEncoding: 'gzip',
      CacheControl: 'public, max-age=31536000, immutable',
    });
  });

  it('maps 412 PreconditionFailed on an exclusive create to "exists"', async () => {
    const { client, mock } = createFakeS3();
    mock.on(PutObjectCommand).rejects(s3Error('PreconditionFailed', 412));
    const store = createS3ArchiveStore({ client, bucket: 'archive' });
    expect(await store.putIfAbsent('issues/a/snapshot.json', '{}', { contentType: 'application/json' })).toBe(
      'exists',
    );
  });

  it('sends If-Match with the etag read and maps 412 to "conflict"', async () => {
    // Prepare
    const { client, mock } = createFakeS3();
    mock.on(PutObjectCommand).rejects(s3Error('PreconditionFailed', 412));
    const store = createS3ArchiveStore({ client, bucket: 'archive' });
    // Act
    const result = await store.putIfMatch('index.json', '{}', '"abc"', { contentType: 'application/json' });
    // Assess
    expect(result).toBe('conflict');
    expect(mock).toReceiveCommandWith(PutObjectCommand, { Key: 'index.json', IfMatch: '"abc"' });
  });

  it('maps 409 ConditionalRequestConflict on a conditional write to "conflict"', async () => {
    const { client, mock } = createFakeS3();
    mock.on(PutObjectCommand).rejects(s3Error('ConditionalRequestConflict', 409));
    const store = createS3ArchiveStore({ client, bucket: 'archive' });
    expect(await store.putIfMatch('latest.json', '{}', null, { contentType: 'application/json' })).toBe(
      'conflict',
    );
  });

  it('wraps other S3 failures in ArchiveStoreError naming the bucket and key', async () => {
    const { client, mock } = createFakeS3();
    mock.on(PutObjectCommand).rejects(s3Error('AccessDenied', 403));
    const store = createS3ArchiveStore({ client, bucket: 'archive' });
    await expect(store.putIfAbsent('index.html', '<p>', { contentType: 'text/html' })).rejects.toThrow(
      /S3 put of s3:\/\/archive\/index\.html failed: AccessDenied/,
    );
  });

  it('presigns private keys with the stated expiry even when a CDN is configured', async () => {
    // Prepare
    const { client } = createFakeS3();
    const store = createS3ArchiveStore({
      client,
      bucket: 'archive',
      publicBaseUrl: 'https://cdn.example.org',
      clock: fixedClock,
    });
    // Act
    const link = await store.url('issues/2026-01-05/email.json', { expiresInSeconds: 600 });
    // Assess
    expect(link.url).toMatch(
      /^https:\/\/archive\.s3\.eu-west-1\.amazonaws\.com\/issues\/2026-01-05\/email\.json\?/,
    );
    expect(link.url).toContain('X-Amz-Expires=600');
    expect(link.expiresAt).toBe('2026-01-05T12:10:00.000Z');
  });

  it('presigns public keys too when no CDN is configured, with the default hour', async () => {
    const { client } = createFakeS3();
    const store = createS3ArchiveStore({ client, bucket: 'archive', clock: fixedClock });
    const link = await store.url('issues/2026-01-05/metrics.csv');
    expect(link.url).toContain('X-Amz-Expires=3600');
    expect(link.expiresAt).toBe('2026-01-05T13:00:00.000Z');
  });

  it('refuses presigned expiries beyond seven days', async () => {
    const { client } = createFakeS3();
    const store = createS3ArchiveStore({ client, bucket: 'archive' });
    await expect(store.url('issues/a/email.json', { expiresInSeconds: 700_000 })).rejects.toThrow(/7 days/);
  });
});
