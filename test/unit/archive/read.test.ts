import { describe, expect, it } from 'vitest';
import {
  CorruptManifestError,
  CorruptObjectError,
  IssueNotFoundError,
  MissingObjectError,
} from '../../../src/archive/errors';
import { createMemoryArchiveStore } from '../../../src/archive/memory-store';
import { archiveIssue } from '../../../src/archive/publish';
import {
  getIssueEntry,
  issueFileUrl,
  latestIssue,
  listIssues,
  previousIssueBefore,
  readIssueFile,
  readSnapshot,
} from '../../../src/archive/read';
import type { ArchiveStore } from '../../../src/archive/store';
import { archiveTestIssue, fixedClock, makeIssue, testArchiveDeps } from '../../fixtures/archive/issue';

const deps = testArchiveDeps;

async function archiveWith(ids: string[], options: { publicBaseUrl?: string } = {}): Promise<ArchiveStore> {
  const store = createMemoryArchiveStore({ ...options, clock: fixedClock });
  for (const id of ids) await archiveTestIssue(store, id);
  return store;
}

describe('archive reads', () => {
  it('lists issues newest first and names the latest', async () => {
    const store = await archiveWith(['2026-01-05', '2026-01-19', '2026-01-12']);
    expect((await listIssues(store)).map((e) => e.issueId)).toEqual([
      '2026-01-19',
      '2026-01-12',
      '2026-01-05',
    ]);
    expect((await latestIssue(store))?.issueId).toBe('2026-01-19');
  });

  it('never lets a sample issue lead while a live one exists, however recent the sample is', async () => {
    const store = await archiveWith(['2026-01-05', '2026-01-12']);
    const sample = makeIssue('2026-01-19-sample', '2026-01-19');
    await archiveIssue(
      store,
      { issueId: sample.entry.issueId, files: sample.files, entry: { ...sample.entry, sample: true } },
      deps,
    );

    expect((await listIssues(store)).map((e) => e.issueId)).toEqual([
      '2026-01-12',
      '2026-01-05',
      '2026-01-19-sample',
    ]);
    expect((await latestIssue(store))?.issueId).toBe('2026-01-12');
    expect((await store.get('index.html'))?.body.toString()).toBe(
      '<ul><li>2026-01-12</li><li>2026-01-05</li><li>2026-01-19-sample</li></ul>\n',
    );
  });

  it('treats an archive without index.json as empty', async () => {
    const store = createMemoryArchiveStore();
    expect(await listIssues(store)).toEqual([]);
    expect(await latestIssue(store)).toBeNull();
    expect(await previousIssueBefore(store, '2026-01-05')).toBeNull();
  });

  it('reports an unknown issue id with the nearest known ids', async () => {
    const store = await archiveWith(['2026-01-05', '2026-01-12', '2025-06-30']);
    const error = await getIssueEntry(store, '2026-01-06').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IssueNotFoundError);
    expect((error as IssueNotFoundError).message).toMatch(
      /Unknown issue id "2026-01-06"\. Nearest: 2026-01-05/,
    );
  });

  it('says to run repair when an issue exists but the manifest lacks it', async () => {
    const store = await archiveWith(['2026-01-05']);
    const orphan = makeIssue('2026-01-12', '2026-01-12');
    for (const f of orphan.files) await store.putIfAbsent(`issues/2026-01-12/${f.name}`, f.body, f);
    await expect(getIssueEntry(store, '2026-01-12')).rejects.toThrow(/hashbrief archive repair/);
  });

  it('explains a corrupt manifest and points at repair', async () => {
    const store = createMemoryArchiveStore();
    await store.putIfAbsent('index.json', 'not json', { contentType: 'application/json' });
    const error = await listIssues(store).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CorruptManifestError);
    expect(String(error)).toMatch(/index\.json is corrupt \(not JSON\); run "hashbrief archive repair"/);
  });

  it('reads a file of an issue, including private ones', async () => {
    const store = await archiveWith(['2026-01-05']);
    expect((await readIssueFile(store, '2026-01-05', 'newsletter.txt')).body.toString()).toBe(
      'hashbrief 2026-01-05\n',
    );
    expect((await readIssueFile(store, '2026-01-05', 'email.json')).contentType).toBe('application/json');
  });

  it('names the missing object, says the manifest listed it, and lists the other files', async () => {
    const store = await archiveWith(['2026-01-05']);
    await store.delete('issues/2026-01-05/metrics.csv');
    const error = await readIssueFile(store, '2026-01-05', 'metrics.csv').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingObjectError);
    expect(String(error)).toMatch(/issues\/2026-01-05\/metrics\.csv does not exist\. The manifest lists it/);
    expect(String(error)).toMatch(/Other files of this issue: .*snapshot\.json/);
    expect(String(error).split('Other files of this issue:')[1]).not.toContain('metrics.csv');
  });

  it('parses snapshot.json with the snapshot schema', async () => {
    const store = await archiveWith(['2026-01-05']);
    const snapshot = await readSnapshot(store, '2026-01-05');
    expect(snapshot.metrics.hashprice.usdPerPhDay).toBe(52.5);
  });

  it('rejects a snapshot that does not match the schema with the path of the problem', async () => {
    const store = createMemoryArchiveStore();
    await store.putIfAbsent('issues/x/snapshot.json', '{"schemaVersion":1}', {
      contentType: 'application/json',
    });
    const error = await readSnapshot(store, 'x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CorruptObjectError);
    expect(String(error)).toMatch(/issues\/x\/snapshot\.json is corrupt/);
  });

  it('finds the previous issue strictly before a day, optionally live or sample only', async () => {
    const store = await archiveWith(['2026-01-05', '2026-01-12']);
    expect((await previousIssueBefore(store, '2026-01-12'))?.issueId).toBe('2026-01-05');
    expect((await previousIssueBefore(store, '2026-01-13'))?.issueId).toBe('2026-01-12');
    expect(await previousIssueBefore(store, '2026-01-05')).toBeNull();
    expect(await previousIssueBefore(store, '2026-01-13', { sample: true })).toBeNull();
  });

  it('gives a CDN URL for a public file and refuses a file the issue does not have', async () => {
    const store = await archiveWith(['2026-01-05'], { publicBaseUrl: 'https://cdn.example.org' });
    expect(await issueFileUrl(store, '2026-01-05', 'charts/chart-1.png')).toEqual({
      url: 'https://cdn.example.org/issues/2026-01-05/charts/chart-1.png',
      expiresAt: null,
    });
    await expect(issueFileUrl(store, '2026-01-05', 'nope.png')).rejects.toThrow(MissingObjectError);
  });
});
