/** Miner profitability: breakeven power price per ASIC tier, and mining vs AI/HPC hosting per MWh. */
import type { BreakevenTier, Metrics } from '../snapshot/schema';
import type { AsicTier, AssumptionsOnDay, FleetTier } from './assumptions';
import type { MetricResult } from './reasons';

/** Hours in a day: hashprice is per day, power prices per hour of use. */
const HOURS_PER_DAY = 24;

/**
 * Breakeven power price, USD/kWh: the price at which power eats all revenue.
 * 1 PH/s = 1000 TH/s draws 1000 × jPerTh W = jPerTh kW, so it uses 24 × jPerTh kWh per day and
 * breakeven = usdPerPhDay ÷ (24 × jPerTh).
 */
export function breakevenUsdPerKwh(usdPerPhDay: number, jPerTh: number): number {
  return usdPerPhDay / (HOURS_PER_DAY * jPerTh);
}

/**
 * Mining revenue per MWh of power consumed, USD/MWh: 1 PH/s uses 24 × jPerTh kWh = 24 × jPerTh ÷ 1000 MWh
 * per day, so revenue per MWh = usdPerPhDay ÷ (24 × jPerTh ÷ 1000) = 1000 × breakevenUsdPerKwh.
 */
export function miningRevenueUsdPerMwh(usdPerPhDay: number, jPerTh: number): number {
  return usdPerPhDay / ((HOURS_PER_DAY * jPerTh) / 1000);
}

/** Breakeven per tier at a hashprice (null hashprice → null breakevens), flagged underwater vs the power price. */
export function breakevenTiers(
  usdPerPhDay: number | null,
  tiers: readonly FleetTier[],
  powerPriceUsdPerKwh: number,
): BreakevenTier[] {
  return tiers.map((t) => {
    const breakeven = usdPerPhDay === null ? null : breakevenUsdPerKwh(usdPerPhDay, t.jPerTh);
    const tier: BreakevenTier = {
      model: t.model,
      jPerTh: t.jPerTh,
      breakevenUsdPerKwh: breakeven,
      underwater: breakeven === null ? null : powerPriceUsdPerKwh > breakeven,
    };
    if (t.note !== undefined) tier.note = t.note;
    if (t.availableFrom !== undefined) tier.availableFrom = t.availableFrom;
    return tier;
  });
}

/** The most efficient tier (lowest J/TH). */
export function mostEfficientTier(tiers: readonly AsicTier[]): AsicTier {
  return tiers.reduce((best, t) => (t.jPerTh < best.jPerTh ? t : best));
}

/**
 * - `breakeven[]` per tier of the fleet in force on the as-of day (USD/kWh), `underwater` = power price >
 *   breakeven; `fleetBasis` says whether the fleet is the dated default or configured
 * - `underwaterSharePct` = underwater tiers ÷ tiers × 100 (% of the listed tiers, not of the hashrate)
 * - `miningRevenueUsdPerMwh` for the most efficient tier; `aiPremiumPct` = (AI ÷ mining − 1) × 100, only
 *   on days with an AI/HPC hosting rate (`aiHostingUsdPerMwh` null before such deals existed)
 * - an empty fleet (before the first ASIC) leaves the results null with the reason
 */
export function computeMiners(
  usdPerPhDay: number | null,
  assumptions: AssumptionsOnDay,
): MetricResult<Metrics['miners']> {
  const tiers = assumptions.asicTiers;
  const breakeven = breakevenTiers(usdPerPhDay, tiers, assumptions.powerPriceUsdPerKwh);
  const ai = assumptions.aiHostingUsdPerMwh;
  const warnings: string[] = [];
  let underwaterSharePct: number | null = null;
  let revenuePerMwh: number | null = null;
  let aiPremiumPct: number | null = null;
  if (tiers.length === 0) {
    warnings.push(`miner economics unavailable: ${assumptions.fleetUnavailableReason ?? 'no ASIC fleet'}`);
  } else if (usdPerPhDay === null) {
    warnings.push('miner economics unavailable: no 7-day hashprice');
  } else {
    underwaterSharePct = (breakeven.filter((t) => t.underwater).length / tiers.length) * 100;
    revenuePerMwh = miningRevenueUsdPerMwh(usdPerPhDay, mostEfficientTier(tiers).jPerTh);
    if (ai === null) {
      // Nothing to compare with; the basis says why.
    } else if (revenuePerMwh > 0) aiPremiumPct = (ai / revenuePerMwh - 1) * 100;
    else warnings.push('miners.aiPremiumPct unavailable: mining revenue per MWh is zero');
  }
  if (ai === null) {
    warnings.push(
      `miners.aiHostingUsdPerMwh unavailable for ${assumptions.day}: ${assumptions.aiHostingBasis}`,
    );
  }
  return {
    metrics: {
      powerPriceUsdPerKwh: assumptions.powerPriceUsdPerKwh,
      breakeven,
      underwaterSharePct,
      miningRevenueUsdPerMwh: revenuePerMwh,
      aiHostingUsdPerMwh: ai,
      aiPremiumPct,
      fleetBasis: assumptions.fleetBasis,
      aiHostingBasis: assumptions.aiHostingBasis,
    },
    warnings,
  };
}
