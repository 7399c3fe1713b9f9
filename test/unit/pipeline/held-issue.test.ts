/**
 * Issue 13 (price integrity): an implausible Coin Metrics value on the as-of day that no independent
 * witness confirms holds the issue: nothing is archived, and the error names the conflicting values.
 */
import { describe, expect, it } from 'vitest';
import { createMemoryArchiveStore } from '../../../src/archive/memory-store';
import type { Dataset } from '../../../src/emulator/dataset';
import { createEmulatorFetch } from '../../../src/emulator/server';
import { produceIssue } from '../../../src/pipeline/produce-issue';
import { liveLikeDataset } from '../../support/datasets';
import { emulatedRunDeps, emulatedRunOptions } from '../../support/emulated-run';

const END = '2026-11-23';

/** The dataset with the last day's USD figures multiplied, as a Coin Metrics reference-rate glitch does. */
function withLastDayPriceTimes(dataset: Dataset, factor: number): Dataset {
  const rows = dataset.coinMetricsRows.map((row, i, all) => {
    if (i !== all.length - 1) return row;
    const values = { ...row.values };
    for (const column of ['PriceUSD', 'CapMrktCurUSD', 'IssTotUSD'] as const) {
      values[column] = String(Number(values[column]) * factor);
    }
    return { ...row, values };
  });
  return { ...dataset, coinMetricsRows: rows };
}

describe('issue 13: a Coin Metrics price glitch on the as-of day', () => {
  it('is held, not archived: a 5× PriceUSD on the last day is never published', async () => {
    // Arrange: Coin Metrics serves 5× the real price on the as-of day; mempool still has the real one.
    const clean = liveLikeDataset({ endDate: END });
    const glitched: Dataset = { ...withLastDayPriceTimes(clean, 5), mempool: clean.mempool };
    const archive = createMemoryArchiveStore();

    // Act
    const outcome = await produceIssue(
      emulatedRunDeps(
        archive,
        createEmulatorFetch({ dataset: glitched }),
        () => new Date('2026-11-24T07:00:00Z'),
      ),
      emulatedRunOptions(),
    ).then(
      (issue) => issue,
      (error: unknown) => error,
    );

    // Assert
    expect(outcome).toBeInstanceOf(Error);
    expect(String(outcome)).toMatch(/held/i);
    expect(String(outcome)).toMatch(/PriceUSD/);
    expect(await archive.list('')).toEqual([]);
  });
});
