/**
 * zod schemas and normalisers for the mempool.space endpoints hashbrief reads. Units as the public API
 * returns them (docs/sources.md): hashrates H/s, `estimatedRetargetDate` ms, history times Unix seconds.
 * Drift throws ShapeError naming the field; implausible single values become null (or are dropped from a
 * history) with a warning.
 */
import { z } from 'zod';
import type {
  CurrentPrice,
  DifficultyAdjustment,
  HashrateHistory,
  HistoricalPrice,
  PoolsWeek,
  RewardStats,
} from '../contracts/report-inputs';
import { dayOfUnixSeconds } from '../days';
import { fieldProblem } from '../validated-json';
import { ShapeError } from './errors';

/** A parsed value plus what was questionable about it. */
export interface Parsed<T> {
  value: T;
  warnings: string[];
}

/** Beyond these, a value is absurd rather than news (today: ~1e21 H/s, ~1.5e14 difficulty). */
const MAX_HASHRATE_HS = 1e24;
const MAX_DIFFICULTY = 1e18;
const MAX_PRICE_USD = 1e7;
/** Subsidy was at most 50 BTC; even with record fees a block's reward stays far below 100 BTC on average. */
const MAX_AVG_REWARD_SATS = 100 * 1e8;
const MAX_HEIGHT = 10_000_000;
const JUMP_FACTOR = 100;

const count = z.number().int().nonnegative();
const nonNegative = z.number().nonnegative();
const unixSeconds = z.number().int().positive();

function parseWith<S extends z.ZodType>(schema: S, json: unknown): z.infer<S> {
  const result = schema.safeParse(json);
  if (result.success) return result.data;
  throw new ShapeError(fieldProblem(result.error, '(body)'));
}

/** 0 means "Bitcoin Core unavailable on mempool's side"; absurd values are dropped too. */
function optionalHashrate(value: number | undefined, field: string, warnings: string[]): number | null {
  if (value === undefined || value === 0) {
    warnings.push(`mempool ${field} unavailable (${value === undefined ? 'absent' : '0'})`);
    return null;
  }
  if (value > MAX_HASHRATE_HS) {
    warnings.push(`mempool ${field} is implausible (${value} H/s); treated as missing`);
    return null;
  }
  return value;
}

const poolsSchema = z.object({
  pools: z.array(
    z.object({ name: z.string(), slug: z.string(), link: z.string().default(''), blockCount: count }),
  ),
  blockCount: count,
  lastEstimatedHashrate: nonNegative.optional(),
  lastEstimatedHashrate1w: nonNegative.optional(),
});

/** `/v1/mining/pools/1w`. */
export function parsePools(json: unknown): Parsed<PoolsWeek> {
  const data = parseWith(poolsSchema, json);
  const warnings: string[] = [];
  if (data.pools.length === 0) throw new ShapeError('field `pools`: empty list');
  const sum = data.pools.reduce((s, p) => s + p.blockCount, 0);
  if (sum !== data.blockCount) {
    warnings.push(
      `mempool pools: blockCount ${data.blockCount} differs from the pools' sum ${sum}; using the sum`,
    );
  }
  const hashrate = optionalHashrate(
    data.lastEstimatedHashrate1w ?? data.lastEstimatedHashrate,
    'lastEstimatedHashrate1w',
    warnings,
  );
  return {
    value: {
      pools: data.pools.map((p) => ({ name: p.name, slug: p.slug, link: p.link, blockCount: p.blockCount })),
      blockCount: sum,
      lastEstimatedHashrate1w: hashrate,
    },
    warnings,
  };
}

const difficultySchema = z.object({
  progressPercent: z.number().min(0).max(100),
  // mempool clamps the estimate to -75…300 %.
  difficultyChange: z.number().min(-75).max(300),
  estimatedRetargetDate: z.number().positive(),
  remainingBlocks: count.max(2016),
  nextRetargetHeight: count.max(MAX_HEIGHT),
  previousRetarget: z.number().min(-75).max(300),
  timeAvg: nonNegative,
});

/** `/v1/difficulty-adjustment`. */
export function parseDifficultyAdjustment(json: unknown): Parsed<DifficultyAdjustment> {
  const data = parseWith(difficultySchema, json);
  const warnings: string[] = [];
  let retargetMs = data.estimatedRetargetDate;
  // The backend sends ms; the public docs example shows seconds. A value below 1e11 cannot be ms after 1973.
  if (retargetMs < 1e11) {
    warnings.push('mempool estimatedRetargetDate looked like seconds, not milliseconds; converted');
    retargetMs *= 1000;
  }
  const retarget = new Date(retargetMs);
  if (Number.isNaN(retarget.getTime()))
    throw new ShapeError('field `estimatedRetargetDate`: not a valid time');
  return {
    value: {
      progressPercent: data.progressPercent,
      difficultyChangePct: data.difficultyChange,
      estimatedRetargetDate: retarget.toISOString(),
      remainingBlocks: data.remainingBlocks,
      nextRetargetHeight: data.nextRetargetHeight,
      previousRetargetPct: data.previousRetarget,
      timeAvgMs: data.timeAvg,
    },
    warnings,
  };
}

const hashrateSchema = z.object({
  hashrates: z.array(z.object({ timestamp: unixSeconds, avgHashrate: nonNegative })),
  difficulty: z.array(
    z.object({
      time: unixSeconds,
      height: count,
      difficulty: z.number().positive(),
      adjustment: z.number().positive(),
    }),
  ),
  currentHashrate: nonNegative.optional(),
  currentDifficulty: nonNegative.optional(),
});

/**
 * `/v1/mining/hashrate/:interval`, cut to days ≤ `asOf` when given; for a past report (`past`) the
 * "current" values are null, since they describe today. One entry per day (the last wins);
 * entries that are absurd or jump 100× from the previous kept one are dropped with a warning.
 */
export function parseHashrateHistory(
  json: unknown,
  options: { asOf?: string; past?: boolean } = {},
): Parsed<HashrateHistory> {
  const { asOf } = options;
  const data = parseWith(hashrateSchema, json);
  const warnings: string[] = [];
  const byDay = new Map<string, number>();
  for (const h of [...data.hashrates].sort((a, b) => a.timestamp - b.timestamp)) {
    byDay.set(dayOfUnixSeconds(h.timestamp), h.avgHashrate);
  }
  const hashrates: HashrateHistory['hashrates'] = [];
  let previous: number | null = null;
  for (const [date, hashrateHs] of byDay) {
    if (asOf !== undefined && date > asOf) continue;
    const jump =
      previous !== null &&
      hashrateHs > 0 &&
      (hashrateHs / previous >= JUMP_FACTOR || previous / hashrateHs >= JUMP_FACTOR);
    if (hashrateHs === 0 || hashrateHs > MAX_HASHRATE_HS || jump) {
      warnings.push(`mempool hashrate on ${date} is implausible (${hashrateHs} H/s); left out`);
      continue;
    }
    hashrates.push({ date, hashrateHs });
    previous = hashrateHs;
  }
  const difficulty: HashrateHistory['difficulty'] = [];
  for (const d of [...data.difficulty].sort((a, b) => a.height - b.height)) {
    const date = dayOfUnixSeconds(d.time);
    if (asOf !== undefined && date > asOf) continue;
    if (d.difficulty > MAX_DIFFICULTY) {
      warnings.push(`mempool difficulty at height ${d.height} is implausible (${d.difficulty}); left out`);
      continue;
    }
    difficulty.push({
      date,
      height: d.height,
      difficulty: d.difficulty,
      adjustmentRatio: d.adjustment,
      time: new Date(d.time * 1000).toISOString(),
    });
  }
  // "current" values describe today, so a past report must not use them.
  const isPast = options.past === true;
  const currentHashrateHs = isPast
    ? null
    : optionalHashrate(data.currentHashrate, 'currentHashrate', warnings);
  let currentDifficulty: number | null = null;
  if (!isPast) {
    if (data.currentDifficulty === undefined || data.currentDifficulty === 0) {
      warnings.push('mempool currentDifficulty unavailable');
    } else if (data.currentDifficulty > MAX_DIFFICULTY) {
      warnings.push(
        `mempool currentDifficulty is implausible (${data.currentDifficulty}); treated as missing`,
      );
    } else {
      currentDifficulty = data.currentDifficulty;
    }
  }
  return { value: { hashrates, difficulty, currentHashrateHs, currentDifficulty }, warnings };
}

/** `/blocks/tip/height` (text/plain). */
export function parseTipHeight(body: unknown): Parsed<number> {
  if (typeof body !== 'string') throw new ShapeError('tip height: expected a text body');
  const trimmed = body.trim();
  if (!/^\d+$/.test(trimmed))
    throw new ShapeError(`tip height is not a whole number (${JSON.stringify(trimmed.slice(0, 40))})`);
  const height = Number(trimmed);
  if (height <= 0 || height > MAX_HEIGHT) throw new ShapeError(`tip height ${trimmed} is implausible`);
  return { value: height, warnings: [] };
}

/** Satoshi amounts arrive as strings (docs) or numbers (frontend type): accept both, exactly. */
const sats = z
  .union([z.string().regex(/^\d+$/, 'expected a whole number of satoshis').transform(Number), count])
  .refine((n) => Number.isSafeInteger(n), 'too large to be exact');

const rewardSchema = z.object({
  startBlock: count,
  endBlock: count,
  totalReward: sats,
  totalFee: sats,
  totalTx: sats,
});

/** `/v1/mining/reward-stats/:blockCount`. */
export function parseRewardStats(json: unknown): Parsed<RewardStats> {
  const data = parseWith(rewardSchema, json);
  if (data.endBlock < data.startBlock) throw new ShapeError('field `endBlock`: before `startBlock`');
  if (data.totalFee > data.totalReward) throw new ShapeError('field `totalFee`: larger than `totalReward`');
  const blocks = data.endBlock - data.startBlock + 1;
  if (data.totalReward / blocks > MAX_AVG_REWARD_SATS) {
    throw new ShapeError(
      `field \`totalReward\`: ${data.totalReward} sats over ${blocks} blocks is implausible`,
    );
  }
  return {
    value: {
      startBlock: data.startBlock,
      endBlock: data.endBlock,
      totalRewardSats: data.totalReward,
      totalFeeSats: data.totalFee,
      totalTx: data.totalTx,
    },
    warnings: [],
  };
}

const pricesSchema = z.object({ time: unixSeconds, USD: z.number().positive().max(MAX_PRICE_USD) });

/** `/v1/prices`. */
export function parsePrices(json: unknown): Parsed<CurrentPrice> {
  const data = parseWith(pricesSchema, json);
  return { value: { time: new Date(data.time * 1000).toISOString(), usd: data.USD }, warnings: [] };
}

const historicalPriceSchema = z.object({
  prices: z.array(z.object({ time: unixSeconds, USD: z.number() })),
});

/**
 * `/v1/historical-price?currency=USD&timestamp=T`: the latest entry with a USD price. mempool marks a
 * missing price with -1 and answers a placeholder `{ time: 1279497600, USD: 0 }` before its history
 * starts; both mean "no price" (null, with a warning), not a price of 0.
 */
export function parseHistoricalPrice(json: unknown): Parsed<HistoricalPrice> {
  const data = parseWith(historicalPriceSchema, json);
  let latest: { time: number; USD: number } | undefined;
  for (const entry of data.prices) {
    if (entry.USD > 0 && (latest === undefined || entry.time > latest.time)) latest = entry;
  }
  if (latest === undefined) {
    return { value: null, warnings: ['mempool historical price: no USD price for that time'] };
  }
  return { value: { time: new Date(latest.time * 1000).toISOString(), usd: latest.USD }, warnings: [] };
}
