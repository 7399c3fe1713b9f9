import { describe, expect, it, vi } from 'vitest';
import { createMemoryArchiveStore } from '../../../src/archive/memory-store';
import { ClaimLostError, readRunRecord } from '../../../src/archive/run-record';
import type { ArchiveStore } from '../../../src/archive/store';
import { sampleDataset } from '../../../src/emulator/dataset';
import { createEmulatorFetch } from '../../../src/emulator/server';
import { type ProducedIssue, produceIssue } from '../../../src/pipeline/produce-issue';
import { verifyIssue } from '../../../src/pipeline/verify-issue';
import { silentReporter } from '../../../src/ports';
import { liveLikeDataset } from '../../support/datasets';
import { emulatedRunDeps, emulatedRunOptions } from '../../support/emulated-run';

async function weekly(
  archive: ArchiveStore,
  endDate: string,
  options: { synthetic?: boolean; seed?: number } = {},
): Promise<ProducedIssue> {
  const dataset = options.synthetic
    ? sampleDataset({ endDate })
    : liveLikeDataset({ endDate, ...(options.seed ? { seed: options.seed } : {}) });
  const result = await produceIssue(
    emulatedRunDeps(archive, createEmulatorFetch({ dataset }), () => new Date('2026-11-25T07:00:00Z')),
    emulatedRunOptions(),
  );
  if (result.status === 'in-progress') throw new Error('unexpected: issue in progress');
  return result;
}

describe('produceIssue week-over-week', () => {
  it("compares pool concentration with last week's live issue, skipping sample issues in between", async () => {
    const archive = createMemoryArchiveStore();
    const lastWeek = await weekly(archive, '2026-11-16');
    await weekly(archive, '2026-11-20', { synthetic: true });

    const thisWeek = await weekly(archive, '2026-11-23');

    expect(thisWeek.snapshot.metrics.pools.previousWeek).toEqual({
      issueId: lastWeek.issueId,
      hhi: lastWeek.snapshot.metrics.pools.hhi,
      nakamotoCoefficient: lastWeek.snapshot.metrics.pools.nakamotoCoefficient,
      topPoolSharePct: lastWeek.snapshot.metrics.pools.topPoolSharePct,
    });
  });

  it('does not call an issue from two weeks ago "last week"', async () => {
    const archive = createMemoryArchiveStore();
    await weekly(archive, '2026-11-09');

    const thisWeek = await weekly(archive, '2026-11-23');

    expect(thisWeek.snapshot.metrics.pools.previousWeek).toBeNull();
  });
});

describe('produceIssue on an issue that is already archived', () => {
  it('reports the stored issue; the upstreams now answering differently changes nothing', async () => {
    const archive = createMemoryArchiveStore();
    const first = await weekly(archive, '2026-11-23');

    const again = await weekly(archive, '2026-11-23', { seed: 99 });

    expect(again.status).toBe('already-archived');
    expect(again.snapshot).toEqual(first.snapshot);
    expect(again.subject).toBe(first.subject);
    expect(again.warnings).toEqual(first.warnings);
  });
});

describe('produceIssue for an issue that is already complete', () => {
  it('fetches nothing and adds no file when rerun later over another hashrate window', async () => {
    // A 30-day-old as-of asks mempool for its 1y hashrate history; 60 days later the same day needs 2y.
    const archive = createMemoryArchiveStore();
    const dataset = liveLikeDataset({ endDate: '2026-11-23' });
    let requests = 0;
    const fetch = createEmulatorFetch({ dataset });
    const counted: typeof fetch = (url, init) => {
      requests++;
      return fetch(url, init);
    };
    const run = (now: string) =>
      produceIssue(
        emulatedRunDeps(archive, counted, () => new Date(now)),
        emulatedRunOptions({ asOf: '2026-10-26' }),
      );
    const first = await run('2026-11-25T07:00:00Z');
    if (first.status === 'in-progress') throw new Error('unexpected: issue in progress');
    const keysBefore = await archive.list('issues/');
    requests = 0;

    const later = await run('2027-01-24T07:00:00Z');
    if (later.status === 'in-progress') throw new Error('unexpected: issue in progress');

    expect(first.status).toBe('created');
    expect(keysBefore).toContain('issues/2026-10-26/raw/mempool-hashrate-1y.json.gz');
    expect(later.status).toBe('already-archived');
    expect(requests).toBe(0);
    expect(await archive.list('issues/')).toEqual(keysBefore);
    expect(later.warnings).toEqual(first.warnings);
    expect(later.snapshot).toEqual(first.snapshot);
  });
});

describe('produceIssue when its lease runs out mid-run', () => {
  it('another run takes over from the committed inputs and completes the issue; the slow run stops before snapshot.json', async () => {
    // Arrange: run A stalls after its first chart, longer than its (tiny) lease; run B starts meanwhile.
    const archive = createMemoryArchiveStore();
    let release!: () => void;
    const stalled = new Promise<void>((resolve) => {
      release = resolve;
    });
    let stalls = 0;
    const slowArchive: ArchiveStore = {
      ...archive,
      async putIfAbsent(key, body, options) {
        const result = await archive.putIfAbsent(key, body, options);
        if (key.includes('/charts/') && stalls++ === 0) await stalled;
        return result;
      },
    };
    const deps = (store: ArchiveStore) =>
      emulatedRunDeps(
        store,
        createEmulatorFetch({ dataset: liveLikeDataset({ endDate: '2026-11-23' }) }),
        () => new Date(),
      );
    const options = emulatedRunOptions({ asOf: '2026-11-23' });

    // Act
    const a = produceIssue(deps(slowArchive), { ...options, claim: { leaseMs: 1 } }).catch((e: unknown) => e);
    await vi.waitFor(() => expect(stalls).toBeGreaterThan(0), { timeout: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const b = await produceIssue(deps(archive), { ...options, claim: { pollMs: 5 } });
    release();
    const aResult = await a;

    // Assert
    expect(b).toMatchObject({ status: 'created', resumed: true });
    expect(aResult).toBeInstanceOf(ClaimLostError);
    const record = await readRunRecord(archive, '2026-11-23');
    expect(record?.record.completedAt).not.toBeNull();
    const verdict = await verifyIssue(archive, '2026-11-23', options, { reporter: silentReporter });
    expect(verdict.status).toBe('ok');
  });
});
