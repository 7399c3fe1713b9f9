/**
 * Present-day mempool.space state derived from daily Coin Metrics rows, so both emulated upstreams tell the
 * same story: block heights from cumulative BlkCnt, difficulty re-targeted every 2016 blocks from the mean
 * HashRate of the epoch, rewards from IssTotNtv + FeeTotNtv.
 */
import type { CoinMetricsColumn } from '../contracts/report-inputs';
import { POOL_PROFILES, type PoolProfile } from './pools';

/** One day of chain activity as the mempool routes need it. */
export interface MempoolDay {
  date: string;
  /** Unix seconds of 00:00 UTC. */
  startTime: number;
  /** Height of the day's first block (meaningful only when `blocks` > 0). */
  firstHeight: number;
  blocks: number;
  /** Mean hashrate of the day, H/s; null when the row has no HashRate. */
  hashrateHs: number | null;
  subsidySats: number;
  feeSats: number;
  txCount: number;
  priceUsd: number | null;
}

/** One difficulty re-target, as in mempool's `difficulty[]`. */
export interface DifficultyRetarget {
  /** Unix seconds of the re-target block. */
  time: number;
  height: number;
  difficulty: number;
  /** new ÷ old difficulty, 6 decimals (mempool's convention, not a percentage). */
  adjustment: number;
}

/** What the emulated mempool.space knows, as of the dataset's last day. */
export interface MempoolState {
  /** Last day of the data, `YYYY-MM-DD`. */
  asOf: string;
  tipHeight: number;
  /** Unix seconds of the tip block (late on the last day). */
  tipTime: number;
  /** Ascending, one entry per dataset row. */
  days: MempoolDay[];
  /** Ascending by height. */
  difficulty: DifficultyRetarget[];
  pools: readonly PoolProfile[];
}

/** Input rows: the Dataset's Coin Metrics rows. */
export type CoinMetricsRow = { time: string; values: Partial<Record<CoinMetricsColumn, string>> };

const GENESIS_DAY = '2009-01-03';
const EPOCH_BLOCKS = 2016;
/** difficulty = hashrate(H/s) × 600 s ÷ 2^32 (expected hashes per block at a 10-minute target). */
const HASHES_PER_DIFFICULTY = 2 ** 32;
const TARGET_SPACING_S = 600;
const DAY_S = 86_400;

const unixDay = (date: string): number => Date.parse(`${date}T00:00:00Z`) / 1000;

const num = (value: string | undefined): number | null => {
  if (value === undefined || value === '') return null;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : null;
};

/** Tip height before the first row: exact from genesis, otherwise a rough 144-a-day estimate. */
function defaultHeightBefore(firstDay: string): number {
  if (firstDay <= GENESIS_DAY) return 0;
  return Math.round(((unixDay(firstDay) - unixDay(GENESIS_DAY)) / DAY_S) * 144 * 0.93);
}

/** Difficulty that a network of `hashrateThs` TH/s would settle at. */
export function difficultyForHashrate(hashrateThs: number): number {
  // Bitcoin's minimum difficulty is 1 (early CSV days have hashrates far below it).
  return Math.max(1, (hashrateThs * 1e12 * TARGET_SPACING_S) / HASHES_PER_DIFFICULTY);
}

/** Hashrate in H/s implied by a difficulty. */
export function hashrateForDifficulty(difficulty: number): number {
  return (difficulty * HASHES_PER_DIFFICULTY) / TARGET_SPACING_S;
}

/**
 * Derives the mempool state from ascending daily rows. `heightBefore` is the tip height before the first
 * row's blocks (0 when the rows start at genesis, whose block BlkCnt does not count).
 */
export function deriveMempoolState(
  rows: readonly CoinMetricsRow[],
  options: { heightBefore?: number } = {},
): MempoolState | null {
  const first = rows[0];
  const last = rows.at(-1);
  if (!first || !last) return null;
  let tip = options.heightBefore ?? defaultHeightBefore(first.time);
  const days: MempoolDay[] = [];
  const difficulty: DifficultyRetarget[] = [];
  let current: number | null = null;
  let epochSum = 0;
  let epochDays = 0;
  for (const row of rows) {
    const blocks = Math.max(0, Math.round(num(row.values.BlkCnt) ?? 0));
    const hashrateThs = num(row.values.HashRate);
    const startTime = unixDay(row.time);
    const firstHeight = tip + 1;
    if (hashrateThs !== null && hashrateThs > 0) {
      epochSum += hashrateThs;
      epochDays++;
      if (current === null) current = difficultyForHashrate(hashrateThs);
    }
    const retargetHeight = Math.ceil(firstHeight / EPOCH_BLOCKS) * EPOCH_BLOCKS;
    if (blocks > 0 && retargetHeight <= tip + blocks && retargetHeight > 0) {
      const next: number = epochDays > 0 ? difficultyForHashrate(epochSum / epochDays) : (current ?? 1);
      difficulty.push({
        time: startTime + Math.floor(((retargetHeight - firstHeight + 0.5) / blocks) * DAY_S),
        height: retargetHeight,
        difficulty: next,
        adjustment: current === null ? 1 : Math.round((next / current) * 1e6) / 1e6,
      });
      current = next;
      epochSum = 0;
      epochDays = 0;
    }
    const issued = num(row.values.IssTotNtv) ?? 0;
    const fees = num(row.values.FeeTotNtv) ?? 0;
    days.push({
      date: row.time,
      startTime,
      firstHeight,
      blocks,
      hashrateHs: hashrateThs === null ? null : hashrateThs * 1e12,
      subsidySats: Math.round(issued * 1e8),
      feeSats: Math.round(fees * 1e8),
      txCount: Math.round(num(row.values.TxCnt) ?? 0),
      priceUsd: num(row.values.PriceUSD),
    });
    tip += blocks;
  }
  const lastDay = days.at(-1);
  const lastBlocks = lastDay?.blocks ?? 0;
  const tipTime =
    (lastDay?.startTime ?? unixDay(last.time)) +
    (lastBlocks > 0 ? Math.floor((DAY_S * (lastBlocks - 0.5)) / lastBlocks) : DAY_S - 1);
  return { asOf: last.time, tipHeight: tip, tipTime, days, difficulty, pools: POOL_PROFILES };
}
