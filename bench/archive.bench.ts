/**
 * Archive benchmark: archives 200 weekly issues with realistic sizes (60 KB html, 4 × 30 KB png,
 * 400 KB csv, small json) into a filesystem store in a temp folder, then lists and loads them. Shows
 * that manifest work stays O(1) objects per issue: the objects written for issue 200 equal those for
 * issue 1, and issue 200 takes about as long as issue 1.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createFsArchiveStore } from '../src/archive/fs-store';
import { archiveIssue } from '../src/archive/publish';
import { listIssues, readSnapshot } from '../src/archive/read';
import { archiveFeeds } from '../src/pipeline/links';
import { renderArchiveIndexPage } from '../src/render/index-page';
import { makeIssue } from '../test/fixtures/archive/issue';
import { recordingStore } from '../test/fixtures/archive/recording-store';
import { type BenchSection, peakRssMb, timeIt } from './harness';

const ISSUES = 200;
const SIZES = { htmlBytes: 60_000, pngCount: 4, pngBytes: 30_000, csvBytes: 400_000 };
/** Issues averaged at each end, because one sample on a shared machine is noise. */
const EDGE = 10;

function weekday(i: number): string {
  return new Date(Date.UTC(2022, 0, 3) + i * 7 * 86_400_000).toISOString().slice(0, 10);
}

export async function run(): Promise<BenchSection> {
  const root = await mkdtemp(path.join(tmpdir(), 'hashbrief-bench-archive-'));
  try {
    const store = recordingStore(createFsArchiveStore(root));
    const clock = () => new Date('2026-01-05T12:00:00Z');
    const deps = {
      renderIndexPage: renderArchiveIndexPage,
      renderFeeds: archiveFeeds('https://brief.example.org', clock),
      clock,
    };
    const times: number[] = [];
    const writes: number[] = [];
    const manifestWrites: number[] = [];
    let bytes = 0;
    for (let i = 0; i < ISSUES; i++) {
      const id = weekday(i);
      const issue = makeIssue(id, id, SIZES, 40 + (i % 30));
      bytes += issue.files.reduce((s, f) => s + Buffer.byteLength(f.body), 0);
      const before = store.writes.length;
      const start = performance.now();
      await archiveIssue(store, { issueId: id, files: issue.files, entry: issue.entry }, deps);
      times.push(performance.now() - start);
      const mine = store.writes.slice(before);
      writes.push(mine.length);
      manifestWrites.push(mine.filter((w) => !w.key.startsWith('issues/')).length);
    }
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    const firstMs = mean(times.slice(0, EDGE));
    const lastMs = mean(times.slice(-EDGE));
    const firstWrites = writes[0] ?? 0;
    const lastWrites = writes[ISSUES - 1] ?? 0;

    const list = await timeIt(() => listIssues(store), { iterations: 10, warmup: 2 });
    const entries = await listIssues(store);
    const loadStart = performance.now();
    for (const e of entries) await readSnapshot(store, e.issueId);
    const loadAllMs = performance.now() - loadStart;

    const rerunStart = performance.now();
    const last = makeIssue(weekday(ISSUES - 1), weekday(ISSUES - 1), SIZES, 40 + ((ISSUES - 1) % 30));
    const rerun = await archiveIssue(
      store,
      { issueId: weekday(ISSUES - 1), files: last.files, entry: last.entry },
      deps,
    );
    const rerunMs = performance.now() - rerunStart;

    return {
      title: `Archive (filesystem store, ${ISSUES} issues, ${(bytes / ISSUES / 1024).toFixed(0)} KB each)`,
      rows: [
        { name: 'archive one issue (mean of all)', value: mean(times), unit: 'ms' },
        {
          name: `objects written for issue ${ISSUES}`,
          value: lastWrites,
          unit: 'objects',
          baseline: { name: 'issue 1', value: firstWrites },
          ratio: lastWrites / firstWrites,
          target: '= 1× (O(1) manifests)',
          pass: lastWrites === firstWrites,
        },
        {
          name: `manifest objects written for issue ${ISSUES}`,
          value: manifestWrites[ISSUES - 1] ?? 0,
          unit: 'objects',
          baseline: { name: 'issue 1', value: manifestWrites[0] ?? 0 },
          target: '5 (index.json, latest.json, index.html, feed.xml, feed.json)',
          pass: (manifestWrites[ISSUES - 1] ?? 0) === 5,
        },
        {
          name: `archive time, last ${EDGE} issues`,
          value: lastMs,
          unit: 'ms/issue',
          baseline: { name: `first ${EDGE} issues`, value: firstMs },
          ratio: lastMs / firstMs,
          target: '< 3× (objects constant; only manifest bytes grow)',
          pass: lastMs / firstMs < 3,
        },
        { name: `list ${ISSUES} issues (index.json)`, value: list.medianMs, unit: 'ms' },
        { name: `load ${ISSUES} snapshots (zod-parsed)`, value: loadAllMs, unit: 'ms' },
        {
          name: 're-run of an archived issue (no-op)',
          value: rerunMs,
          unit: 'ms',
          target: 'status already-archived',
          pass: rerun.status === 'already-archived',
        },
        { name: 'peak RSS', value: peakRssMb(), unit: 'MB' },
      ],
      notes: [
        'Objects per issue are constant: the issue files plus index.json, latest.json, index.html and the two feeds; no other issue is rewritten.',
        'index.json, index.html and the feeds grow by one entry per issue, so their bytes (not their count) grow linearly; at 200 issues they are a few hundred KB.',
        'Every object is fsynced before it is published, so times include disk flushes on a shared machine.',
      ],
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
