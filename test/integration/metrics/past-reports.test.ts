/**
 * Past reports built from the shared Coin Metrics CSV (read at run time, never copied into the repo), with
 * mempool skipped as it is for any past day: the halving countdown around each halving, and assumptions
 * that fit the as-of day.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { DailySeries, HashrateHistory } from '../../../src/contracts/report-inputs';
import { defaultAssumptions } from '../../../src/metrics/assumptions';
import { createMetricsHistory, type MetricsHistory } from '../../../src/metrics/history';
import { buildSnapshot } from '../../../src/metrics/snapshot';
import { inputsFor, ok, seriesFromCsv, shiftDay } from '../../fixtures/metrics/builders';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const csvPath = path.resolve(repoRoot, '../shared/data/coinmetrics/btc.csv');
const present = existsSync(csvPath);
if (!present) console.warn(`past-report tests skipped: ${csvPath} not found`);

let loaded: { series: DailySeries; history: MetricsHistory } | null = null;
function data(): { series: DailySeries; history: MetricsHistory } {
  if (loaded === null) {
    const series = seriesFromCsv(readFileSync(csvPath, 'utf8'));
    loaded = { series, history: createMetricsHistory(series) };
  }
  return loaded;
}

function report(asOf: string, overrides: Parameters<typeof inputsFor>[2] = {}) {
  const { series, history } = data();
  return buildSnapshot(inputsFor(series, asOf, overrides), defaultAssumptions(), {
    issueId: asOf,
    generatedAt: '2026-01-01T00:00:00Z',
    history,
  }).snapshot;
}

function blocksOn(day: string): number {
  const { series } = data();
  return series.values.BlkCnt[series.dates.indexOf(day)] as number;
}

/** Halving heights and their UTC days. */
const HALVINGS = [
  { height: 210_000, day: '2012-11-28', subsidyAfter: 25 },
  { height: 420_000, day: '2016-07-09', subsidyAfter: 12.5 },
  { height: 630_000, day: '2020-05-11', subsidyAfter: 6.25 },
  { height: 840_000, day: '2024-04-20', subsidyAfter: 3.125 },
];

describe('halving countdown of past reports (Coin Metrics BlkCnt from known heights)', () => {
  for (const h of HALVINGS) {
    it.runIf(present)(
      `puts the ${h.day} halving ahead on the day before and behind on the day itself`,
      () => {
        const dayBefore = report(shiftDay(h.day, -1)).metrics.halving;
        // Block h came during its day, so on the evening before it was between 1 and that day's blocks away.
        expect(dayBefore.nextHalvingHeight).toBe(h.height);
        expect(dayBefore.blocksToHalving).toBeGreaterThanOrEqual(1);
        expect(dayBefore.blocksToHalving).toBeLessThanOrEqual(blocksOn(h.day));
        expect(dayBefore.currentSubsidyBtc).toBe(h.subsidyAfter * 2);

        const day = report(h.day).metrics.halving;
        expect(day.currentHeight).toBeGreaterThanOrEqual(h.height);
        expect(day.currentHeight).toBeLessThan(h.height + blocksOn(h.day));
        expect(day.currentSubsidyBtc).toBe(h.subsidyAfter);
        expect(day.nextHalvingHeight).toBe(h.height + 210_000);
      },
    );
  }

  it.runIf(present)(
    'no longer counts the 2012 halving as 16 blocks away on its day when mempool lists the retarget before it',
    () => {
      // The retarget before the first halving, block 209 664 (104 × 2016), is the first multiple of 2016
      // in Coin Metrics' count of 2012-11-26. mempool lists it by day, without the day's blocks after it.
      const retarget: HashrateHistory = {
        hashrates: [],
        difficulty: [{ date: '2012-11-26', height: 209_664, difficulty: 3_438_908, adjustmentRatio: 1.03 }],
        currentHashrateHs: null,
        currentDifficulty: null,
      };
      const h = report('2012-11-28', { hashrateHistory: ok(retarget) }).metrics.halving;
      expect(h.currentHeight).toBeGreaterThanOrEqual(210_000);
      expect(h.currentSubsidyBtc).toBe(25);
    },
  );

  it.runIf(present)(
    'never moves the height backwards by more than a few blocks from one weekly issue to the next',
    () => {
      const { series } = data();
      const start = series.dates.indexOf('2010-07-18');
      let previous: number | null = null;
      let checked = 0;
      // Every weekly issue since 2010: about 800 whole reports, so it gets more than the default timeout
      // on a busy machine.
      for (let i = start; i < series.dates.length; i += 7) {
        const height = report(series.dates[i] as string).metrics.halving.currentHeight;
        expect(height, series.dates[i]).not.toBeNull();
        if (previous !== null) expect(height as number, series.dates[i]).toBeGreaterThan(previous - 10);
        previous = height;
        checked++;
      }
      expect(checked).toBeGreaterThan(780);
    },
    120_000,
  );
});

describe('assumptions of past reports fit their day', () => {
  it.runIf(present)('models 2020-03-13 with S17, S15 and S9 machines, and the S9 underwater', () => {
    const snapshot = report('2020-03-13');
    const tiers = snapshot.metrics.miners.breakeven;
    expect(tiers.map((t) => t.model)).toEqual(['Antminer S17', 'Antminer S15', 'Antminer S9']);
    expect(tiers.find((t) => t.model === 'Antminer S9')?.underwater).toBe(true);
    const text = snapshot.narrative.map((s) => s.text).join(' ');
    expect(text).not.toMatch(/none of the/);
    expect(snapshot.metrics.miners.aiHostingUsdPerMwh).toBeNull();
  });

  it.runIf(present)('lists only machines shipping by the as-of day, and AI rates only from June 2024', () => {
    const { series } = data();
    const start = series.dates.indexOf('2010-07-18');
    let checked = 0;
    for (let i = start; i < series.dates.length; i += 30) {
      const asOf = series.dates[i] as string;
      const m = report(asOf).metrics;
      expect(m.miners.breakeven.length, asOf).toBeLessThanOrEqual(3);
      for (const t of m.miners.breakeven) {
        expect(t.availableFrom, `${t.model} on ${asOf}`).toBeDefined();
        expect((t.availableFrom as string) <= asOf, `${t.model} on ${asOf}`).toBe(true);
      }
      if (asOf < '2024-06-03') expect(m.miners.aiHostingUsdPerMwh, asOf).toBeNull();
      else expect(m.miners.aiHostingUsdPerMwh, asOf).not.toBeNull();
      if (asOf < '2013-01-31') expect(m.miners.breakeven, asOf).toEqual([]);
      checked++;
    }
    expect(checked).toBeGreaterThan(180);
  });
});
