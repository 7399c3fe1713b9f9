import { describe, expect, it } from 'vitest';
import type { HashrateHistory } from '../../../src/contracts/report-inputs';
import {
  adjustmentInForce,
  adjustmentMarginPct,
  blocksAfter,
  computeDifficulty,
  type DifficultyInputs,
  difficultyLevelsFromCoinMetrics,
  epochFromCoinMetrics,
  forwardFillDifficulty,
  impliedHashrateEhs,
} from '../../../src/metrics/difficulty';
import { createMetricsHistory } from '../../../src/metrics/history';
import {
  type DayRow,
  failed,
  ok,
  seriesFromRows,
  shiftDay,
  skipped,
  steadyDay,
} from '../../fixtures/metrics/builders';

const START = '2026-01-01';
/** Coin Metrics' HashRate (TH/s) for a day of `blocks` blocks at mean difficulty `diff`. */
const hashrateFor = (blocks: number, diff: number) => ((blocks / 144) * diff * (2 ** 32 / 1e12)) / 600;
const day = (diff: number, blocks = 144): DayRow => ({
  ...steadyDay(50_000, hashrateFor(blocks, diff)),
  BlkCnt: blocks,
});
const OLD = 1e14;
const NEW = 1.1e14;
/**
 * Days 0–9 at 1e14; day 10 (2026-01-11) mixed, 44 of its 144 blocks at 1.1e14 (+10%); days 11–20 at
 * 1.1e14; then `after` from day 21 (2026-01-22, a midnight retarget) to day 25.
 */
const history = (after: number) =>
  createMetricsHistory(
    seriesFromRows(START, [
      ...Array.from({ length: 10 }, () => day(OLD)),
      day((100 * OLD + 44 * NEW) / 144),
      ...Array.from({ length: 10 }, () => day(NEW)),
      ...Array.from({ length: 5 }, () => day(after)),
    ]),
  );
const adjustment = (date: string, height: number, difficulty = NEW, adjustmentRatio = 1.1) => ({
  date,
  height,
  difficulty,
  adjustmentRatio,
});
const mempool = (difficulty: HashrateHistory['difficulty'], currentDifficulty: number | null = null) =>
  ok<HashrateHistory>({ hashrates: [], difficulty, currentHashrateHs: null, currentDifficulty });
const skip = skipped<never>('past as-of day: mempool describes only the present');
const difficultyOn = (over: Partial<DifficultyInputs> & { asOf: string }) =>
  computeDifficulty({
    hashrateHistory: skip,
    difficultyAdjustment: skip,
    height: null,
    history: null,
    index: -1,
    ...over,
  });
/** computeDifficulty for day i of a Coin Metrics history, with mempool skipped unless overridden. */
const onDay = (h: ReturnType<typeof history>, i: number, over: Partial<DifficultyInputs> = {}) =>
  difficultyOn({ asOf: h.dates[i] as string, history: h, index: i, ...over });

describe('adjustmentInForce', () => {
  const list = [
    adjustment('2026-01-10', 100),
    adjustment('2026-01-20', 300),
    adjustment('2026-01-10', 200),
    adjustment('2026-01-05', 50),
  ];

  it('takes the latest adjustment dated on or before the day, the day itself included', () => {
    expect(adjustmentInForce(list, '2026-01-15')?.height).toBe(200);
    expect(adjustmentInForce(list, '2026-01-20')?.height).toBe(300);
    expect(adjustmentInForce(list, '2026-01-09')?.height).toBe(50);
    expect(adjustmentInForce(list, '2026-01-04')).toBeNull();
  });

  it('takes the higher block of two on one day, in whichever order they are listed', () => {
    expect(adjustmentInForce(list, '2026-01-10')?.height).toBe(200);
    expect(adjustmentInForce([...list].reverse(), '2026-01-10')?.height).toBe(200);
  });
});

describe('forwardFillDifficulty', () => {
  it('sorts by day, then by height, before filling', () => {
    const dates = Array.from({ length: 6 }, (_, k) => shiftDay(START, k));
    const adjustments = [
      adjustment(shiftDay(START, 3), 20, 4),
      adjustment(shiftDay(START, 1), 10, 2),
      adjustment(shiftDay(START, 3), 15, 3),
    ];
    // On day 3 the adjustment at height 20 came after the one at height 15.
    expect(forwardFillDifficulty(dates, adjustments)).toEqual([null, 2, 2, 4, 4, 4]);
    // The same two, listed lower height first.
    expect(
      forwardFillDifficulty(
        dates,
        [adjustments[2], adjustments[1], adjustments[0]].filter((a) => a !== undefined),
      ),
    ).toEqual([null, 2, 2, 4, 4, 4]);
  });
});

describe('blocksAfter and epochFromCoinMetrics', () => {
  // 10 days from 2026-01-01 with 140 … 149 blocks.
  const counted = (blocks: (number | null)[]) =>
    createMetricsHistory(
      seriesFromRows(
        START,
        blocks.map((b) => ({ ...steadyDay(100, 1e6), BlkCnt: b })),
      ),
    );
  // Built inside each test (not while the file loads), so Stryker attributes the history code to it.
  const tenDays = () => counted(Array.from({ length: 10 }, (_, k) => 140 + k));

  it('sums the blocks of the days strictly after a day, through day i', () => {
    expect(blocksAfter(tenDays(), 5, shiftDay(START, 2))).toEqual({ blocks: 143 + 144 + 145, days: 3 });
    expect(blocksAfter(tenDays(), 5, shiftDay(START, 4))).toEqual({ blocks: 145, days: 1 });
    // The day before the data: every day from the first counts.
    expect(blocksAfter(tenDays(), 3, shiftDay(START, -1))).toEqual({
      blocks: 140 + 141 + 142 + 143,
      days: 4,
    });
  });

  it('has no count from day i itself, from before the data, or across a day without a count', () => {
    expect(blocksAfter(tenDays(), 5, shiftDay(START, 5))).toBeNull();
    expect(blocksAfter(tenDays(), 3, shiftDay(START, -2))).toBeNull();
    const gap = counted([140, 141, 142, 143, null, 145, 146]);
    expect(blocksAfter(gap, 5, shiftDay(START, 2))).toBeNull();
  });

  it('counts a retarget day’s blocks at the new level and places the retarget within its day', () => {
    const h1 = history(NEW);
    const [retarget] = h1.retargets;
    expect(retarget?.blocksAtNewLevelOnDay).toBe(44);
    const at = retarget as NonNullable<typeof retarget>;
    // On the retarget day itself: its 44 blocks, a 44/144 part of a day.
    expect(epochFromCoinMetrics(h1, at, 10)).toEqual({ blocks: 44, days: 44 / 144 });
    expect(epochFromCoinMetrics(h1, at, 12)).toEqual({ blocks: 44 + 288, days: 2 + 44 / 144 });
  });

  it('has no epoch when a day after the retarget has no block count', () => {
    const h1 = history(NEW);
    const at = h1.retargets[0] as NonNullable<(typeof h1.retargets)[0]>;
    const h2 = createMetricsHistory(
      seriesFromRows(
        START,
        Array.from({ length: 13 }, (_, k) => ({ ...steadyDay(100, 1e6), BlkCnt: k === 11 ? null : 144 })),
      ),
    );
    expect(epochFromCoinMetrics(h2, at, 12)).toBeNull();
  });

  it('has no epoch when the retarget day has no block count', () => {
    const h1 = history(NEW);
    const at = h1.retargets[0] as NonNullable<(typeof h1.retargets)[0]>;
    for (const BlkCnt of [0, null]) {
      const h2 = counted(Array.from({ length: 13 }, (_, k) => (k === 10 ? BlkCnt : 144)));
      expect(epochFromCoinMetrics(h2, at, 12)).toBeNull();
    }
  });
});

describe('adjustmentMarginPct', () => {
  it('is two standard deviations of the block count, and none before the first block', () => {
    expect(adjustmentMarginPct(0, 1)).toBe(200);
    expect(adjustmentMarginPct(-10, 400)).toBe(9);
    expect(adjustmentMarginPct(5, 0)).toBeNull();
  });
});

describe('computeDifficulty: the current difficulty', () => {
  it('takes mempool’s current difficulty when its history lists no adjustment at all', () => {
    const { metrics, warnings } = difficultyOn({ asOf: '2026-11-23', hashrateHistory: mempool([], 1.5e14) });
    expect(metrics.current).toBe(1.5e14);
    expect(metrics.impliedHashrateEhs).toBe(impliedHashrateEhs(1.5e14));
    expect(warnings).toEqual([
      'difficulty.nextAdjustmentPct unavailable: mempool difficulty-adjustment skipped (past as-of day: mempool describes only the present), and no retarget to count the epoch from',
    ]);
  });

  it('has none when mempool lists only later adjustments, and says so', () => {
    const { metrics, warnings } = difficultyOn({
      asOf: '2026-11-23',
      hashrateHistory: mempool([adjustment('2026-11-30', 937_440)], 1.5e14),
    });
    expect(metrics.current).toBeNull();
    expect(metrics.impliedHashrateEhs).toBeNull();
    expect(warnings[0]).toBe(
      'difficulty.current unavailable: mempool lists no adjustment on or before 2026-11-23',
    );
  });

  it('implies no hashrate from a difficulty of zero', () => {
    const { metrics } = difficultyOn({ asOf: '2026-11-23', hashrateHistory: mempool([], 0) });
    expect(metrics.current).toBe(0);
    expect(metrics.impliedHashrateEhs).toBeNull();
  });

  it('has none while a retarget is pending, although an older level is known', () => {
    // Day 21 (2026-01-22) leaves 1.1e14; its new level shows only from day 22.
    const { metrics, warnings } = onDay(history(1.05e14), 21);
    expect(metrics.current).toBeNull();
    expect(metrics.blocksInEpoch).toBe(0);
    expect(metrics.epochProgressPct).toBe(0);
    expect(metrics.lastAdjustmentSource).toBe('coinmetrics');
    expect(metrics.lastAdjustmentAtLeast).toBe(true);
    expect(warnings[0]).toBe(
      'difficulty.current unavailable: difficulty retargeted on 2026-01-22 and the data does not yet show the new level',
    );
  });

  it('names both missing sources when there is neither mempool nor a retarget in the data', () => {
    const { metrics, warnings } = difficultyOn({ asOf: '2026-11-23', hashrateHistory: failed('timeout') });
    expect(metrics).toMatchObject({
      current: null,
      impliedHashrateEhs: null,
      blocksInEpoch: null,
      epochProgressPct: null,
      lastAdjustmentDate: null,
      lastAdjustmentAtLeast: null,
      lastAdjustmentSource: null,
      nextAdjustmentMarginPct: null,
      nextAdjustmentEarly: null,
    });
    expect(warnings[0]).toBe(
      'difficulty.current unavailable: mempool hashrate history failed (timeout) and no retarget in the Coin Metrics data',
    );
  });
});

describe('computeDifficulty: the last adjustment', () => {
  it('names the last earlier retarget at least as large in the same direction', () => {
    // +10% on 2026-01-11, then +5% on 2026-01-22: on day 25 the +5% is the largest since 2026-01-11.
    const { metrics } = onDay(history(NEW * 1.05), 25);
    expect(metrics.lastAdjustmentDate).toBe('2026-01-22');
    expect(metrics.lastAdjustmentPct).toBeCloseTo(5, 9);
    expect(metrics.lastAdjustmentLargestSince).toBe('2026-01-11');
  });

  it('prefers mempool’s adjustment on the same day as Coin Metrics’ and takes a newer one from Coin Metrics', () => {
    const h = history(NEW);
    const sameDay = onDay(h, 15, { hashrateHistory: mempool([adjustment('2026-01-11', 2016, NEW, 1.1)]) });
    expect(sameDay.metrics.lastAdjustmentSource).toBe('mempool');
    expect(sameDay.metrics.lastAdjustmentLargestSince).toBeNull();
    const older = onDay(h, 15, { hashrateHistory: mempool([adjustment('2026-01-05', 2016, OLD, 1.02)]) });
    expect(older.metrics.lastAdjustmentSource).toBe('coinmetrics');
    expect(older.metrics.lastAdjustmentDate).toBe('2026-01-11');
  });

  it('ignores mempool’s adjustment when it has no ratio', () => {
    const { metrics } = onDay(history(NEW), 15, {
      hashrateHistory: mempool([adjustment('2026-01-11', 2016, NEW, 0)]),
    });
    expect(metrics.lastAdjustmentSource).toBe('coinmetrics');
    expect(metrics.lastAdjustmentPct).toBeCloseTo(10, 9);
  });

  it('has no earlier comparison without Coin Metrics history', () => {
    const { metrics } = difficultyOn({
      asOf: '2026-11-23',
      hashrateHistory: mempool([adjustment('2026-11-10', 935_424, 1.5e14, 0.98)]),
    });
    expect(metrics.lastAdjustmentSource).toBe('mempool');
    expect(metrics.lastAdjustmentAtLeast).toBe(false);
    expect(metrics.lastAdjustmentLargestSince).toBeNull();
  });
});

describe('computeDifficulty: the running epoch and the next adjustment', () => {
  // 20 days from 2026-11-01 at 150 blocks a day; mempool's epoch began at height 935,424 on 2026-11-10.
  const h = () =>
    createMetricsHistory(
      seriesFromRows(
        '2026-11-01',
        Array.from({ length: 20 }, () => ({ ...steadyDay(100, 1e6), BlkCnt: 150 })),
      ),
    );
  const epochStart = mempool([adjustment('2026-11-10', 935_424, 1e14, 1)]);
  const on = (over: Partial<DifficultyInputs>) =>
    difficultyOn({ asOf: '2026-11-20', history: h(), index: 19, hashrateHistory: epochStart, ...over });

  it('counts the epoch from the tip height when there is one, and calls exactly half not early', () => {
    const { metrics } = on({ height: 935_424 + 1008 });
    expect(metrics.blocksInEpoch).toBe(1008);
    expect(metrics.epochProgressPct).toBe(50);
    expect(metrics.nextAdjustmentEarly).toBe(false);
    expect(metrics.nextAdjustmentPct).toBeCloseTo((150 / 144 - 1) * 100, 12);
    expect(metrics.nextAdjustmentMarginPct).toBeCloseTo(
      (2 * (100 + (150 / 144 - 1) * 100)) / Math.sqrt(1008),
      12,
    );
  });

  it('counts from the blocks after the epoch’s day when the tip is at or below the epoch start', () => {
    expect(on({ height: 935_424 }).metrics.blocksInEpoch).toBe(0);
    // A tip below the epoch start cannot be right: the daily block counts are used (10 days × 150).
    expect(on({ height: 935_000 }).metrics.blocksInEpoch).toBe(1500);
  });

  it('gives no estimate for an epoch that looks complete, and no luck range', () => {
    const { metrics, warnings } = on({ height: 935_424 + 2016, difficultyAdjustment: failed('HTTP 503') });
    expect(metrics.blocksInEpoch).toBe(2016);
    expect(metrics.nextAdjustmentPct).toBeNull();
    expect(metrics.nextAdjustmentMarginPct).toBeNull();
    expect(metrics.nextAdjustmentEarly).toBeNull();
    expect(warnings).toEqual([
      'difficulty.nextAdjustmentPct unavailable: mempool difficulty-adjustment failed (HTTP 503); the epoch looks complete',
    ]);
  });

  it('does not call a past day’s estimate a fallback: mempool was skipped, not failed', () => {
    const { metrics, warnings } = on({});
    expect(metrics.nextAdjustmentSource).toBe('block-timing');
    expect(warnings).toEqual([]);
  });

  it('needs at least one block to time the epoch', () => {
    const still = createMetricsHistory(
      seriesFromRows(
        '2026-11-01',
        Array.from({ length: 20 }, (_, k) => ({ ...steadyDay(100, 1e6), BlkCnt: k === 19 ? 0 : 150 })),
      ),
    );
    const { metrics, warnings } = difficultyOn({
      asOf: '2026-11-20',
      history: still,
      index: 19,
      hashrateHistory: mempool([adjustment('2026-11-19', 936_774, 1e14, 1)]),
    });
    expect(metrics.nextAdjustmentPct).toBeNull();
    expect(warnings).toEqual([
      'difficulty.nextAdjustmentPct unavailable: mempool difficulty-adjustment skipped (past as-of day: mempool describes only the present), and less than a day of the epoch to time',
    ]);
  });

  it('times the epoch from mempool’s start on the first day of the data', () => {
    const { metrics } = difficultyOn({
      asOf: '2026-11-01',
      history: h(),
      index: 0,
      hashrateHistory: mempool([adjustment('2026-10-31', 935_424, 1e14, 1)]),
    });
    expect(metrics.blocksInEpoch).toBe(150);
    expect(metrics.nextAdjustmentSource).toBe('block-timing');
  });

  it('times the epoch from Coin Metrics’ own retarget when mempool’s start is the same day', () => {
    // Coin Metrics' retarget day (2026-01-11) contributes its 44 blocks at the new level; counting only
    // the days after mempool's day would miss them.
    const h1 = history(NEW);
    const { metrics } = onDay(h1, 15, {
      hashrateHistory: mempool([adjustment('2026-01-11', 2016, NEW, 1.1)]),
    });
    expect(metrics.blocksInEpoch).toBe(44 + 5 * 144);
  });

  it('times the epoch from mempool’s start when it is newer than Coin Metrics’ last retarget', () => {
    const h1 = history(NEW);
    const { metrics } = onDay(h1, 15, {
      hashrateHistory: mempool([adjustment('2026-01-13', 2016, NEW, 1.1)]),
    });
    // Days 14–16 of January: indexes 13–15.
    expect(metrics.blocksInEpoch).toBe(3 * 144);
  });
});

describe('difficultyLevelsFromCoinMetrics', () => {
  it('holds each known retarget’s level from its day on, and the daily mean before the first', () => {
    const h = history(1.05e14);
    const levels = difficultyLevelsFromCoinMetrics(h, 15);
    expect(levels).toHaveLength(16);
    expect(levels.slice(0, 10).every((d) => d !== null && Math.abs(d / OLD - 1) < 1e-12)).toBe(true);
    // The mixed day already shows the new level.
    expect(levels.slice(10).every((d) => d !== null && Math.abs(d / NEW - 1) < 1e-12)).toBe(true);
    // On day 25 the second retarget (day 21) is known.
    const later = difficultyLevelsFromCoinMetrics(h, 25);
    expect(later).toHaveLength(26);
    expect((later[21] as number) / 1.05e14).toBeCloseTo(1, 12);
    expect((later[20] as number) / NEW).toBeCloseTo(1, 12);
  });

  it('has no level on a day before the first retarget without data', () => {
    const rows = [day(OLD), { ...day(OLD), HashRate: null }, day(OLD)];
    const levels = difficultyLevelsFromCoinMetrics(createMetricsHistory(seriesFromRows(START, rows)), 2);
    expect(levels[1]).toBeNull();
    expect((levels[2] as number) / OLD).toBeCloseTo(1, 12);
  });
});
