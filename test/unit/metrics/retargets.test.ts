import { beforeEach, describe, expect, it } from 'vitest';
import { computeDifficulty } from '../../../src/metrics/difficulty';
import { createMetricsHistory, type MetricsHistory } from '../../../src/metrics/history';
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
// Built before each test, not while the file loads: Stryker attributes only code run inside a test to
// that test (code run at load time is "static", and its mutants are not measured reliably).
let history: MetricsHistory;
beforeEach(() => {
  history = createMetricsHistory(seriesFromRows('2026-01-01', rows));
});

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
    // A move of the same size counts; the target itself (already in the known list) does not.
    expect(largestMoveSince(list, { index: 4, changePct: -12 })?.date).toBe('d1');
    expect(largestMoveSince(list, { index: 4, changePct: 4 })?.date).toBe('d2');
    expect(largestMoveSince(list, { index: 3, changePct: -3 })?.date).toBe('d1');
    // A 0% retarget is not a cut: the last move up or flat is at least as large.
    expect(largestMoveSince(list, { index: 4, changePct: 0 })?.date).toBe('d2');
  });
});

describe('retargets the daily means do not support', () => {
  const at = (diffs: number[]) =>
    createMetricsHistory(
      seriesFromRows(
        '2026-01-01',
        diffs.map((d) => day(144, d)),
      ),
    );
  const flat = (n: number, d: number) => Array.from({ length: n }, () => d);

  it('finds none when two days lie between the old and the new level', () => {
    // Day 11 lies between the levels like a mixed day would, but day 10 is off both.
    const h = at([...flat(10, OLD), 1.3 * OLD, 1.05 * OLD, ...flat(9, NEW)]);
    expect(detectRetargets(h)).toEqual([]);
  });

  it('finds a midnight retarget between two levels each seen on only two days', () => {
    // Days 0–1 at OLD, days 2–3 at NEW: the retarget is on day 2, known from day 3.
    expect(detectRetargets(at([OLD, OLD, NEW, NEW])).map((r) => [r.index, r.knownFromIndex])).toEqual([
      [2, 3],
    ]);
  });

  it('finds none when the data opens on a day off the first level: there is no level before it', () => {
    expect(detectRetargets(at([0.5 * OLD, ...flat(10, OLD)]))).toEqual([]);
  });

  it('finds none when the day between the levels is not between them', () => {
    const h = at([...flat(10, OLD), 1.2 * OLD, ...flat(10, NEW)]);
    expect(detectRetargets(h)).toEqual([]);
  });

  it('splits a mixed day of a downward retarget too', () => {
    // 100 blocks at 1.1e14, then 44 at 1e14.
    const h = at([...flat(10, NEW), (100 * NEW + 44 * OLD) / 144, ...flat(5, OLD)]);
    const [found] = detectRetargets(h);
    expect(found).toMatchObject({
      date: '2026-01-11',
      index: 10,
      knownFromIndex: 12,
      blocksAtNewLevelOnDay: 44,
    });
    expect(found?.changePct).toBeCloseTo((OLD / NEW - 1) * 100, 9);
    const pending = pendingRetarget(h, [], 11);
    expect(pending?.date).toBe('2026-01-11');
    expect(pending?.atLeastPct).toBeCloseTo((OLD / NEW - 1) * 100, 9);
  });
});

describe('pendingRetarget', () => {
  it('dates a midnight retarget to its own day, not the day before', () => {
    const known = retargetsKnownAt(detectRetargets(history), 21);
    const pending = pendingRetarget(history, known, 21);
    expect(known).toHaveLength(1);
    expect(pending?.date).toBe('2026-01-22');
    expect(pending?.atLeastPct).toBeCloseTo((LATER / NEW - 1) * 100, 9);
  });

  it('does not take a day that differs from the level by float noise for the mixed retarget day', () => {
    // Day 20 sits 1e-9 above the 1.1e14 level (noise, the same level); day 21 jumps to 1.2e14.
    const noisy = [...rows.slice(0, 20), day(144, NEW * (1 + 1e-9)), day(144, 1.2e14)];
    const h = createMetricsHistory(seriesFromRows('2026-01-01', noisy));
    const known = retargetsKnownAt(h.retargets, 21);
    expect(known).toHaveLength(1);
    expect(pendingRetarget(h, known, 21)?.date).toBe('2026-01-22');
  });

  it('dates the retarget to the day itself when the day before overshot the new level', () => {
    // Day 10 at 1.2 × the old level is not between it and day 11's 1.1 ×: not a mixed day.
    const h = createMetricsHistory(
      seriesFromRows('2026-01-01', [
        ...Array.from({ length: 10 }, () => day(144, OLD)),
        day(144, 1.2 * OLD),
        day(144, NEW),
      ]),
    );
    expect(pendingRetarget(h, [], 11)?.date).toBe('2026-01-12');
  });

  it('compares with the last known retarget even when the days before have no data', () => {
    const rows = [
      ...Array.from({ length: 10 }, () => day(144, OLD)),
      day(144, NEW),
      day(144, NEW),
      { ...day(144, NEW), HashRate: null },
      { ...day(144, NEW), HashRate: null },
      day(144, LATER),
    ];
    const h = createMetricsHistory(seriesFromRows('2026-01-01', rows));
    const known = retargetsKnownAt(h.retargets, 14);
    expect(known).toHaveLength(1);
    expect(known[0]?.difficulty).toBeCloseTo(NEW, 0);
    expect(pendingRetarget(h, known, 14)?.atLeastPct).toBeCloseTo((LATER / NEW - 1) * 100, 9);
  });

  it('has none on a day without data, nor without a level to compare with', () => {
    const rows = [...Array.from({ length: 10 }, () => day(144, OLD)), { ...day(144, OLD), HashRate: null }];
    const h = createMetricsHistory(seriesFromRows('2026-01-01', rows));
    expect(pendingRetarget(h, [], 10)).toBeNull();
    // Day 1 has only day 0 before it: no two days show a level yet.
    const young = createMetricsHistory(seriesFromRows('2026-01-01', [day(144, OLD), day(144, NEW)]));
    expect(pendingRetarget(young, [], 1)).toBeNull();
  });

  it('takes the level only from the two days just before, not from older ones', () => {
    // Days 5–7 wander; only days 0–4 share a level, too long ago to be in force on day 8.
    const rows = [1, 1, 1, 1, 1, 1.02, 1.05, 1.08, 1.1].map((f) => day(144, f * OLD));
    const h = createMetricsHistory(seriesFromRows('2026-01-01', rows));
    expect(pendingRetarget(h, [], 8)).toBeNull();
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
