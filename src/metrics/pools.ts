/** Mining-pool concentration from last week's blocks (mempool `/v1/mining/pools/1w`). */

import type { PoolsWeek } from '../contracts/report-inputs';
import type { Metrics, PoolShare, Snapshot } from '../snapshot/schema';
import type { MetricResult } from './reasons';

/** mempool's slug for blocks whose miner it could not identify. */
export const UNKNOWN_POOL_SLUG = 'unknown';
/** How many identified pools `pools.top` lists. */
export const TOP_POOLS_LISTED = 10;

/** Herfindahl–Hirschman index: Σ share² with shares in % (0–10000). */
export function herfindahlIndex(sharesPct: readonly number[]): number {
  return sharesPct.reduce((s, x) => s + x * x, 0);
}

/**
 * Nakamoto coefficient: the fewest pools (largest first) whose blocks together are MORE than half of all
 * the week's blocks. Null when all of them together are not (e.g. most blocks are from unidentified
 * miners). A pool at exactly half does not control the chain, so it alone is not enough. Counted in whole
 * blocks (2 × blocks > total), not summed percentages: 339 + 165 of 1008 is exactly half, while the two
 * shares in floating point add up to 50.00000000000001.
 */
export function nakamotoCoefficient(poolBlocks: readonly number[], totalBlocks: number): number | null {
  const sorted = [...poolBlocks].sort((a, b) => b - a);
  let blocks = 0;
  for (let k = 0; k < sorted.length; k++) {
    blocks += sorted[k] as number;
    if (2 * blocks > totalBlocks) return k + 1;
  }
  return null;
}

/** The pool group as null: used when the pools source is unavailable. */
export function nullPools(previousWeek: Metrics['pools']['previousWeek']): Metrics['pools'] {
  return {
    hhi: null,
    nakamotoCoefficient: null,
    topPoolSharePct: null,
    top3SharePct: null,
    unknownSharePct: null,
    blockCount: null,
    top: [],
    previousWeek,
  };
}

/** `previousWeek` from the prior issue's snapshot, when given. */
export function previousWeekPools(previous: Snapshot | null | undefined): Metrics['pools']['previousWeek'] {
  if (!previous) return null;
  const p = previous.metrics.pools;
  return {
    issueId: previous.issueId,
    hhi: p.hhi,
    nakamotoCoefficient: p.nakamotoCoefficient,
    topPoolSharePct: p.topPoolSharePct,
  };
}

/**
 * Shares are of ALL the week's blocks (unidentified miners count in the total but not as a pool):
 * share_i = blocks_i ÷ total × 100 (%).
 * - `hhi` = Σ share_i² over identified pools (0–10000)
 * - `nakamotoCoefficient` = fewest identified pools whose shares sum to more than 50%
 * - `topPoolSharePct`, `top3SharePct` = largest / three largest identified pools' share (%)
 * - `unknownSharePct` = unidentified blocks' share (%)
 * Zero blocks, or no identified pool, make the concentration figures null (an empty sum would read as
 * "perfectly decentralised", which nobody measured).
 */
export function computePools(
  week: PoolsWeek,
  previousWeek: Metrics['pools']['previousWeek'],
): MetricResult<Metrics['pools']> {
  const warnings: string[] = [];
  const total = week.pools.reduce((s, p) => s + p.blockCount, 0);
  if (total !== week.blockCount) {
    warnings.push(
      `pools: block counts sum to ${total}, upstream total says ${week.blockCount}; using the sum`,
    );
  }
  if (total === 0) {
    warnings.push('pool metrics unavailable: zero blocks in the last week');
    return { metrics: { ...nullPools(previousWeek), blockCount: 0 }, warnings };
  }
  const identified = week.pools
    .filter((p) => p.slug !== UNKNOWN_POOL_SLUG && p.blockCount > 0)
    .map(
      (p): PoolShare => ({
        name: p.name,
        slug: p.slug,
        blocks: p.blockCount,
        sharePct: (p.blockCount / total) * 100,
      }),
    )
    .sort((a, b) => b.blocks - a.blocks || a.name.localeCompare(b.name));
  const unknownBlocks = week.pools
    .filter((p) => p.slug === UNKNOWN_POOL_SLUG)
    .reduce((s, p) => s + p.blockCount, 0);
  const unknownSharePct = (unknownBlocks / total) * 100;
  if (identified.length === 0) {
    warnings.push('pool concentration unavailable: no block last week came from an identified pool');
    return {
      metrics: { ...nullPools(previousWeek), unknownSharePct, blockCount: total },
      warnings,
    };
  }
  const shares = identified.map((p) => p.sharePct);
  const nakamoto = nakamotoCoefficient(
    identified.map((p) => p.blocks),
    total,
  );
  if (nakamoto === null) {
    warnings.push(
      `pools.nakamotoCoefficient unavailable: identified pools together mined only ${(100 - unknownSharePct).toFixed(1)}% of last week's blocks`,
    );
  }
  return {
    metrics: {
      hhi: herfindahlIndex(shares),
      nakamotoCoefficient: nakamoto,
      topPoolSharePct: shares[0] ?? null,
      top3SharePct: shares.slice(0, 3).reduce((s, x) => s + x, 0),
      unknownSharePct,
      blockCount: total,
      top: identified.slice(0, TOP_POOLS_LISTED),
      previousWeek,
    },
    warnings,
  };
}
