/**
 * The ArchiveStore contract, as one suite every adapter runs (memory, filesystem, S3 on an emulator,
 * S3 on aws-sdk-client-mock with S3's conditional-write and ETag behaviour). Emulators without conditional
 * writes declare so: for them one case proves the emulator really ignores the conditions, and the
 * conditional cases are not registered (the reason is printed).
 */
import { describe, expect, it } from 'vitest';
import type { ArchiveStore } from '../../../src/archive/store';

export interface StoreFactoryOptions {
  publicBaseUrl?: string;
}

export interface ContractCapabilities {
  /** The backend honours If-None-Match / If-Match (false for s3rver and fauxqs). */
  conditionalWrites: boolean;
  /** Why conditional cases are left out, printed once. */
  reason?: string;
}

const json = { contentType: 'application/json' };

/** Registers the contract suite for one adapter. `factory` returns a fresh, empty store each call. */
export function describeArchiveStoreContract(
  adapter: string,
  factory: (options?: StoreFactoryOptions) => Promise<ArchiveStore>,
  capabilities: ContractCapabilities = { conditionalWrites: true },
): void {
  describe(`ArchiveStore contract: ${adapter}`, () => {
    /** A fresh store holding `key` = `body` (written with putIfMatch), and that object's etag. */
    const storeHolding = async (key: string, body: string) => {
      const store = await factory();
      await store.putIfMatch(key, body, null, json);
      return { store, etag: (await store.get(key))?.etag ?? null };
    };

    it('stores a body and reads back the same bytes, content type and encoding', async () => {
      // Prepare
      const store = await factory();
      const body = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xff, 0x00]);
      // Act
      const result = await store.putIfAbsent('issues/a/raw/x.json.gz', body, {
        contentType: 'application/json',
        contentEncoding: 'gzip',
        cacheControl: 'public, max-age=31536000, immutable',
      });
      const read = await store.get('issues/a/raw/x.json.gz');
      // Assess
      expect(result).toBe('created');
      expect(read?.body.equals(body)).toBe(true);
      expect(read?.contentType).toBe('application/json');
      expect(read?.contentEncoding).toBe('gzip');
      expect(read?.etag).toBeTruthy();
    });

    it('stores string bodies as UTF-8', async () => {
      const store = await factory();
      await store.putIfAbsent('issues/a/newsletter.txt', 'hashprice ≈ $50 ₿', {
        contentType: 'text/plain; charset=utf-8',
      });
      const read = await store.get('issues/a/newsletter.txt');
      expect(read?.body.toString('utf8')).toBe('hashprice ≈ $50 ₿');
    });

    it('returns null for a key that does not exist', async () => {
      const store = await factory();
      expect(await store.get('issues/nope/snapshot.json')).toBeNull();
    });

    it('lists keys under a prefix in ascending order and nothing else', async () => {
      // Prepare
      const store = await factory();
      for (const key of ['issues/b/snapshot.json', 'issues/a/z.txt', 'issues/a/charts/p.png', 'index.json']) {
        await store.putIfAbsent(key, key, json);
      }
      // Act
      const underIssues = await store.list('issues/');
      const underA = await store.list('issues/a/');
      const partial = await store.list('issues/a');
      // Assess
      expect(underIssues).toEqual(['issues/a/charts/p.png', 'issues/a/z.txt', 'issues/b/snapshot.json']);
      expect(underA).toEqual(['issues/a/charts/p.png', 'issues/a/z.txt']);
      expect(partial).toEqual(['issues/a/charts/p.png', 'issues/a/z.txt']);
      expect(await store.list('nothing/')).toEqual([]);
    });

    it('replaces an object when the etag matches and reports the new etag', async () => {
      // Prepare
      const store = await factory();
      await store.putIfAbsent('index.json', '{"v":1}', json);
      const before = await store.get('index.json');
      // Act
      const result = await store.putIfMatch('index.json', '{"v":2}', before?.etag ?? null, json);
      const after = await store.get('index.json');
      // Assess
      expect(result).not.toBe('conflict');
      expect(after?.body.toString()).toBe('{"v":2}');
      expect(after?.etag).toBe(result);
      expect(after?.etag).not.toBe(before?.etag);
    });

    it('deletes an object, and deleting a missing key is not an error', async () => {
      const store = await factory();
      await store.putIfAbsent('issues/a/x.json', '{}', json);
      await store.delete('issues/a/x.json');
      await store.delete('issues/a/x.json');
      expect(await store.get('issues/a/x.json')).toBeNull();
      expect(await store.list('issues/')).toEqual([]);
    });

    it('rejects keys that could escape the archive', async () => {
      const store = await factory();
      await expect(store.putIfAbsent('../outside.json', '{}', json)).rejects.toThrow(/Invalid archive key/);
      await expect(store.get('issues//x')).rejects.toThrow(/Invalid archive key/);
    });

    it('gives the public URL for public keys when a public base URL is set', async () => {
      const store = await factory({ publicBaseUrl: 'https://cdn.example.org/archive' });
      await store.putIfAbsent('issues/2026-01-05/metrics.csv', 'a,b\r\n', json);
      const link = await store.url('issues/2026-01-05/metrics.csv');
      expect(link).toEqual({
        url: 'https://cdn.example.org/archive/issues/2026-01-05/metrics.csv',
        expiresAt: null,
      });
    });

    if (!capabilities.conditionalWrites) {
      // Proven rather than assumed: if the backend ever starts enforcing conditional writes, this fails and
      // the conditional cases below should be switched on for it.
      it(`does not enforce conditional writes (${capabilities.reason ?? 'unsupported'}), so those cases are proven on the enforcing S3 mock and the filesystem store instead`, async () => {
        console.info(`[${adapter}] conditional-write contract cases not run: ${capabilities.reason}`);
        const store = await factory();
        await store.putIfAbsent('issues/a/snapshot.json', '{"first":true}', json);
        const second = await store.putIfAbsent('issues/a/snapshot.json', '{"second":true}', json);
        expect(second).toBe('created');
        expect((await store.get('issues/a/snapshot.json'))?.body.toString()).toBe('{"second":true}');
      });
      return;
    }

    it('creates once and then reports "exists", keeping the original bytes', async () => {
      // Prepare
      const store = await factory();
      await store.putIfAbsent('issues/a/snapshot.json', '{"first":true}', json);
      // Act
      const second = await store.putIfAbsent('issues/a/snapshot.json', '{"second":true}', json);
      // Assess
      expect(second).toBe('exists');
      expect((await store.get('issues/a/snapshot.json'))?.body.toString()).toBe('{"first":true}');
    });

    it('with etag null creates a missing object but reports a conflict when it exists', async () => {
      const store = await factory();
      const created = await store.putIfMatch('latest.json', '{"v":1}', null, json);
      const again = await store.putIfMatch('latest.json', '{"v":2}', null, json);
      expect(created).not.toBe('conflict');
      expect(again).toBe('conflict');
      expect((await store.get('latest.json'))?.body.toString()).toBe('{"v":1}');
    });

    it('reports a conflict for a stale etag and keeps the newer write', async () => {
      // Prepare
      const { store, etag: stale } = await storeHolding('index.json', '{"v":1}');
      await store.putIfMatch('index.json', '{"v":2}', stale, json);
      // Act
      const result = await store.putIfMatch('index.json', '{"v":3}', stale, json);
      // Assess
      expect(result).toBe('conflict');
      expect((await store.get('index.json'))?.body.toString()).toBe('{"v":2}');
    });

    it('reports a conflict for an etag when the object was deleted meanwhile, and creates nothing', async () => {
      // Prepare
      const { store, etag } = await storeHolding('latest.json', '{"v":1}');
      await store.delete('latest.json');
      // Act
      const result = await store.putIfMatch('latest.json', '{"v":2}', etag, json);
      // Assess
      expect(result).toBe('conflict');
      expect(await store.get('latest.json')).toBeNull();
    });

    it('gives identical bodies the same etag and a different body a different one', async () => {
      const store = await factory();
      await store.putIfAbsent('issues/a/x.json', '{"v":1}', json);
      await store.putIfAbsent('issues/b/x.json', '{"v":1}', json);
      await store.putIfAbsent('issues/c/x.json', '{"v":2}', json);
      const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((id) => store.get(`issues/${id}/x.json`)));
      expect(a?.etag).toBe(b?.etag);
      expect(a?.etag).not.toBe(c?.etag);
    });

    it('lets exactly one of many concurrent writers with the same etag win', async () => {
      // Prepare
      const { store, etag } = await storeHolding('index.json', '{"v":0}');
      // Act
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) => store.putIfMatch('index.json', `{"v":${i + 1}}`, etag, json)),
      );
      // Assess
      const winners = results.filter((r) => r !== 'conflict');
      expect(winners).toHaveLength(1);
      expect((await store.get('index.json'))?.etag).toBe(winners[0]);
    });

    it('lets exactly one of many concurrent exclusive creates win', async () => {
      const store = await factory();
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) => store.putIfAbsent('issues/a/snapshot.json', `{"n":${i}}`, json)),
      );
      expect(results.filter((r) => r === 'created')).toHaveLength(1);
    });
  });
}
