/**
 * The filesystem store where the filesystem itself gets in the way: keys that run through a file or end
 * at a folder, things in the tree that are not plain files, damaged metadata sidecars, a root that cannot
 * be written, a lock left by a process that died (with the default staleness), and listing order.
 */
import { mkdir, symlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArchiveStoreError, InvalidArchiveKeyError } from '../../../src/archive/errors';
import { createFsArchiveStore } from '../../../src/archive/fs-store';
import { sha256Hex } from '../../../src/archive/hash';
import { tempDirs } from '../../support/temp-dirs';

const freshRoot = tempDirs('hashbrief-fs-edges-');
const json = { contentType: 'application/json' };

describe('filesystem store: keys the tree does not hold as files', () => {
  it('reads a key that runs through a file, or that names a folder, as missing', async () => {
    const store = createFsArchiveStore(await freshRoot());
    await store.putIfAbsent('issues/a.json', '{}', json);

    expect(await store.get('issues/a.json/x')).toBeNull();
    expect(await store.get('issues')).toBeNull();
  });

  it('lists nothing under a prefix whose folder is a file or missing', async () => {
    const store = createFsArchiveStore(await freshRoot());
    await store.putIfAbsent('issues/a.json', '{}', json);

    expect(await store.list('issues/a.json/')).toEqual([]);
    expect(await store.list('nothing/here/')).toEqual([]);
  });

  it('lists only plain files: not a symlink, and never its own bookkeeping', async () => {
    const root = await freshRoot();
    const store = createFsArchiveStore(root);
    await store.putIfAbsent('issues/a/x.json', '{}', json);
    await symlink(path.join(root, 'issues', 'a', 'x.json'), path.join(root, 'issues', 'a', 'link.json'));

    expect(await store.list('')).toEqual(['issues/a/x.json']);
  });

  it('refuses the bookkeeping folder itself as a key, and a listing inside it', async () => {
    const store = createFsArchiveStore(await freshRoot());

    await expect(store.get('.hashbrief')).rejects.toThrow(InvalidArchiveKeyError);
    await expect(store.list('.hashbrief/locks/')).rejects.toThrow(/reserved for the store/);
  });

  it('lists keys in key order, whatever order the directory holds them in', async () => {
    const store = createFsArchiveStore(await freshRoot());
    const keys = Array.from({ length: 30 }, (_, i) => `k/${((i * 7919) % 30).toString(36)}-${i}.json`);
    for (const key of keys) await store.putIfAbsent(key, key, json);

    const listed = await store.list('k/');

    expect(listed).toEqual([...keys].sort());
  });
});

describe('filesystem store: metadata sidecars', () => {
  it.each([
    ['not JSON', '{"contentType":'],
    ['without a content type', '{"contentEncoding":"gzip"}'],
  ])('falls back to the type the name implies when the sidecar is %s', async (_label, sidecar) => {
    const root = await freshRoot();
    const store = createFsArchiveStore(root);
    await store.putIfAbsent('issues/x/newsletter.html', '<p>', {
      contentType: 'text/plain',
      contentEncoding: 'gzip',
    });
    await writeFile(path.join(root, '.hashbrief', 'meta', 'issues', 'x', 'newsletter.html.json'), sidecar);

    const read = await store.get('issues/x/newsletter.html');

    expect(read?.contentType).toBe('text/html; charset=utf-8');
    expect(read?.contentEncoding).toBeUndefined();
  });

  it('keeps the metadata of the last conditional replace', async () => {
    const store = createFsArchiveStore(await freshRoot());
    await store.putIfAbsent('index.json', '{}', json);

    await store.putIfMatch('index.json', '[]', sha256Hex('{}'), {
      contentType: 'text/plain',
      contentEncoding: 'br',
    });

    expect(await store.get('index.json')).toMatchObject({ contentType: 'text/plain', contentEncoding: 'br' });
  });
});

describe('filesystem store: failures', () => {
  it('wraps a write under a root that is a file in ArchiveStoreError naming the key and root, with the cause', async () => {
    const root = path.join(await freshRoot(), 'not-a-folder');
    await writeFile(root, 'x');
    const store = createFsArchiveStore(root);

    const error = await store.putIfAbsent('index.json', '{}', json).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ArchiveStoreError);
    expect((error as Error).message).toBe(`Filesystem archive write of index.json under ${root} failed`);
    expect((error as Error & { cause?: { code?: string } }).cause?.code).toMatch(/^(ENOTDIR|EEXIST)$/);
    await expect(store.putIfMatch('index.json', '{}', null, json)).rejects.toThrow(
      `Filesystem archive conditional write of index.json under ${root} failed`,
    );
  });

  it('fails a delete whose key runs through a file, and ignores a missing one', async () => {
    const store = createFsArchiveStore(await freshRoot());
    await store.putIfAbsent('issues/a.json', '{}', json);

    await expect(store.delete('issues/missing.json')).resolves.toBeUndefined();
    await expect(store.delete('issues/a.json/x')).rejects.toThrow(ArchiveStoreError);
  });

  it('breaks a lock left 31 s ago by default, but waits for one that is fresh', async () => {
    // Arrange
    const root = await freshRoot();
    const lockDir = path.join(root, '.hashbrief', 'locks');
    await mkdir(lockDir, { recursive: true });
    const lock = (key: string) => path.join(lockDir, `${sha256Hex(key)}.lock`);
    await writeFile(lock('old.json'), '99999\n');
    const past = new Date(Date.now() - 31_000);
    await utimes(lock('old.json'), past, past);
    await writeFile(lock('fresh.json'), '99999\n');
    const store = createFsArchiveStore(root, { lockTimeoutMs: 100 });
    // Act
    const old = await store.putIfMatch('old.json', '{}', null, json);
    const fresh = store.putIfMatch('fresh.json', '{}', null, json);
    // Assert
    expect(old).toBe(sha256Hex('{}'));
    await expect(fresh).rejects.toThrow(/Timed out after 100 ms waiting for the lock on fresh\.json/);
  });
});
