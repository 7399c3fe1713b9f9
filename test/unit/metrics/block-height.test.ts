import { describe, expect, it } from 'vitest';
import {
  blockHeightOn,
  createBlockHeights,
  cycleStartIndex,
  type DayEndHeight,
  fractionOfDay,
  KNOWN_DAY_END_HEIGHTS,
  type RetargetBlock,
} from '../../../src/metrics/block-height';
import { createMetricsHistory } from '../../../src/metrics/history';
import { seriesFromRows, steadyDay } from '../../fixtures/metrics/builders';

/** `days` days from `start`, 144 blocks each unless `blocks` says otherwise for an index. */
function history(start: string, days: number, blocks: Record<number, number | null> = {}) {
  const rows = Array.from({ length: days }, (_, i) => ({
    ...steadyDay(60_000, 1e9),
    BlkCnt: i in blocks ? blocks[i] : 144,
  }));
  return createMetricsHistory(seriesFromRows(start, rows));
}

/** A known height at the end of `day`, named `basis`. */
const known = (day: string, height: number, basis = 'a'): DayEndHeight => ({ day, height, basis });

/** Heights counted over real (not sample) data from these known heights and mempool retargets only. */
const counted = (
  h: ReturnType<typeof history>,
  anchors: readonly DayEndHeight[],
  retargets: readonly RetargetBlock[] = [],
) => createBlockHeights(h, retargets, { sample: false, known: anchors });

describe('built-in known heights', () => {
  it('derive the end of the day before each halving from the block time and that day’s block count', () => {
    const byDay = Object.fromEntries(KNOWN_DAY_END_HEIGHTS.map((a) => [a.day, a.height]));
    // 210 000 at 15:24:38 (0.6421 of the day), 171 other blocks that day → 110 before it.
    expect(byDay['2012-11-27']).toBe(209_889);
    // 420 000 at 16:46:13 (0.6988), 148 others → 103 before.
    expect(byDay['2016-07-08']).toBe(419_896);
    // 630 000 at 19:23:43 (0.8081), 156 others → 126 before.
    expect(byDay['2020-05-10']).toBe(629_873);
    // 840 000 at 00:09:27 (0.0066), 129 others → 1 before.
    expect(byDay['2024-04-19']).toBe(839_998);
    expect(byDay['2009-01-03']).toBe(0);
  });

  it('say what each rests on, as the reader sees it', () => {
    const basis = KNOWN_DAY_END_HEIGHTS.map((a) => a.basis);
    expect(basis[0]).toBe('genesis block (2009-01-03 18:15:05 UTC)');
    expect(basis[1]).toBe(
      'block 210000 (first halving) at 2012-11-28 15:24:38 UTC, after about 110 of the 172 blocks of 2012-11-28',
    );
    expect(basis.slice(2).map((b) => /^block \d+ \((\w+) halving\)/.exec(b)?.[1])).toEqual([
      'second',
      'third',
      'fourth',
    ]);
  });

  it('reads the fraction of a UTC day from an instant', () => {
    expect(fractionOfDay('2026-11-20T06:00:00.000Z')).toBe(0.25);
    expect(fractionOfDay('2026-11-20T00:00:00Z')).toBe(0);
    expect(fractionOfDay('not a time')).toBeNull();
  });
});

describe('createBlockHeights', () => {
  it('counts from the latest anchor on or before the day, never from a later one', () => {
    // Known: end of 2026-01-02 = 1000, end of 2026-01-06 = 1600 (an inconsistent pair, to see which is used).
    const h = history('2026-01-01', 10);
    const heights = counted(h, [known('2026-01-02', 1000), known('2026-01-06', 1600, 'b')]);
    expect(heights.at(0)).toBeNull(); // before any anchor
    expect(heights.at(1)?.height).toBe(1000);
    expect(heights.at(4)?.height).toBe(1000 + 3 * 144); // 2026-01-05: still the first anchor
    expect(heights.at(5)?.height).toBe(1600);
    expect(heights.at(9)?.height).toBe(1600 + 4 * 144);
  });

  it('does not count across a day without a block count', () => {
    const h = history('2026-01-01', 6, { 3: null });
    const heights = counted(h, [known('2026-01-01', 500)]);
    expect(heights.at(2)?.height).toBe(500 + 2 * 144);
    expect(heights.at(3)).toBeNull();
    expect(heights.at(5)).toBeNull();
  });

  it('uses a timed mempool retarget with the blocks of its day after it', () => {
    const h = history('2026-11-14', 10);
    const heights = createBlockHeights(
      h,
      [{ date: '2026-11-20', height: 935_424, time: '2026-11-20T18:00:00.000Z' }],
      { sample: false },
    );
    // Three quarters in: round(143 × 0.75) = 107 before, 36 after.
    expect(heights.at(6)?.height).toBe(935_424 + 36);
    expect(heights.at(9)?.height).toBe(935_424 + 36 + 3 * 144);
    expect(heights.at(9)?.anchor.basis).toBe('mempool retarget block 935424 at 2026-11-20T18:00:00.000Z');
  });

  it('prefers a precise anchor to a retarget known only by day, which assumes half the day', () => {
    const h = history('2026-11-14', 10);
    const untimed = createBlockHeights(h, [{ date: '2026-11-20', height: 935_424 }], { sample: false });
    expect(untimed.at(9)?.height).toBe(935_424 + 71 + 3 * 144); // 143 − round(71.5)
    const both = createBlockHeights(
      h,
      [
        { date: '2026-11-20', height: 935_424 },
        { date: '2026-11-17', height: 935_000, time: '2026-11-17T12:00:00Z' },
      ],
      { sample: false },
    );
    expect(both.at(9)?.height).toBe(935_000 + 71 + 6 * 144);
  });

  it('ignores the real chain’s anchors for sample data', () => {
    const h = history('2024-04-15', 10);
    expect(createBlockHeights(h, [], { sample: false }).at(9)?.height).toBe(839_998 + 5 * 144);
    expect(createBlockHeights(h, [], { sample: true }).at(9)).toBeNull();
  });
});

describe('blockHeightOn', () => {
  /** The tenth day of 10 days from `start`, counted from the real chain's known heights, without a tip. */
  const tenthDayWithoutTip = (start: string, asOf: string) =>
    blockHeightOn({
      asOf,
      tipHeight: null,
      heights: createBlockHeights(history(start, 10), [], { sample: false }),
      index: 9,
    });

  it('takes mempool’s tip when it describes the day', () => {
    const { metrics, warnings } = blockHeightOn({
      asOf: '2026-11-23',
      tipHeight: 936_000,
      heights: null,
      index: 3,
    });
    expect(metrics).toEqual({ height: 936_000, source: 'mempool-tip', anchor: null });
    expect(warnings).toEqual([]);
  });

  it('falls back to block counts and says from which known height', () => {
    const { metrics, warnings } = tenthDayWithoutTip('2024-04-15', '2024-04-24');
    expect(metrics?.source).toBe('block-counts');
    expect(metrics?.height).toBe(839_998 + 5 * 144);
    expect(warnings.join(' ')).toMatch(/estimated from Coin Metrics BlkCnt since 2024-04-19.*block 840000/);
  });

  it('is null with a reason when nothing anchors the count', () => {
    const { metrics, warnings } = tenthDayWithoutTip('2026-11-14', '2026-11-23');
    expect(metrics).toBeNull();
    expect(warnings[0]).toMatch(/block height unavailable for 2026-11-23/);
  });
});

describe('cycleStartIndex', () => {
  it('finds the day the chain reached the last halving height', () => {
    const h = history('2024-04-15', 20);
    const heights = createBlockHeights(h, [], { sample: false });
    const i = 19;
    const start = cycleStartIndex(h, heights, i, heights.at(i)?.height as number);
    expect(h.dates[start as number]).toBe('2024-04-20');
  });

  it('is null when the halving day is before the counted data', () => {
    const h = history('2024-05-01', 10);
    const heights = counted(h, [known('2024-05-01', 841_000)]);
    expect(cycleStartIndex(h, heights, 9, heights.at(9)?.height as number)).toBeNull();
  });
});

describe('createBlockHeights: which anchor counts', () => {
  it('prefers a built-in height to a later retarget known only by day', () => {
    const h = history('2026-01-01', 10);
    const heights = counted(h, [known('2026-01-02', 1_000)], [{ date: '2026-01-06', height: 5_000 }]);
    expect(heights.at(9)?.height).toBe(1_000 + 8 * 144);
    expect(heights.at(9)?.anchor.basis).toBe('a');
  });

  it('keeps the built-in height when mempool places another on the same day', () => {
    const h = history('2026-01-01', 10);
    const heights = counted(
      h,
      [known('2026-01-02', 1_000), known('2026-01-06', 1_576, 'b')],
      [{ date: '2026-01-06', height: 9_000, time: '2026-01-06T12:00:00Z' }],
    );
    expect(heights.at(9)?.height).toBe(1_576 + 4 * 144);
    expect(heights.at(9)?.anchor.basis).toBe('b');
  });

  it('sorts the anchors by day, whatever order they are given in', () => {
    const h = history('2026-01-01', 10);
    const heights = counted(h, [
      known('2026-01-06', 1_600, 'b'),
      known('2026-01-02', 1_000),
      known('2026-01-04', 1_300, 'c'),
    ]);
    expect(heights.at(2)?.height).toBe(1_000 + 144);
    expect(heights.at(4)?.height).toBe(1_300 + 144);
    expect(heights.at(9)?.height).toBe(1_600 + 4 * 144);
  });

  it('counts on from an anchor in a run of block counts that starts after a gap', () => {
    const h = history('2026-01-01', 10, { 3: null });
    const heights = counted(h, [known('2026-01-06', 2_000)]);
    expect(heights.at(4)).toBeNull();
    expect(heights.at(9)?.height).toBe(2_000 + 4 * 144);
  });

  it('uses a retarget on the first day of the data and describes one without a time', () => {
    const h = history('2026-01-01', 5);
    const heights = createBlockHeights(h, [{ date: '2026-01-01', height: 7_000 }], { sample: false });
    expect(heights.at(4)?.height).toBe(7_000 + 71 + 4 * 144);
    expect(heights.at(4)?.anchor.basis).toBe(
      'mempool retarget block 7000 on 2026-01-01 (time of day unknown, half the day assumed)',
    );
  });
});

describe('blockHeightOn: the first day and no heights', () => {
  it('counts the first day of the data from an anchor on it', () => {
    const h = history('2026-01-01', 3);
    const heights = counted(h, [known('2026-01-01', 100)]);
    expect(blockHeightOn({ asOf: '2026-01-01', tipHeight: null, heights, index: 0 }).metrics?.height).toBe(
      100,
    );
  });

  it('is null with its reason without heights', () => {
    const { metrics, warnings } = blockHeightOn({
      asOf: '2026-01-01',
      tipHeight: null,
      heights: null,
      index: 0,
    });
    expect(metrics).toBeNull();
    expect(warnings).toEqual([
      'block height unavailable for 2026-01-01: no mempool tip, and no Coin Metrics block counts back to a known height',
    ]);
  });
});

describe('cycleStartIndex: edges', () => {
  it('starts the first cycle on the genesis day, when the data reaches back to it', () => {
    const h = history('2009-01-03', 10);
    const heights = createBlockHeights(h, [], { sample: false });
    expect(cycleStartIndex(h, heights, 9, heights.at(9)?.height as number)).toBe(0);
    // A report on the genesis day itself.
    expect(cycleStartIndex(h, heights, 0, 0)).toBe(0);
    const later = history('2009-02-01', 10);
    expect(cycleStartIndex(later, createBlockHeights(later, [], { sample: false }), 9, 5_000)).toBeNull();
  });

  it('finds a halving on the second day of the data', () => {
    // 2024-04-19 ends at 839,998: the halving block came on day 1 (2024-04-20).
    const h = history('2024-04-19', 10);
    const heights = createBlockHeights(h, [], { sample: false });
    expect(cycleStartIndex(h, heights, 9, heights.at(9)?.height as number)).toBe(1);
  });

  it('starts the cycle on the day whose last block was the halving block', () => {
    // Day 0 ends at 839,712, day 1 at 839,856, day 2 at exactly 840,000.
    const h = history('2026-01-01', 10);
    const heights = counted(h, [known('2026-01-01', 839_712)]);
    expect(heights.at(2)?.height).toBe(840_000);
    expect(cycleStartIndex(h, heights, 9, heights.at(9)?.height as number)).toBe(2);
    // A report on that very day starts the cycle today.
    expect(cycleStartIndex(h, heights, 2, 840_000)).toBe(2);
  });

  it('is null when the counted height of the day itself is still below the halving the tip says passed', () => {
    const h = history('2026-01-01', 10);
    const heights = counted(h, [known('2026-01-01', 838_000)]);
    expect(cycleStartIndex(h, heights, 9, 840_010)).toBeNull();
  });
});
