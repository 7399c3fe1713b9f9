/**
 * The contract between the sources and the metrics stage: validated upstream data as the rest of the
 * pipeline sees it. Produced by src/sources, consumed by src/metrics (and the alert run). Nothing here is
 * raw JSON: every field has passed a zod schema and plausibility checks.
 */

/** Coin Metrics community columns hashbrief uses (the free set; same names as the community CSV). */
export const COIN_METRICS_COLUMNS = [
  'AdrActCnt',
  'BlkCnt',
  'CapMrktCurUSD',
  'FeeTotNtv',
  'HashRate',
  'IssTotNtv',
  'IssTotUSD',
  'PriceUSD',
  'SplyCur',
  'TxCnt',
] as const;
export type CoinMetricsColumn = (typeof COIN_METRICS_COLUMNS)[number];

/**
 * Daily Coin Metrics history, columnar. `dates` ascending `YYYY-MM-DD` (UTC), one entry per day, no gaps
 * (a day missing upstream is present with all values null). `values[col][i]` is the parsed number for
 * `dates[i]` or null when upstream had no value; `raw[col][i]` is the exact decimal string as received.
 */
export interface DailySeries {
  dates: string[];
  values: Record<CoinMetricsColumn, (number | null)[]>;
  raw: Record<CoinMetricsColumn, (string | null)[]>;
}

/** One pool's blocks over the last week, from mempool `/v1/mining/pools/1w`. */
export interface PoolBlocks {
  name: string;
  slug: string;
  link: string;
  blockCount: number;
}

export interface PoolsWeek {
  /** All entries as listed upstream, including the "Unknown" entry (slug `unknown`). */
  pools: PoolBlocks[];
  /** Total blocks in the window (sum of pools[].blockCount). */
  blockCount: number;
  /** H/s, or null when upstream reported 0 (Bitcoin Core unavailable on their side). */
  lastEstimatedHashrate1w: number | null;
}

/** mempool `/v1/difficulty-adjustment`, units normalised. */
export interface DifficultyAdjustment {
  progressPercent: number;
  /** Estimated change at the next retarget, percent. */
  difficultyChangePct: number;
  /** ISO 8601 instant of the estimated retarget. */
  estimatedRetargetDate: string;
  remainingBlocks: number;
  nextRetargetHeight: number;
  previousRetargetPct: number;
  /** Mean block interval this epoch, milliseconds. */
  timeAvgMs: number;
}

/** mempool `/v1/mining/hashrate/:interval`: daily hashrate and the difficulty history. */
export interface HashrateHistory {
  hashrates: { date: string; hashrateHs: number }[];
  /**
   * Retargets, ascending by height. `time` is the retarget block's timestamp (ISO 8601 UTC) when known:
   * it places the block within its day, which counting block heights from daily BlkCnt needs.
   */
  difficulty: { date: string; height: number; difficulty: number; adjustmentRatio: number; time?: string }[];
  currentHashrateHs: number | null;
  currentDifficulty: number | null;
}

/** mempool `/v1/mining/reward-stats/:blockCount`, amounts in satoshis. */
export interface RewardStats {
  startBlock: number;
  endBlock: number;
  totalRewardSats: number;
  totalFeeSats: number;
  totalTx: number;
}

/** mempool `/v1/prices`. */
export interface CurrentPrice {
  time: string;
  usd: number;
}

/**
 * mempool `/v1/historical-price?currency=USD&timestamp=T`: its latest USD price strictly before T, or
 * null when it has none (mempool's history starts 2010-07-19; before that it answers a placeholder 0).
 */
export type HistoricalPrice = CurrentPrice | null;

export type SourceName =
  | 'coinmetrics-asset-metrics'
  | 'mempool-pools-1w'
  | 'mempool-difficulty-adjustment'
  | 'mempool-hashrate'
  | 'mempool-tip-height'
  | 'mempool-reward-stats'
  | 'mempool-prices';

/** What happened when one upstream was asked. Failures are values, not exceptions. */
export type SourceOutcome<T> =
  | { status: 'ok'; value: T; url: string; fetchedAt: string; attempts: number; warnings: string[] }
  | {
      status: 'failed';
      reason: string;
      url: string;
      fetchedAt: string | null;
      attempts: number;
      /** The upstream answered, but its data does not reach the day asked: not an outage. */
      noData?: true;
    }
  | { status: 'skipped'; reason: string; url: string };

/** Everything the metrics stage receives. */
export interface ReportInputs {
  /** Day D of the report, `YYYY-MM-DD`; series are already cut to dates ≤ asOf. */
  asOf: string;
  /** True when the inputs are the bundled sample data, not live upstreams. */
  sample: boolean;
  coinMetrics: SourceOutcome<DailySeries>;
  pools: SourceOutcome<PoolsWeek>;
  difficultyAdjustment: SourceOutcome<DifficultyAdjustment>;
  hashrateHistory: SourceOutcome<HashrateHistory>;
  tipHeight: SourceOutcome<number>;
  rewardStats: SourceOutcome<RewardStats>;
  price: SourceOutcome<CurrentPrice>;
}
