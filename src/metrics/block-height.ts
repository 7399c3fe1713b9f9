/**
 * Block height at the end of a day from Coin Metrics' daily block counts (BlkCnt), anchored to blocks
 * whose height is known. mempool's tip describes only the present; a report about any other day (or a
 * present-day report whose tip request failed) counts blocks instead.
 *
 * An anchor is "the last block of day X had height N". Height at the end of day D is then the latest
 * anchor on or before D plus Σ BlkCnt over the days after X up to D. Only anchors dated ≤ D are used,
 * so a report for D reads the same from a series cut at D as from a longer one.
 *
 * Where an anchor comes from:
 * - built in: the genesis block and the four halving blocks (height and UTC time are public record);
 * - mempool's retarget list (`difficulty[]`: height, and the block's time when mempool gives it).
 * A known block at time t on day d with n blocks counted that day gives, for day d − 1, N = height − 1 −
 * (blocks of day d before it) and, for day d, N = height + (blocks of day d after it). The split of the
 * other n − 1 blocks is estimated in proportion to the time of day, so an anchor is good to a few blocks.
 */
import { addDays } from '../days';
import type { MetricsHistory } from './history';
import type { MetricResult } from './reasons';

const DAY_S = 86_400;

/** "The last block counted on `day` had height `height`", and how that is known. */
export interface DayEndHeight {
  day: string;
  height: number;
  basis: string;
}

/** A block whose height and UTC time are public record, with the blocks Coin Metrics counts on its day. */
interface KnownBlock {
  height: number;
  /** Block timestamp, ISO 8601 UTC. */
  time: string;
  /** Coin Metrics BlkCnt for the block's UTC day. */
  blocksThatDay: number;
  label: string;
}

/** The halving blocks (timestamps as reported at the time and shown by block explorers). */
const HALVING_BLOCKS: readonly KnownBlock[] = [
  { height: 210_000, time: '2012-11-28T15:24:38Z', blocksThatDay: 172, label: 'first halving' },
  { height: 420_000, time: '2016-07-09T16:46:13Z', blocksThatDay: 149, label: 'second halving' },
  { height: 630_000, time: '2020-05-11T19:23:43Z', blocksThatDay: 157, label: 'third halving' },
  { height: 840_000, time: '2024-04-20T00:09:27Z', blocksThatDay: 130, label: 'fourth halving' },
];

/** Fraction of its UTC day that had passed at `instant` (0 at midnight), or null when it does not parse. */
export function fractionOfDay(instant: string): number | null {
  const ms = Date.parse(instant);
  if (!Number.isFinite(ms)) return null;
  const s = Math.floor(ms / 1000);
  return (((s % DAY_S) + DAY_S) % DAY_S) / DAY_S;
}

/** The other blocks of a day of `blocks` that came before a block at `fraction` of it (proportional). */
function blocksBefore(blocks: number, fraction: number): number {
  return Math.round(Math.max(0, blocks - 1) * fraction);
}

function dayBefore(b: KnownBlock): DayEndHeight {
  const day = b.time.slice(0, 10);
  const before = blocksBefore(b.blocksThatDay, fractionOfDay(b.time) ?? 0);
  return {
    day: addDays(day, -1),
    height: b.height - 1 - before,
    basis: `block ${b.height} (${b.label}) at ${b.time.replace('T', ' ').replace('Z', ' UTC')}, after about ${before} of the ${b.blocksThatDay} blocks of ${day}`,
  };
}

/**
 * Built-in anchors: the genesis block (block 1 followed on 2009-01-09; Coin Metrics does not count the
 * genesis block) and, for each halving, the end of the day before it.
 */
export const KNOWN_DAY_END_HEIGHTS: readonly DayEndHeight[] = [
  { day: '2009-01-03', height: 0, basis: 'genesis block (2009-01-03 18:15:05 UTC)' },
  ...HALVING_BLOCKS.map(dayBefore),
];

/** One retarget from mempool's `difficulty[]`. */
export interface RetargetBlock {
  date: string;
  height: number;
  /** The retarget block's time (ISO 8601), when known. */
  time?: string;
}

/** An anchor placed on the history: index of its day, height at that day's end. */
interface PlacedAnchor extends DayEndHeight {
  index: number;
  /** False when the anchor's split of its day is a guess (a retarget known by date only). */
  precise: boolean;
}

/** Where a height came from. */
export interface BlockHeightOnDay {
  height: number;
  source: 'mempool-tip' | 'block-counts';
  /** For block counts: the anchor used, and how many days of counts were added to it. */
  anchor: DayEndHeight | null;
}

/** Heights at the end of any day of a history, from a fixed set of anchors. */
export interface BlockHeights {
  /** Height of the last block counted on day i, or null (no BlkCnt, or no anchor before it in the run). */
  at(i: number): { height: number; anchor: DayEndHeight } | null;
}

/**
 * Places the anchors on `history`: built-in ones (`known`, default KNOWN_DAY_END_HEIGHTS; none for
 * `sample` data, which is not the real chain) and mempool retargets. A retarget at time t on day d becomes "end of d = height + blocks after it";
 * without a time, half the day is assumed and the anchor counts as imprecise (used only when no precise
 * anchor precedes the day in its run).
 */
export function createBlockHeights(
  history: MetricsHistory,
  retargets: readonly RetargetBlock[],
  options: { sample: boolean; known?: readonly DayEndHeight[] },
): BlockHeights {
  const blk = history.column('BlkCnt');
  const placed: PlacedAnchor[] = [];
  if (!options.sample) {
    for (const a of options.known ?? KNOWN_DAY_END_HEIGHTS) {
      const index = history.indexOf(a.day);
      if (index >= 0 && history.blocksRunStart[index] !== -1) placed.push({ ...a, index, precise: true });
    }
  }
  for (const r of retargets) {
    const index = history.indexOf(r.date);
    const blocks = index >= 0 ? blk[index] : null;
    if (typeof blocks !== 'number' || history.blocksRunStart[index] === -1) continue;
    const fraction = r.time === undefined ? null : fractionOfDay(r.time);
    const after = Math.max(0, blocks - 1) - blocksBefore(blocks, fraction ?? 0.5);
    placed.push({
      day: r.date,
      height: r.height + after,
      basis:
        fraction === null
          ? `mempool retarget block ${r.height} on ${r.date} (time of day unknown, half the day assumed)`
          : `mempool retarget block ${r.height} at ${r.time}`,
      index,
      precise: fraction !== null,
    });
  }
  // Ascending by day (a stable sort keeps built-in before mempool on the same day).
  const byIndex = (xs: PlacedAnchor[]) => xs.sort((a, b) => a.index - b.index);
  const precise = byIndex(placed.filter((a) => a.precise));
  const rough = byIndex(placed.filter((a) => !a.precise));
  const through = history.blocksThrough;

  const latestInRun = (list: readonly PlacedAnchor[], i: number, run: number): PlacedAnchor | null => {
    let lo = 0;
    let hi = list.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((list[mid] as PlacedAnchor).index <= i) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    // Same-day duplicates: the first one placed on that day wins (built-in before mempool).
    while (found > 0 && (list[found - 1] as PlacedAnchor).index === (list[found] as PlacedAnchor).index)
      found--;
    const a = found >= 0 ? (list[found] as PlacedAnchor) : null;
    return a !== null && a.index >= run ? a : null;
  };

  return {
    at(i) {
      const run = history.blocksRunStart[i] ?? -1;
      if (run < 0) return null;
      const anchor = latestInRun(precise, i, run) ?? latestInRun(rough, i, run);
      if (anchor === null) return null;
      const now = through[i];
      const then = through[anchor.index];
      if (typeof now !== 'number' || typeof then !== 'number') return null;
      return {
        height: anchor.height + (now - then),
        anchor: { day: anchor.day, height: anchor.height, basis: anchor.basis },
      };
    },
  };
}

export interface BlockHeightInputs {
  asOf: string;
  /** mempool's tip, when it describes the as-of day. */
  tipHeight: number | null;
  heights: BlockHeights | null;
  index: number;
}

/**
 * Height at the end of the as-of day: mempool's tip when it describes that day, else Coin Metrics block
 * counts on the latest anchor (see the module comment); null with a reason when neither is possible.
 */
export function blockHeightOn(input: BlockHeightInputs): MetricResult<BlockHeightOnDay | null> {
  if (input.tipHeight !== null) {
    return { metrics: { height: input.tipHeight, source: 'mempool-tip', anchor: null }, warnings: [] };
  }
  const estimate = input.heights !== null && input.index >= 0 ? input.heights.at(input.index) : null;
  if (estimate === null) {
    return {
      metrics: null,
      warnings: [
        `block height unavailable for ${input.asOf}: no mempool tip, and no Coin Metrics block counts back to a known height`,
      ],
    };
  }
  return {
    metrics: { height: estimate.height, source: 'block-counts', anchor: estimate.anchor },
    warnings: [
      `block height for ${input.asOf} estimated from Coin Metrics BlkCnt since ${estimate.anchor.day} (end-of-day height ${estimate.anchor.height}: ${estimate.anchor.basis}); good to a few blocks`,
    ],
  };
}

/**
 * Index of the first day of the halving cycle that contains day i: the day the chain reached the last
 * multiple of 210 000 at or below day i's height (the genesis day for the first cycle). Null when that
 * day is outside the anchored block counts.
 */
export function cycleStartIndex(
  history: MetricsHistory,
  heights: BlockHeights,
  i: number,
  heightAtI: number,
): number | null {
  const halving = Math.floor(heightAtI / 210_000) * 210_000;
  if (halving === 0) {
    const genesis = history.indexOf('2009-01-03');
    return genesis >= 0 && genesis <= i ? genesis : null;
  }
  for (let j = i; j >= 0; j--) {
    const h = heights.at(j);
    if (h === null) return null;
    if (h.height < halving) return j + 1 <= i ? j + 1 : null;
  }
  return null;
}
