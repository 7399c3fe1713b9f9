import { describe, expect, it } from 'vitest';
import { readAlertsManifest } from '../../../src/archive/manifest';
import { createMemoryArchiveStore } from '../../../src/archive/memory-store';
import { archiveIssue } from '../../../src/archive/publish';
import { repairManifests } from '../../../src/archive/repair';
import { archiveFeeds } from '../../../src/pipeline/links';
import { fixedClock, listPage, makeIssue } from '../../fixtures/archive/issue';
import { recordingStore } from '../../fixtures/archive/recording-store';
import { childrenNamed, parseXml } from '../../support/xml';

const deps = {
  renderIndexPage: listPage,
  renderFeeds: archiveFeeds('https://brief.example.org', fixedClock),
  clock: fixedClock,
};

function weekday(i: number): string {
  return new Date(Date.UTC(2026, 0, 5) + i * 7 * 86_400_000).toISOString().slice(0, 10);
}

describe('feeds written with the manifests', () => {
  it('writes feed.xml and feed.json after the manifests, with feed content types and manifest caching', async () => {
    const store = recordingStore(createMemoryArchiveStore());
    const issue = makeIssue('2026-01-05', '2026-01-05');

    await archiveIssue(store, { issueId: '2026-01-05', files: issue.files, entry: issue.entry }, deps);

    const keys = store.writes.map((w) => w.key);
    expect(keys.slice(-5)).toEqual(['index.json', 'latest.json', 'index.html', 'feed.xml', 'feed.json']);
    const atom = store.writes.find((w) => w.key === 'feed.xml');
    const json = store.writes.find((w) => w.key === 'feed.json');
    expect(atom?.options).toEqual({
      contentType: 'application/atom+xml; charset=utf-8',
      cacheControl: 'public, max-age=60',
    });
    expect(json?.options).toEqual({
      contentType: 'application/feed+json; charset=utf-8',
      cacheControl: 'public, max-age=60',
    });
    const stored = await store.get('feed.xml');
    const entries = childrenNamed(parseXml(stored?.body.toString('utf8') ?? ''), 'entry');
    expect(entries).toHaveLength(1);
  });

  it('writes the same number of objects for the tenth issue as for the first, and nothing on a rerun', async () => {
    const store = recordingStore(createMemoryArchiveStore());
    const counts: number[] = [];
    for (let i = 0; i < 10; i++) {
      const id = weekday(i);
      const issue = makeIssue(id, id);
      const before = store.writes.length;
      await archiveIssue(store, { issueId: id, files: issue.files, entry: issue.entry }, deps);
      counts.push(store.writes.length - before);
    }
    const last = makeIssue(weekday(9), weekday(9));
    const before = store.writes.length;
    const rerun = await archiveIssue(
      store,
      { issueId: weekday(9), files: last.files, entry: last.entry },
      deps,
    );

    expect(new Set(counts).size).toBe(1);
    expect(rerun.status).toBe('already-archived');
    // A rerun only asks (putIfAbsent answers "exists"); it stores nothing.
    expect(store.writes.slice(before).filter((w) => w.result !== 'exists')).toEqual([]);
    const feed = parseXml((await store.get('feed.xml'))?.body.toString('utf8') ?? '');
    expect(childrenNamed(feed, 'entry')).toHaveLength(10);
  });

  it('is rebuilt by `archive repair`, titles read back from each issue', async () => {
    const store = createMemoryArchiveStore();
    const issue = makeIssue('2026-01-05', '2026-01-05');
    const files = issue.files.map((f) =>
      f.name === 'email.json' ? { ...f, body: '{"issueId":"2026-01-05","subject":"Stored subject"}' } : f,
    );
    await archiveIssue(store, { issueId: '2026-01-05', files, entry: issue.entry }, deps);
    await store.delete('feed.xml');
    await store.delete('index.json');

    const result = await repairManifests(store, deps);

    expect(result.written).toContain('feed.xml');
    const feed = parseXml((await store.get('feed.xml'))?.body.toString('utf8') ?? '');
    const entry = childrenNamed(feed, 'entry')[0];
    expect(childrenNamed(entry ?? feed, 'title')[0]?.text).toBe('Stored subject');
    expect(await readAlertsManifest(store)).toEqual([]);
  });
});
