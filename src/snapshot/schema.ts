/**
 * snapshot.json: the issue's data. The fixed keys and their definitions are a contract (docs/architecture.md, docs/metrics.md); units
 * are part of every key name. Any metric may be null when its inputs are unavailable (then `warnings`
 * says why). `finite()` rejects NaN and Infinity so they can never reach a reader.
 */

import { z } from 'zod';
import { calendarDay } from '../days';

export const SNAPSHOT_SCHEMA_VERSION = 1;

const isoDate = calendarDay;
const isoInstant = z.string().datetime({ offset: true });
const num = z.number().finite();
const n = num.nullable();
const pct = n;
/**
 * A key added after the first issues were archived: absent in an older snapshot.json, it reads as null,
 * so every archived issue still parses. New snapshots always carry it.
 */
const added = n.default(null);

export const sourceStatusSchema = z.object({
  name: z.string(),
  url: z.string(),
  fetchedAt: isoInstant.nullable(),
  status: z.enum(['ok', 'failed', 'skipped']),
  /** Why it failed or was skipped; absent when ok. */
  reason: z.string().optional(),
  attempts: z.number().int().nonnegative().optional(),
});

export const breakevenTierSchema = z.object({
  model: z.string(),
  jPerTh: num.positive(),
  /** usdPerPhDay ÷ (24 × jPerTh). */
  breakevenUsdPerKwh: n,
  /** True when the configured power price is above the tier's breakeven. */
  underwater: z.boolean().nullable(),
  note: z.string().optional(),
  /**
   * First shipments of the tier's generation (dated default fleet only; absent for a configured fleet
   * and in issues made before fleets were dated).
   */
  availableFrom: isoDate.optional(),
});

export const poolShareSchema = z.object({
  name: z.string(),
  slug: z.string(),
  blocks: z.number().int().nonnegative(),
  /** Share of all the week's blocks (unknown miners included in the total), %. */
  sharePct: num,
});

export const doubleSpendSchema = z.object({
  label: z.string(),
  attackerSharePct: num,
  /** Nakamoto (whitepaper §11, Poisson form) success probability by confirmations. */
  probabilityByConfirmations: z.object({ '1': num, '3': num, '6': num }),
});

export const metricsSchema = z.object({
  price: z.object({
    usd: n,
    change7dPct: pct,
    change30dPct: pct,
    drawdownFromAthPct: pct,
    athUsd: n,
    athDate: isoDate.nullable(),
    marketCapUsd: n,
  }),
  hashrate: z.object({
    ehs7d: n,
    change7dPct: pct,
    change30dPct: pct,
    fromPeakPct: pct,
    peakEhs7d: n,
    peakDate: isoDate.nullable(),
    /**
     * When D is the deepest point of the drawdown since the peak: the last earlier day (before the peak)
     * with one at least as deep; null otherwise. `drawdownDeepestOnRecord`: no earlier day was as deep.
     */
    drawdownDeepestSince: isoDate.nullable().default(null),
    drawdownDeepestOnRecord: z.boolean().nullable().default(null),
    /** The deepest fromPeakPct over the 90 days ending D: with today's, it tells a recovery. */
    drawdownDeepest90dPct: added,
  }),
  difficulty: z.object({
    current: n,
    /** Hashrate implied by the current difficulty, D × 2³² ÷ 600, in EH/s. */
    impliedHashrateEhs: n,
    nextAdjustmentPct: pct,
    nextAdjustmentDate: isoDate.nullable(),
    blocksToAdjustment: z.number().int().nonnegative().nullable(),
    /** Where the estimate came from: mempool's own, or estimated here from block timing. */
    nextAdjustmentSource: z.enum(['mempool', 'block-timing']).nullable(),
    /** Blocks mined since the last retarget, and that as a share of the 2016-block epoch, %. */
    blocksInEpoch: z.number().int().nonnegative().nullable().default(null),
    epochProgressPct: added,
    /** ± range of the next-adjustment estimate from block luck alone (two standard deviations), %. */
    nextAdjustmentMarginPct: added,
    /** True before half the epoch is mined: the estimate is shown with a caveat and raises no alert. */
    nextAdjustmentEarly: z.boolean().nullable().default(null),
    /** The latest retarget on or before D: its day and size. */
    lastAdjustmentDate: isoDate.nullable().default(null),
    lastAdjustmentPct: added,
    /** True when it happened on D and the data shows only part of it: the size is a lower bound. */
    lastAdjustmentAtLeast: z.boolean().nullable().default(null),
    lastAdjustmentSource: z.enum(['mempool', 'coinmetrics']).nullable().default(null),
    /** Last earlier retarget at least as large in the same direction; null when none (largest on record). */
    lastAdjustmentLargestSince: isoDate.nullable().default(null),
  }),
  blocks: z
    .object({
      /** Σ BlkCnt over W. */
      count7d: z.number().int().nonnegative().nullable().default(null),
      /** 7 × 86 400 ÷ count7d: the week's mean block interval, seconds (target 600). */
      meanIntervalSeconds7d: added,
    })
    .prefault({}),
  revenue: z.object({
    usdPerDay7d: n,
    btcPerDay7d: n,
    subsidyBtcPerDay7d: n,
    feesBtcPerDay7d: n,
    feeSharePct7d: pct,
    change7dPct: pct,
    /** What miners earned over W in all: Σ RevNtv (BTC) and Σ RevUSD (USD). */
    btcTotal7d: added,
    usdTotal7d: added,
  }),
  fees: z
    .object({
      /** Day of W with the highest daily fee share, that share, and its fees per block (BTC). */
      peakDay: isoDate.nullable().default(null),
      peakDaySharePct: added,
      peakDayBtcPerBlock: added,
      /** Medians of the daily fee share and fees per block over the 90 days before W. */
      norm90dSharePct: added,
      norm90dBtcPerBlock: added,
      /** peakDayBtcPerBlock ÷ norm90dBtcPerBlock. */
      peakMultipleOfNorm: added,
      /** A fee event: at least 3× the norm's fees per block, and fees at least 10% of that day's revenue. */
      spike: z.boolean().nullable().default(null),
    })
    .prefault({}),
  hashprice: z.object({
    usdPerPhDay: n,
    btcPerPhDay: n,
    change7dPct: pct,
    percentile: pct,
    lowestSince: isoDate.nullable(),
    /** True when no earlier day had a lower 7-day hashprice. */
    recordLow: z.boolean().nullable(),
    low52wUsdPerPhDay: n,
    high52wUsdPerPhDay: n,
    /** btcPerPhDay[D] vs [D−7], %. */
    btcChange7dPct: added,
    /** The as-of day alone: its revenue ÷ its hashrate (USD and BTC per PH/s per day). */
    spotUsdPerPhDay: added,
    spotBtcPerPhDay: added,
    /** % of days in the last 365 / 1461 days (D included) with a 7-day USD hashprice ≤ D's. */
    percentile1y: added,
    percentile4y: added,
    /** Lowest 7-day USD hashprice over the 365 / 1461 days ending D (D included), and its day. */
    low1yUsdPerPhDay: added,
    low1yDate: isoDate.nullable().default(null),
    low4yUsdPerPhDay: added,
    low4yDate: isoDate.nullable().default(null),
    /** Days from lowestSince to D; null for a record low. */
    lowestSinceDays: z.number().int().positive().nullable().default(null),
    /**
     * The week's move broken into its factors, each W vs the week before: hashprice (USD) =
     * revenue-weighted price × BTC revenue per day ÷ hashrate, so (1 + change) = (1 + price)(1 + revenue) ÷
     * (1 + hashrate). BTC revenue splits into subsidy and fees.
     */
    drivers: z
      .object({
        avgPriceChangePct: num,
        btcRevenueChangePct: num,
        subsidyBtcChangePct: num,
        feesBtcChangePct: num,
        hashrateChangePct: num,
      })
      .nullable()
      .default(null),
  }),
  miners: z.object({
    powerPriceUsdPerKwh: num,
    breakeven: z.array(breakevenTierSchema),
    underwaterSharePct: pct,
    /** Mining revenue per MWh consumed, for the fleet's most efficient tier. */
    miningRevenueUsdPerMwh: n,
    /**
     * Assumed AI/HPC hosting revenue per MWh of critical IT load in force on the as-of day; null before
     * such deals existed (June 2024), or when the operator turned the comparison off.
     */
    aiHostingUsdPerMwh: n,
    /** (AI hosting ÷ mining revenue per MWh − 1) × 100. */
    aiPremiumPct: pct,
    /**
     * `dated`: the ASIC generations shipping on the as-of day (newest and the two before it);
     * `configured`: the operator's own fleet, for every day. Absent in issues made before fleets were dated.
     */
    fleetBasis: z.enum(['dated', 'configured']).optional(),
    /** Where the AI/HPC rate comes from (the deals behind it), or why there is none. */
    aiHostingBasis: z.string().optional(),
  }),
  security: z.object({
    budgetUsdPerDay: n,
    budgetAnnualPctOfMarketCap: pct,
    attackCostUsdPerHour: n,
    /** Hardware to match the network's hashrate (hashrate × ASIC $/TH), USD. */
    capexAttackHardwareUsd: n,
    /** Energy for that hardware for one hour at the configured power price, USD. */
    capexAttackEnergyUsdPerHour: n,
    doubleSpend: z.array(doubleSpendSchema),
    /** Assumed new-generation ASIC price in force on the as-of day, USD per TH/s; null when none is modelled. */
    asicPriceUsdPerTh: n.optional(),
    /** Where that price comes from, or why there is none. */
    asicPriceBasis: z.string().optional(),
  }),
  pools: z.object({
    hhi: n,
    nakamotoCoefficient: z.number().int().positive().nullable(),
    topPoolSharePct: pct,
    top3SharePct: pct,
    unknownSharePct: pct,
    blockCount: z.number().int().nonnegative().nullable(),
    top: z.array(poolShareSchema),
    previousWeek: z
      .object({
        issueId: z.string(),
        hhi: n,
        nakamotoCoefficient: z.number().int().positive().nullable(),
        topPoolSharePct: pct,
      })
      .nullable(),
  }),
  halving: z.object({
    currentHeight: z.number().int().nonnegative().nullable(),
    nextHalvingHeight: z.number().int().positive().nullable(),
    blocksToHalving: z.number().int().nonnegative().nullable(),
    estimatedDate: isoDate.nullable(),
    currentSubsidyBtc: n,
    nextSubsidyBtc: n,
    feeSharePct: pct,
    currentFeesPerBlockBtc: n,
    /** Fees per block after the halving that keep BTC revenue per block unchanged. */
    feesPerBlockNeededBtc: n,
    /** Hashprice just after the next halving at today's price, hashrate and fees per block. */
    projectedHashpriceUsdPerPhDay: added,
    projectedHashpriceChangePct: added,
    /** The last halving on or before D (from the subsidy per block), and days since. */
    previousDate: isoDate.nullable().default(null),
    daysSincePrevious: z.number().int().nonnegative().nullable().default(null),
    /** What the last halving did, when it was at most 30 days ago: before = the 7 days before it. */
    afterPrevious: z
      .object({
        subsidyBeforeBtc: num,
        subsidyAfterBtc: num,
        /** Days after the halving day measured (1–7; 0 on the halving day, from its post-halving blocks). */
        daysMeasured: z.number().int().nonnegative(),
        revenueBtcPerBlockBefore: num,
        revenueBtcPerBlockAfter: n,
        hashpriceBeforeUsdPerPhDay: n,
        hashpriceAfterUsdPerPhDay: n,
        hashpriceChangePct: pct,
        feesPerBlockBeforeBtc: num,
        feesPerBlockAfterBtc: n,
        /** Fees per block that would restore the pre-halving BTC revenue per block. */
        feesPerBlockToOffsetBtc: num,
      })
      .nullable()
      .default(null),
    /**
     * Where currentHeight comes from: mempool's tip (the present), or Coin Metrics daily block counts from
     * a known height (past days, or when the tip is unavailable; good to a few blocks).
     */
    heightSource: z.enum(['mempool-tip', 'block-counts']).nullable().optional(),
  }),
  stress: z.object({
    priceDropPct: num,
    hashrateDropPct: num,
    hashpriceUsdPerPhDay: n,
    breakeven: z.array(breakevenTierSchema),
    underwaterTiers: z.number().int().nonnegative().nullable(),
    tiersTotal: z.number().int().nonnegative(),
    budgetUsdPerDay: n,
    attackCostUsdPerHour: n,
    capexAttackHardwareUsd: n,
    /** This cycle so far: the day of the halving that opened the current cycle (genesis for the first). */
    cycleStartDate: isoDate.nullable().optional(),
    /** Highest PriceUSD since cycleStartDate, and its first day. */
    cyclePricePeakUsd: n.optional(),
    cyclePricePeakDate: isoDate.nullable().optional(),
    /** (PriceUSD[D] ÷ cyclePricePeakUsd − 1) × 100: the actual fall so far, beside the assumed priceDropPct. */
    cyclePriceDrawdownPct: pct.optional(),
    /** Highest 7-day hashrate since cycleStartDate, EH/s, and its first day. */
    cycleHashratePeakEhs7d: n.optional(),
    cycleHashratePeakDate: isoDate.nullable().optional(),
    /** (hashrate.ehs7d ÷ cycleHashratePeakEhs7d − 1) × 100, beside the assumed hashrateDropPct. */
    cycleHashrateDrawdownPct: pct.optional(),
  }),
});

export const alertSchema = z.object({
  id: z.string(),
  severity: z.enum(['info', 'warning', 'critical']),
  message: z.string(),
  metricKeys: z.array(z.string()).min(1),
});

export const narrativeSentenceSchema = z.object({
  /** The story this sentence tells (e.g. `halving`, `hashprice-low`); stories are ranked, lead first. */
  story: z.string().min(1).default('story'),
  /** The story in a few words, for the subject line when it leads. */
  headline: z.string().min(1).default('hashbrief'),
  text: z.string().min(1),
  /** Dotted metric keys (e.g. `hashprice.usdPerPhDay`) the sentence is built from. */
  metricKeys: z.array(z.string()).min(1),
});

export const snapshotSchema = z.object({
  schemaVersion: z.literal(SNAPSHOT_SCHEMA_VERSION),
  issueId: z.string().regex(/^[A-Za-z0-9._-]+$/),
  asOf: isoDate,
  generatedAt: isoInstant,
  sample: z.boolean(),
  sources: z.array(sourceStatusSchema),
  metrics: metricsSchema,
  alerts: z.array(alertSchema),
  /**
   * Each alert rule's level on D (0 = not tripped; higher = rarer). An alert fires when its level rises
   * above the previous issue's; the next issue reads these back.
   */
  alertLevels: z.record(z.string(), z.number().int().nonnegative()).default({}),
  narrative: z.array(narrativeSentenceSchema),
  warnings: z.array(z.string()),
  attribution: z.string(),
});

export type Snapshot = z.infer<typeof snapshotSchema>;
export type Metrics = z.infer<typeof metricsSchema>;
export type Alert = z.infer<typeof alertSchema>;
export type NarrativeSentence = z.infer<typeof narrativeSentenceSchema>;
export type BreakevenTier = z.infer<typeof breakevenTierSchema>;
export type PoolShare = z.infer<typeof poolShareSchema>;
export type SourceStatus = z.infer<typeof sourceStatusSchema>;

/** One day of the series behind the charts and metrics.csv. */
export const chartRowSchema = z.object({
  date: isoDate,
  priceUsd: n,
  hashrateEhs: n,
  hashrateEhs7d: n,
  /** Difficulty in force that day, when known (mempool history), else null. */
  difficulty: n,
  revenueUsd: n,
  revenueBtc: n,
  feeSharePct: pct,
  hashpriceUsdPerPhDay7d: n,
  hashpriceBtcPerPhDay7d: n,
});
export type ChartRow = z.infer<typeof chartRowSchema>;

export const COINMETRICS_ATTRIBUTION =
  'Network and market data: Coin Metrics Community Data (coinmetrics.io), CC BY-NC 4.0. Pool and difficulty data: mempool.space.';
