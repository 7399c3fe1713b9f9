import { mkdir, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createFsArchiveStore } from '../../../src/archive/fs-store';
import { sha256Hex } from '../../../src/archive/hash';
import { tempDirs } from '../../support/temp-dirs';
import { describeArchiveStoreContract } from './store-contract';

const freshRoot = tempDirs('hashbrief-fs-store-');

describeArchiveStoreContract('filesystem', async (options) =>
  createFsArchiveStore(await freshRoot(), options),
);

describe('filesystem archive store', () => {
  it('keeps objects at the same keys as S3, as plain files under the root', async () => {
    const root = await freshRoot();
    const store = createFsArchiveStore(root);
    await store.putIfAbsent('issues/2026-01-05/charts/pools.png', Buffer.from([1, 2, 3]), {
      contentType: 'image/png',
    });
    const onDisk = await readFile(path.join(root, 'issues', '2026-01-05', 'charts', 'pools.png'));
    expect([...onDisk]).toEqual([1, 2, 3]);
  });

  it('uses the SHA-256 of the content as the etag', async () => {
    const store = createFsArchiveStore(await freshRoot());
    await store.putIfAbsent('index.json', '{}', { contentType: 'application/json' });
    expect((await store.get('index.json'))?.etag).toBe(sha256Hex('{}'));
  });

  it('leaves no temp files behind and never lists its own bookkeeping', async () => {
    const root = await freshRoot();
    const store = createFsArchiveStore(root);
    await store.putIfAbsent('a.json', '{}', { contentType: 'application/json' });
    await store.putIfAbsent('a.json', '{"x":1}', { contentType: 'application/json' });
    await store.putIfMatch('a.json', '{"y":1}', sha256Hex('{}'), { contentType: 'application/json' });
    expect(await readdir(path.join(root, '.hashbrief', 'tmp'))).toEqual([]);
    expect(await store.list('')).toEqual(['a.json']);
  });

  it('infers the content type from the name when the metadata sidecar is missing', async () => {
    const root = await freshRoot();
    await mkdir(path.join(root, 'issues', 'x'), { recursive: true });
    await writeFile(path.join(root, 'issues', 'x', 'metrics.csv'), 'date\r\n');
    const read = await createFsArchiveStore(root).get('issues/x/metrics.csv');
    expect(read?.contentType).toBe('text/csv; charset=utf-8');
  });

  it('breaks a lock left by a crashed process once it is stale', async () => {
    // Prepare: a lock file from "another process" that died an hour ago.
    const root = await freshRoot();
    const store = createFsArchiveStore(root, { staleLockMs: 1_000 });
    const lockDir = path.join(root, '.hashbrief', 'locks');
    await mkdir(lockDir, { recursive: true });
    const lock = path.join(lockDir, `${sha256Hex('index.json')}.lock`);
    await writeFile(lock, '99999\n');
    const anHourAgo = new Date(Date.now() - 3_600_000);
    await utimes(lock, anHourAgo, anHourAgo);
    // Act
    const result = await store.putIfMatch('index.json', '{}', null, { contentType: 'application/json' });
    // Assess
    expect(result).toBe(sha256Hex('{}'));
  });

  it('fails with a clear error when a live lock is held too long', async () => {
    const root = await freshRoot();
    const store = createFsArchiveStore(root, { lockTimeoutMs: 50 });
    const lockDir = path.join(root, '.hashbrief', 'locks');
    await mkdir(lockDir, { recursive: true });
    await writeFile(path.join(lockDir, `${sha256Hex('index.json')}.lock`), '1\n');
    await expect(
      store.putIfMatch('index.json', '{}', null, { contentType: 'application/json' }),
    ).rejects.toThrow(/waiting for the lock on index\.json/);
  });

  it('rejects keys inside its bookkeeping folder', async () => {
    const store = createFsArchiveStore(await freshRoot());
    await expect(store.get('.hashbrief/locks/x')).rejects.toThrow(/reserved/);
  });

  it('gives a file:// URL without expiry when no public base URL is set', async () => {
    const root = await freshRoot();
    const store = createFsArchiveStore(root, { publicBaseUrl: 'https://cdn.example.org' });
    const privateLink = await store.url('issues/a/email.json');
    expect(privateLink).toEqual({
      url: pathToFileURL(path.join(root, 'issues', 'a', 'email.json')).href,
      expiresAt: null,
    });
  });
});
