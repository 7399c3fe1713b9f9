import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../src/archive/hash';
import { parseIndexManifest, parseLatestManifest } from '../../../src/archive/manifest';
import { createMemoryArchiveStore } from '../../../src/archive/memory-store';
import { archiveIssue } from '../../../src/archive/publish';
import { archiveTestIssue, listPage, makeIssue, testArchiveDeps } from '../../fixtures/archive/issue';
import { recordingStore } from '../../fixtures/archive/recording-store';
import { storeVariants } from './store-variants';

const deps = testArchiveDeps;
const json = { contentType: 'application/json' };

const stores = storeVariants('hashbrief-publish-', null);

describe.each(stores)('archiveIssue on the %s store', (_name, freshStore) => {
  it('writes every issue object once with immutable caching, snapshot.json last, then the manifests', async () => {
    // Prepare
    const store = recordingStore(await freshStore());
    // Act
    const result = await archiveTestIssue(store, '2026-01-05');
    // Assess
    expect(result.status).toBe('created');
    const keys = store.writes.map((w) => w.key);
    expect(keys.slice(-4)).toEqual([
      'issues/2026-01-05/snapshot.json',
      'index.json',
      'latest.json',
      'index.html',
    ]);
    const issueWrites = store.writes.filter((w) => w.key.startsWith('issues/'));
    expect(issueWrites.every((w) => w.kind === 'putIfAbsent')).toBe(true);
    expect(issueWrites.every((w) => w.options.cacheControl === 'public, max-age=31536000, immutable')).toBe(
      true,
    );
    const manifestWrites = store.writes.filter((w) => !w.key.startsWith('issues/'));
    expect(
      manifestWrites.every((w) => w.kind === 'putIfMatch' && w.options.cacheControl === 'public, max-age=60'),
    ).toBe(true);
  });

  it('labels content types, and gzip encoding for raw .json.gz responses', async () => {
    const store = await freshStore();
    await archiveTestIssue(store, '2026-01-05');
    const raw = await store.get('issues/2026-01-05/raw/coinmetrics-asset-metrics-p0.json.gz');
    expect(raw?.contentType).toBe('application/json');
    expect(raw?.contentEncoding).toBe('gzip');
    expect(JSON.parse(gunzipSync(raw?.body ?? Buffer.alloc(0)).toString())).toEqual({
      data: [{ time: '2026-01-05' }],
    });
    expect((await store.get('issues/2026-01-05/metrics.csv'))?.contentType).toBe('text/csv; charset=utf-8');
    expect((await store.get('index.html'))?.contentType).toBe('text/html; charset=utf-8');
  });

  it('records sha256, bytes and content type of every public file in index.json, not email.json', async () => {
    // Prepare
    const store = await freshStore();
    const issue = makeIssue('2026-01-05', '2026-01-05');
    // Act
    await archiveIssue(store, { issueId: '2026-01-05', files: issue.files, entry: issue.entry }, deps);
    // Assess
    const index = parseIndexManifest((await store.get('index.json'))?.body ?? Buffer.alloc(0));
    const files = index.issues[0]?.files ?? {};
    expect(Object.keys(files).sort()).toEqual(
      issue.files
        .map((f) => f.name)
        .filter((n) => n !== 'email.json')
        .sort(),
    );
    const csv = issue.files.find((f) => f.name === 'metrics.csv');
    expect(files['metrics.csv']).toEqual({
      key: 'issues/2026-01-05/metrics.csv',
      bytes: Buffer.byteLength(csv?.body ?? ''),
      sha256: sha256Hex(csv?.body ?? ''),
      contentType: 'text/csv; charset=utf-8',
    });
    expect(index.issues[0]?.headline.hashpriceUsdPerPhDay).toBe(52.5);
  });

  it('is a no-op that reports "already-archived" when run again, writing nothing', async () => {
    // Prepare
    const inner = await freshStore();
    const first = await archiveTestIssue(inner, '2026-01-05');
    const store = recordingStore(inner);
    // Act
    const second = await archiveTestIssue(store, '2026-01-05');
    // Assess
    expect(second.status).toBe('already-archived');
    expect(second.entry).toEqual(first.entry);
    expect(second.warnings).toEqual([]);
    expect(store.writes.filter((w) => w.result !== 'exists')).toEqual([]);
  });

  it('keeps the original bytes and warns when a re-run produces different content', async () => {
    // Prepare
    const store = await freshStore();
    await archiveTestIssue(store, '2026-01-05');
    const changed = makeIssue('2026-01-05', '2026-01-05', { htmlBytes: 500 });
    // Act
    const result = await archiveIssue(
      store,
      { issueId: '2026-01-05', files: changed.files, entry: changed.entry },
      deps,
    );
    // Assess
    expect(result.status).toBe('already-archived');
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatch(
      /newsletter\.html is already archived with different content.*kept the original/,
    );
    expect((await store.get('issues/2026-01-05/newsletter.html'))?.body.toString()).toBe(
      '<p>hashbrief 2026-01-05</p>',
    );
  });

  it('completes an issue on a re-run after a crash mid-issue', async () => {
    // Prepare: the first run dies after three objects, before snapshot.json and the manifests.
    const inner = await freshStore();
    await expect(
      archiveTestIssue(recordingStore(inner, { failAfterWrites: 3 }), '2026-01-05'),
    ).rejects.toThrow(/simulated crash/);
    expect(await inner.get('issues/2026-01-05/snapshot.json')).toBeNull();
    expect(await inner.get('index.json')).toBeNull();
    // Act
    const result = await archiveTestIssue(inner, '2026-01-05');
    // Assess
    expect(result.status).toBe('created');
    expect(result.warnings).toEqual([]);
    expect(Object.keys(result.entry.files)).toHaveLength(6);
    expect(
      parseLatestManifest((await inner.get('latest.json'))?.body ?? Buffer.alloc(0)).issue?.issueId,
    ).toBe('2026-01-05');
  });

  it('adds the entry when a crash hit after snapshot.json but before the manifests', async () => {
    // Prepare: every object written, no manifest.
    const store = await freshStore();
    const issue = makeIssue('2026-01-05', '2026-01-05');
    for (const f of issue.files) await store.putIfAbsent(`issues/2026-01-05/${f.name}`, f.body, f);
    // Act: a re-run whose generatedAt differs from the stored snapshot's.
    const result = await archiveIssue(
      store,
      {
        issueId: '2026-01-05',
        files: issue.files,
        entry: { ...issue.entry, generatedAt: '2026-02-01T00:00:00.000Z' },
      },
      deps,
    );
    // Assess: the stored snapshot, not the re-run, defines the entry.
    expect(result.status).toBe('already-archived');
    expect(result.entry.generatedAt).toBe('2026-01-05T06:00:00.000Z');
    expect((await store.get('index.html'))?.body.toString()).toContain('2026-01-05');
  });

  it('loses no entry when many issues are archived concurrently', async () => {
    // Prepare
    const store = await freshStore();
    const days = Array.from({ length: 8 }, (_, i) => `2026-01-${String(i + 10).padStart(2, '0')}`);
    // Act
    await Promise.all(days.map((d) => archiveTestIssue(store, d)));
    // Assess
    const index = parseIndexManifest((await store.get('index.json'))?.body ?? Buffer.alloc(0));
    expect(index.issues.map((e) => e.issueId)).toEqual([...days].reverse());
    expect(
      parseLatestManifest((await store.get('latest.json'))?.body ?? Buffer.alloc(0)).issue?.issueId,
    ).toBe('2026-01-17');
    expect((await store.get('index.html'))?.body.toString()).toBe(listPage(index.issues));
  });

  it('writes the same three manifest objects per new issue however many issues exist', async () => {
    // Prepare
    const inner = await freshStore();
    for (let i = 1; i <= 5; i++) await archiveTestIssue(inner, `2025-12-0${i}`);
    const store = recordingStore(inner);
    // Act
    await archiveTestIssue(store, '2026-01-05');
    // Assess
    const outside = store.writes.filter((w) => !w.key.startsWith('issues/2026-01-05/')).map((w) => w.key);
    expect(outside).toEqual(['index.json', 'latest.json', 'index.html']);
  });
});

describe('archiveIssue input checks', () => {
  it.each(['../x', 'a/b', '.hidden', 'a..b', '', 'sp ace'])('rejects the issue id %j', async (id) => {
    const issue = makeIssue('2026-01-05', '2026-01-05');
    await expect(
      archiveIssue(
        createMemoryArchiveStore(),
        { issueId: id, files: issue.files, entry: { ...issue.entry, issueId: id } },
        deps,
      ),
    ).rejects.toThrow(/Invalid issue id/);
  });

  it('rejects file names that climb out of the issue folder', async () => {
    const issue = makeIssue('2026-01-05', '2026-01-05');
    const files = [...issue.files, { name: '../index.json', body: '{}', contentType: 'application/json' }];
    await expect(
      archiveIssue(createMemoryArchiveStore(), { issueId: '2026-01-05', files, entry: issue.entry }, deps),
    ).rejects.toThrow(/Invalid issue file name/);
  });

  it('refuses an issue without snapshot.json, since nothing would mark it complete', async () => {
    const issue = makeIssue('2026-01-05', '2026-01-05');
    const files = issue.files.filter((f) => f.name !== 'snapshot.json');
    await expect(
      archiveIssue(createMemoryArchiveStore(), { issueId: '2026-01-05', files, entry: issue.entry }, deps),
    ).rejects.toThrow(/has no snapshot\.json/);
  });

  it('stops with a repair hint when index.json is corrupt, after storing the issue objects', async () => {
    // Prepare
    const store = createMemoryArchiveStore();
    await store.putIfAbsent('index.json', '{"schemaVersion":1,"issues":"nope"', json);
    // Act
    const run = archiveTestIssue(store, '2026-01-05');
    // Assess
    await expect(run).rejects.toThrow(/index\.json is corrupt .*hashbrief archive repair/);
    expect(await store.get('issues/2026-01-05/snapshot.json')).not.toBeNull();
  });
});
