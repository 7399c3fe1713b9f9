import { describe, expect, it } from 'vitest';
import { createMemoryArchiveStore } from '../../../src/archive/memory-store';
import { latestIssue, listIssues } from '../../../src/archive/read';
import { relistIssue, repairManifests } from '../../../src/archive/repair';
import {
  archiveTestIssue,
  listPage,
  makeIssue,
  makeSnapshot,
  testArchiveDeps,
} from '../../fixtures/archive/issue';

const deps = testArchiveDeps;

async function archived(ids: string[]) {
  const store = createMemoryArchiveStore();
  for (const id of ids) await archiveTestIssue(store, id);
  return store;
}

describe('repairManifests', () => {
  it('rebuilds a corrupt index.json with the same entries archiving wrote', async () => {
    // Prepare
    const store = await archived(['2026-01-05', '2026-01-12']);
    const before = await listIssues(store);
    const index = await store.get('index.json');
    await store.putIfMatch('index.json', '{ truncated', index?.etag ?? null, {
      contentType: 'application/json',
    });
    // Act
    const result = await repairManifests(store, deps);
    // Assess
    expect(result.written).toContain('index.json');
    expect(await listIssues(store)).toEqual(before);
  });

  it('recreates deleted manifests and lists incomplete issues without touching them', async () => {
    // Prepare
    const store = await archived(['2026-01-05']);
    for (const key of ['index.json', 'latest.json', 'index.html']) await store.delete(key);
    await store.putIfAbsent('issues/2026-01-12/metrics.csv', 'date\r\n', {
      contentType: 'text/csv; charset=utf-8',
    });
    const keysBefore = await store.list('issues/');
    // Act
    const result = await repairManifests(store, deps);
    // Assess
    expect(result.issues.map((e) => e.issueId)).toEqual(['2026-01-05']);
    expect(result.incomplete).toEqual(['2026-01-12']);
    expect(result.written).toEqual(['index.json', 'latest.json', 'index.html']);
    expect(await store.list('issues/')).toEqual(keysBefore);
    expect((await store.get('index.html'))?.body.toString()).toBe(listPage(result.issues));
  });

  it('skips an issue whose snapshot is not valid and says why', async () => {
    const store = await archived(['2026-01-05']);
    await store.putIfAbsent('issues/bad/snapshot.json', '{}', { contentType: 'application/json' });
    const result = await repairManifests(store, deps);
    expect(result.skipped).toEqual([{ issueId: 'bad', reason: 'snapshot.json is not a valid snapshot' }]);
  });

  it('writes nothing when the manifests are already right', async () => {
    const store = await archived(['2026-01-05']);
    expect((await repairManifests(store, deps)).written).toEqual([]);
  });
});

describe('relistIssue (a rerun finding its issue complete)', () => {
  it('lists a complete issue a run left unlisted (it died after snapshot.json), hashing its stored files', async () => {
    const store = await archived(['2026-01-05']);
    const issue = makeIssue('2026-01-12', '2026-01-12');
    for (const file of issue.files) {
      await store.putIfAbsent(`issues/2026-01-12/${file.name}`, file.body, { contentType: file.contentType });
    }

    const result = await relistIssue(store, '2026-01-12', makeSnapshot('2026-01-12', '2026-01-12'), deps);

    expect(result.written).toEqual(['index.json', 'latest.json', 'index.html']);
    const entry = (await listIssues(store)).find((e) => e.issueId === '2026-01-12');
    expect(Object.keys(entry?.files ?? {}).sort()).toEqual(
      issue.files
        .map((f) => f.name)
        .filter((n) => n !== 'email.json')
        .sort(),
    );
    expect((await latestIssue(store))?.issueId).toBe('2026-01-12');
  });

  it('writes nothing for a listed issue, even when this run would draw index.html differently', async () => {
    const store = await archived(['2026-01-05']);
    const otherPage = {
      ...deps,
      renderIndexPage: () => '<p>drawn with other settings: issues/2026-01-05/</p>',
    };

    const result = await relistIssue(
      store,
      '2026-01-05',
      makeSnapshot('2026-01-05', '2026-01-05'),
      otherPage,
    );

    expect(result.written).toEqual([]);
  });
});
