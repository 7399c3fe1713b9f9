/**
 * The archive manifests (src/archive/manifest.ts) on their own: how entries are ordered, what a corrupt
 * manifest says, when compare-and-swap writes, retries and gives up, and what an update writes.
 */
import { describe, expect, it } from 'vitest';
import { CorruptManifestError, ManifestConflictError } from '../../../src/archive/errors';
import {
  compareAndSwap,
  parseIndexManifest,
  parseLatestManifest,
  updateManifests,
} from '../../../src/archive/manifest';
import { createMemoryArchiveStore } from '../../../src/archive/memory-store';
import type { ArchiveStore } from '../../../src/archive/store';
import { type IssueIndexEntry, sortEntries } from '../../../src/contracts/index-entry';
import { losingStore } from '../../fixtures/archive/losing-store';

const entry = (issueId: string, overrides: Partial<IssueIndexEntry> = {}): IssueIndexEntry => ({
  issueId,
  asOf: issueId.slice(0, 10),
  generatedAt: '2026-11-24T07:00:00Z',
  sample: false,
  headline: { hashpriceUsdPerPhDay: 50, hashpriceChange7dPct: -1, priceUsd: 60_000, hashrateEhs7d: 1_000 },
  files: {},
  ...overrides,
});
const deps = {
  renderIndexPage: (entries: IssueIndexEntry[]) =>
    `<ol>${entries.map((e) => `<li>${e.issueId}</li>`).join('')}</ol>`,
  clock: () => new Date('2026-11-24T08:00:00Z'),
};
const json = { contentType: 'application/json' };

describe('sortEntries', () => {
  it('puts live issues before sample issues, each newest first by asOf, then generatedAt, then issueId', () => {
    const entries = [
      entry('2026-11-09'),
      entry('2026-11-30-sample', { sample: true, asOf: '2026-11-30' }),
      entry('2026-11-16', { generatedAt: '2026-11-17T07:00:00Z' }),
      entry('2026-11-16-b', { asOf: '2026-11-16', generatedAt: '2026-11-17T07:00:00Z' }),
      entry('2026-11-16-late', { asOf: '2026-11-16', generatedAt: '2026-11-18T07:00:00Z' }),
      entry('2026-11-02-sample', { sample: true, asOf: '2026-11-02' }),
      entry('2026-11-23'),
    ];

    expect(sortEntries(entries).map((e) => e.issueId)).toEqual([
      '2026-11-23',
      '2026-11-16-late',
      '2026-11-16-b',
      '2026-11-16',
      '2026-11-09',
      '2026-11-30-sample',
      '2026-11-02-sample',
    ]);
  });

  it('keeps identical keys stable and does not change its input', () => {
    const a = entry('2026-11-23', {
      files: { 'a.json': { key: 'a', bytes: 1, sha256: 'a'.repeat(64), contentType: 'x' } },
    });
    const b = entry('2026-11-23');
    const input = [b, a];

    expect(sortEntries(input)).toEqual([b, a]);
    expect(input).toEqual([b, a]);
  });
});

describe('parsing a manifest', () => {
  it('names the manifest and says it is not JSON', () => {
    expect(() => parseIndexManifest(Buffer.from('{"schemaVersion":1,'))).toThrow(
      new CorruptManifestError('index.json', 'not JSON'),
    );
  });

  it('names the first bad field with its path', () => {
    const body = JSON.stringify({
      schemaVersion: 1,
      updatedAt: '2026-11-24T08:00:00Z',
      issues: [{ issueId: 3 }],
    });

    expect(() => parseIndexManifest(Buffer.from(body))).toThrow(
      /^Manifest index\.json is corrupt \(field `issues\.0\.issueId` .+\); run "hashbrief archive repair"/,
    );
  });

  it('says what is wrong at the top level without a path', () => {
    expect(() => parseLatestManifest(Buffer.from('[]'))).toThrow(
      /^Manifest latest\.json is corrupt \([^)]*[a-z][^)]*\)/,
    );
    expect(() => parseLatestManifest(Buffer.from('[]'))).toThrow(/\(field `\(object\)` /);
  });

  it('refuses an updatedAt that is not a timestamp', () => {
    const body = JSON.stringify({ schemaVersion: 1, updatedAt: 'yesterday', issues: [] });

    expect(() => parseIndexManifest(Buffer.from(body))).toThrow(/field `updatedAt` /);
  });

  it('accepts a valid manifest with a time-zone offset', () => {
    const body = JSON.stringify({
      schemaVersion: 1,
      updatedAt: '2026-11-24T09:00:00+01:00',
      issues: [entry('2026-11-23')],
    });

    expect(parseIndexManifest(Buffer.from(body)).issues.map((e) => e.issueId)).toEqual(['2026-11-23']);
  });
});

describe('compareAndSwap', () => {
  it('writes nothing when the body would not change, or when the builder has nothing to write', async () => {
    const store = createMemoryArchiveStore();
    await store.putIfAbsent('index.json', 'same', json);

    expect(await compareAndSwap(store, 'index.json', async () => 'same', json)).toBe(false);
    expect(await compareAndSwap(store, 'index.json', async () => null, json)).toBe(false);
    expect(await compareAndSwap(store, 'index.json', async () => 'new', json)).toBe(true);
    expect((await store.get('index.json'))?.body.toString()).toBe('new');
  });

  it('rebuilds from what it re-reads after losing a write, and writes on the tenth attempt', async () => {
    // Arrange: nine other writers each get in just before us.
    const inner = createMemoryArchiveStore();
    await inner.putIfAbsent('n.txt', '0', json);
    let interruptions = 9;
    const store: ArchiveStore = {
      ...inner,
      async putIfMatch(key, body, etag, options) {
        if (interruptions-- > 0) {
          const current = await inner.get(key);
          await inner.putIfMatch(
            key,
            String(Number(current?.body.toString()) + 1),
            current?.etag ?? null,
            options,
          );
        }
        return inner.putIfMatch(key, body, etag, options);
      },
    };
    const seen: string[] = [];
    // Act
    const wrote = await compareAndSwap(
      store,
      'n.txt',
      async (current) => {
        seen.push(current?.body.toString() ?? '');
        return `${current?.body.toString()}+mine`;
      },
      json,
    );
    // Assert
    expect(wrote).toBe(true);
    expect(seen).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect((await inner.get('n.txt'))?.body.toString()).toBe('9+mine');
  });

  it('gives up after ten lost writes with ManifestConflictError naming the key and the store', async () => {
    const store = losingStore();

    const swap = compareAndSwap(store, 'index.json', async () => 'x', json);

    await expect(swap).rejects.toThrow(ManifestConflictError);
    await expect(swap).rejects.toThrow(
      'Gave up updating index.json in memory:// after 10 conflicting writes; run the command again.',
    );
    expect(store.attempts).toBe(10);
  });
});

describe('updateManifests', () => {
  it('writes all three manifests for a new entry, with the manifest cache headers', async () => {
    const store = createMemoryArchiveStore();

    const result = await updateManifests(store, (list) => [...list, entry('2026-11-23')], deps);

    expect(result.written).toEqual(['index.json', 'latest.json', 'index.html']);
    expect(result.entries.map((e) => e.issueId)).toEqual(['2026-11-23']);
    const index = parseIndexManifest((await store.get('index.json'))?.body ?? Buffer.from(''));
    expect(index.updatedAt).toBe('2026-11-24T08:00:00.000Z');
    expect(
      parseLatestManifest((await store.get('latest.json'))?.body ?? Buffer.from('')).issue?.issueId,
    ).toBe('2026-11-23');
    expect((await store.get('index.html'))?.body.toString()).toBe('<ol><li>2026-11-23</li></ol>');
    expect((await store.get('index.html'))?.contentType).toBe('text/html; charset=utf-8');
    expect((await store.get('latest.json'))?.contentType).toBe('application/json');
  });

  it('writes nothing when the change leaves the entries as they are (even in another order)', async () => {
    const store = createMemoryArchiveStore();
    await updateManifests(store, () => [entry('2026-11-16'), entry('2026-11-23')], deps);

    const again = await updateManifests(store, (list) => [...list].reverse(), {
      ...deps,
      clock: () => new Date('2026-12-01T00:00:00Z'),
    });

    expect(again.written).toEqual([]);
    expect(again.entries.map((e) => e.issueId)).toEqual(['2026-11-23', '2026-11-16']);
  });

  it('leaves index.html alone when asked to keep it', async () => {
    const store = createMemoryArchiveStore();

    const result = await updateManifests(store, () => [entry('2026-11-23')], deps, { keepIndexPage: true });

    expect(result.written).toEqual(['index.json', 'latest.json']);
    expect(await store.get('index.html')).toBeNull();
  });

  it('writes latest.json with no issue for an empty index', async () => {
    const store = createMemoryArchiveStore();
    await updateManifests(store, () => [entry('2026-11-23')], deps);

    const result = await updateManifests(store, () => [], deps);

    expect(result.written).toEqual(['index.json', 'latest.json', 'index.html']);
    expect(parseLatestManifest((await store.get('latest.json'))?.body ?? Buffer.from('')).issue).toBeNull();
  });

  it('fails on a corrupt index.json unless asked to replace it, and then starts from no entries', async () => {
    const store = createMemoryArchiveStore();
    await store.putIfAbsent('index.json', '{"schemaVersion":1,"issues":"lost"}', json);

    await expect(updateManifests(store, (list) => [...list, entry('2026-11-23')], deps)).rejects.toThrow(
      CorruptManifestError,
    );
    const seen: number[] = [];
    const repaired = await updateManifests(
      store,
      (list) => {
        seen.push(list.length);
        return [...list, entry('2026-11-23')];
      },
      deps,
      { replaceCorrupt: true },
    );

    expect(seen).toEqual([0]);
    expect(repaired.written).toContain('index.json');
    expect(repaired.entries.map((e) => e.issueId)).toEqual(['2026-11-23']);
  });
});
