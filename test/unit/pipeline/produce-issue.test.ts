import { describe, expect, it } from 'vitest';
import { createMemoryArchiveStore } from '../../../src/archive/memory-store';
import type { ArchiveStore } from '../../../src/archive/store';
import { sampleDataset } from '../../../src/emulator/dataset';
import { createEmulatorFetch } from '../../../src/emulator/server';
import { defaultAssumptions } from '../../../src/metrics/assumptions';
import { type ProducedIssue, produceIssue } from '../../../src/pipeline/produce-issue';
import { realSleep, silentReporter } from '../../../src/ports';
import { liveLikeDataset } from '../../support/datasets';

const BASE = 'http://upstream.test';

async function weekly(
  archive: ArchiveStore,
  endDate: string,
  options: { synthetic?: boolean; seed?: number } = {},
): Promise<ProducedIssue> {
  const dataset = options.synthetic
    ? sampleDataset({ endDate })
    : liveLikeDataset({ endDate, ...(options.seed ? { seed: options.seed } : {}) });
  const result = await produceIssue(
    {
      fetch: createEmulatorFetch({ dataset }),
      clock: () => new Date('2026-11-25T07:00:00Z'),
      sleep: realSleep,
      random: () => 0.5,
      reporter: silentReporter,
      archive,
    },
    {
      coinMetricsUrl: `${BASE}/coinmetrics/v4`,
      mempoolUrl: `${BASE}/mempool/api`,
      sample: false,
      assumptions: defaultAssumptions(),
      postalAddress: 'hashbrief, 1 Test Street',
    },
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
        {
          fetch: counted,
          clock: () => new Date(now),
          sleep: realSleep,
          random: () => 0.5,
          reporter: silentReporter,
          archive,
        },
        {
          coinMetricsUrl: `${BASE}/coinmetrics/v4`,
          mempoolUrl: `${BASE}/mempool/api`,
          asOf: '2026-10-26',
          sample: false,
          assumptions: defaultAssumptions(),
          postalAddress: 'hashbrief, 1 Test Street',
        },
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
