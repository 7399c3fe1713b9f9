import { describe, expect, it } from 'vitest';
import { computeDifficulty } from '../../../src/metrics/difficulty';
import { createMetricsHistory } from '../../../src/metrics/history';
import {
  detectRetargets,
  largestMoveSince,
  pendingRetarget,
  retargetsKnownAt,
} from '../../../src/metrics/retargets';
import { type DayRow, seriesFromRows, skipped, steadyDay } from '../../fixtures/metrics/builders';

/** Coin Metrics' HashRate (TH/s) for a day of `blocks` blocks at mean difficulty `diff`. */
const hashrateFor = (blocks: number, diff: number) => ((blocks / 144) * diff * (2 ** 32 / 1e12)) / 600;
const day = (blocks: number, diff: number): DayRow => ({
  ...steadyDay(50_000, hashrateFor(blocks, diff)),
  BlkCnt: blocks,
});

// Days 0–9 at 1e14; day 10 mixed (100 blocks old, 44 new at 1.1e14); days 11–20 at 1.1e14;
// day 21 a midnight retarget to 1.05e14, held to day 25.
const OLD = 1e14;
const NEW = 1.1e14;
const LATER = 1.05e14;
const mixedMean = (100 * OLD + 44 * NEW) / 144;
const rows: DayRow[] = [
  ...Array.from({ length: 10 }, () => day(144, OLD)),
  { ...day(144, mixedMean) },
  ...Array.from({ length: 10 }, () => day(144, NEW)),
  ...Array.from({ length: 5 }, () => day(144, LATER)),
];
const history = createMetricsHistory(seriesFromRows('2026-01-01', rows));

describe('retargets from Coin Metrics daily data', () => {
  it('finds a mixed-day retarget, splits its blocks, and a midnight one', () => {
    const found = detectRetargets(history);
    expect(found.map((r) => [r.date, r.knownFromIndex, r.blocksAtNewLevelOnDay])).toEqual([
      ['2026-01-11', 12, 44],
      ['2026-01-22', 22, 144],
    ]);
    expect(found[0]?.changePct).toBeCloseTo(10, 9);
    expect(found[1]?.changePct).toBeCloseTo((LATER / NEW - 1) * 100, 9);
  });

  it('knows a retarget only from the second day that shows its level; before that it is pending', () => {
    const all = detectRetargets(history);
    expect(retargetsKnownAt(all, 11)).toHaveLength(0);
    expect(retargetsKnownAt(all, 12)).toHaveLength(1);
    // Day 11 is the first full day at the new level: the retarget was on day 10, at least +10%.
    const pending = pendingRetarget(history, retargetsKnownAt(all, 11), 11);
    expect(pending?.date).toBe('2026-01-11');
    expect(pending?.atLeastPct).toBeCloseTo(10, 9);
    expect(pendingRetarget(history, retargetsKnownAt(all, 15), 15)).toBeNull();
  });

  it('finds none in data whose hashrate follows no difficulty (synthetic samples)', () => {
    const noisy = Array.from({ length: 40 }, (_, i) =>
      steadyDay(50_000, 1e9 * (1 + 0.1 * Math.sin(i * 1.7))),
    );
    expect(detectRetargets(createMetricsHistory(seriesFromRows('2026-01-01', noisy)))).toEqual([]);
  });

  it('names the last earlier move at least as large in the same direction', () => {
    const list = [
      { index: 1, changePct: -12 },
      { index: 2, changePct: 4 },
      { index: 3, changePct: -3 },
    ].map((r) => ({
      ...r,
      date: `d${r.index}`,
      previousDifficulty: 1,
      difficulty: 1,
      knownFromIndex: 0,
      blocksAtNewLevelOnDay: 0,
    }));
    expect(largestMoveSince(list, { index: 4, changePct: -7.5 })?.date).toBe('d1');
    expect(largestMoveSince(list, { index: 4, changePct: -20 })).toBeNull();
    expect(largestMoveSince(list, { index: 4, changePct: 3 })?.date).toBe('d2');
  });
});

describe('difficulty for a past day, from Coin Metrics alone', () => {
  const skip = skipped<never>('past as-of day');
  const at = (index: number) =>
    computeDifficulty({
      asOf: history.dates[index] as string,
      hashrateHistory: skip,
      difficultyAdjustment: skip,
      height: null,
      history,
      index,
    }).metrics;

  it('tells the last adjustment, the epoch so far and an early estimate with its luck range', () => {
    const d = at(15);
    expect(d.current).toBeCloseTo(NEW, 0);
    expect([d.lastAdjustmentDate, d.lastAdjustmentSource, d.lastAdjustmentAtLeast]).toEqual([
      '2026-01-11',
      'coinmetrics',
      false,
    ]);
    expect(d.lastAdjustmentPct).toBeCloseTo(10, 9);
    // 44 blocks on the retarget day + 5 full days of 144.
    expect(d.blocksInEpoch).toBe(764);
    expect(d.epochProgressPct).toBeCloseTo((764 / 2016) * 100, 9);
    // Pace: 764 blocks over 5 + 44/144 days is 144 a day: no change expected.
    expect(d.nextAdjustmentPct).toBeCloseTo(0, 9);
    expect(d.nextAdjustmentSource).toBe('block-timing');
    expect(d.nextAdjustmentEarly).toBe(true);
    expect(d.nextAdjustmentMarginPct).toBeCloseTo(200 / Math.sqrt(764), 9);
  });

  it('gives a retarget on the as-of day as a lower bound, and no current level', () => {
    const d = at(11);
    expect(d.lastAdjustmentAtLeast).toBe(true);
    expect(d.lastAdjustmentDate).toBe('2026-01-11');
    expect(d.current).toBeNull();
  });
});
