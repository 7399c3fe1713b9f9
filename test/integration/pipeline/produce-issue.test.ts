import { describe, expect, it } from 'vitest';
import { createMemoryArchiveStore } from '../../../src/archive/memory-store';
import type { ArchiveStore } from '../../../src/archive/store';
import { sampleDataset } from '../../../src/emulator/dataset';
import { createEmulatorFetch } from '../../../src/emulator/server';
import { defaultAssumptions } from '../../../src/metrics/assumptions';
import { produceIssue } from '../../../src/pipeline/produce-issue';
import { realSleep, silentReporter } from '../../../src/ports';
import { liveLikeDataset } from '../../support/datasets';

const BASE = 'http://upstream.test';

function weekly(
  archive: ArchiveStore,
  endDate: string,
  options: { synthetic?: boolean; seed?: number } = {},
) {
  const dataset = options.synthetic
    ? sampleDataset({ endDate })
    : liveLikeDataset({ endDate, ...(options.seed ? { seed: options.seed } : {}) });
  return produceIssue(
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
  it('reports the stored issue, not the discarded re-run, and says the new data differed', async () => {
    const archive = createMemoryArchiveStore();
    const first = await weekly(archive, '2026-11-23');

    const again = await weekly(archive, '2026-11-23', { seed: 99 });

    expect(again.status).toBe('already-archived');
    expect(again.snapshot).toEqual(first.snapshot);
    expect(again.subject).toBe(first.subject);
    expect(again.warnings.some((w) => /differ/i.test(w))).toBe(true);
  });
});
