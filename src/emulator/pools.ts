/**
 * The emulator's mining-pool landscape: a fixed, plausible share distribution over real pool names (names,
 * links and ids as listed in the MIT-licensed mempool/mining-pools definitions). It is not anyone's measured
 * data; it only has to look like a real week (top pool about 30%, an "Unknown" entry, a long tail).
 */

/** One pool as the emulator describes it. */
export interface PoolProfile {
  name: string;
  slug: string;
  link: string;
  /** `id` in mempool's pools-v2.json; the Unknown pool is 0. */
  poolUniqueId: number;
  /** Expected share of blocks, 0..1. */
  share: number;
}

const profile = (name: string, poolUniqueId: number, link: string, share: number): PoolProfile => ({
  name,
  // mempool derives slugs this way (backend/src/api/pools-parser.ts).
  slug: name.replace(/[^a-z0-9]/gi, '').toLowerCase(),
  link,
  poolUniqueId,
  share,
});

/** Shares sum to 1. */
export const POOL_PROFILES: readonly PoolProfile[] = [
  profile('Foundry USA', 111, 'https://foundrydigital.com', 0.295),
  profile('AntPool', 44, 'https://www.antpool.com', 0.175),
  profile('ViaBTC', 73, 'https://viabtc.com', 0.115),
  profile('F2Pool', 36, 'https://www.f2pool.com', 0.095),
  profile('SpiderPool', 102, 'https://www.spiderpool.com', 0.075),
  profile('MARA Pool', 115, 'https://marapool.com', 0.05),
  profile('Luxor', 4, 'https://mining.luxor.tech', 0.035),
  profile('SECPOOL', 141, 'https://www.secpool.com', 0.03),
  profile('Binance Pool', 105, 'https://pool.binance.com', 0.028),
  profile('Braiins Pool', 43, 'https://braiins.com/pool', 0.022),
  profile('SBI Crypto', 112, 'https://sbicrypto.com', 0.018),
  profile('OCEAN', 142, 'https://ocean.xyz/', 0.015),
  profile('Poolin', 94, 'https://www.poolin.com', 0.012),
  profile('BTC.com', 6, 'https://pool.btc.com', 0.01),
  profile('ULTIMUSPOOL', 2, 'https://www.ultimuspool.com', 0.008),
  profile('WhitePool', 143, 'https://whitebit.com/mining-pool', 0.006),
  profile('Unknown', 0, 'https://learnmeabitcoin.com/technical/coinbase-transaction', 0.011),
];

/** A pool's block count for some window. */
export interface PoolCount {
  pool: PoolProfile;
  blockCount: number;
}

/**
 * Splits `total` blocks over the pools by largest remainder, so the counts always add up to `total` exactly
 * (the sources check that pools[].blockCount sums to blockCount). Sorted by count descending, like mempool.
 */
export function allocateBlocks(total: number, pools: readonly PoolProfile[] = POOL_PROFILES): PoolCount[] {
  const shareSum = pools.reduce((sum, pool) => sum + pool.share, 0);
  const exact = pools.map((pool) => (total * pool.share) / shareSum);
  const counts = exact.map(Math.floor);
  let left = total - counts.reduce((sum, count) => sum + count, 0);
  const byRemainder = exact
    .map((value, index) => ({ index, remainder: value - Math.floor(value) }))
    .sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  for (const { index } of byRemainder) {
    if (left <= 0) break;
    counts[index] = (counts[index] ?? 0) + 1;
    left--;
  }
  return pools
    .map((pool, index) => ({ pool, blockCount: counts[index] ?? 0, index }))
    .sort((a, b) => b.blockCount - a.blockCount || a.index - b.index)
    .map(({ pool, blockCount }) => ({ pool, blockCount }));
}
