/** Security: what the honest network earns, what matching it would cost, and double-spend odds. */
import type { Metrics } from '../snapshot/schema';
import type { AssumptionsOnDay } from './assumptions';
import { attackerSuccessProbability } from './double-spend';
import { mostEfficientTier } from './miners';
import type { MetricResult } from './reasons';

/** Confirmation counts reported in `doubleSpend[].probabilityByConfirmations`. */
export const CONFIRMATIONS = [1, 3, 6] as const;

/** Hardware to match `ehs` EH/s: ehs × 10⁶ TH/s × ASIC USD/TH, USD. */
export function capexAttackHardwareUsd(ehs: number, asicUsdPerTh: number): number {
  return ehs * 1e6 * asicUsdPerTh;
}

/**
 * Energy to run that hardware for one hour, USD: ehs × 10⁶ TH/s × jPerTh J/TH = W; × 1 h ÷ 1000 = kWh;
 * × USD/kWh.
 */
export function capexAttackEnergyUsdPerHour(
  ehs: number,
  jPerTh: number,
  powerPriceUsdPerKwh: number,
): number {
  return ((ehs * 1e6 * jPerTh) / 1000) * powerPriceUsdPerKwh;
}

/** One double-spend row: whitepaper §11 odds at 1, 3 and 6 confirmations for an attacker share in %. */
export function doubleSpendRow(
  label: string,
  attackerSharePct: number,
): Metrics['security']['doubleSpend'][number] {
  const q = attackerSharePct / 100;
  return {
    label,
    attackerSharePct,
    probabilityByConfirmations: {
      '1': attackerSuccessProbability(q, 1),
      '3': attackerSuccessProbability(q, 3),
      '6': attackerSuccessProbability(q, 6),
    },
  };
}

export interface SecurityInputs {
  /** = revenue.usdPerDay7d, USD/day. */
  revenueUsdPerDay7d: number | null;
  /** CapMrktCurUSD[D], USD. */
  marketCapUsd: number | null;
  /** 7-day mean hashrate, EH/s. */
  hashrateEhs7d: number | null;
  /** The week's largest identified pool, when pool data is available. */
  largestPool: { name: string; sharePct: number } | null;
}

/**
 * - `budgetUsdPerDay` = revenue.usdPerDay7d (USD/day)
 * - `budgetAnnualPctOfMarketCap` = budgetUsdPerDay × 365 ÷ CapMrktCurUSD[D] × 100 (%/year)
 * - `attackCostUsdPerHour` = budgetUsdPerDay ÷ 24 (USD/h)
 * - `capexAttackHardwareUsd` = hashrate TH/s × ASIC USD/TH (the price in force on the as-of day,
 *   `asicPriceUsdPerTh`); `capexAttackEnergyUsdPerHour` as above, at the fleet's most efficient tier and
 *   the configured power price (null when no price or no fleet is modelled for the day)
 * - `doubleSpend[]` for the configured attacker shares plus the largest pool's share
 */
export function computeSecurity(
  input: SecurityInputs,
  assumptions: AssumptionsOnDay,
): MetricResult<Metrics['security']> {
  const warnings: string[] = [];
  const budget = input.revenueUsdPerDay7d;
  if (budget === null) warnings.push('security budget unavailable: no 7-day miner revenue');
  let annualPct: number | null = null;
  if (budget !== null) {
    if (input.marketCapUsd !== null && input.marketCapUsd > 0)
      annualPct = ((budget * 365) / input.marketCapUsd) * 100;
    else warnings.push('security.budgetAnnualPctOfMarketCap unavailable: no market cap for the as-of day');
  }
  const ehs = input.hashrateEhs7d;
  if (ehs === null) warnings.push('capex attack cost unavailable: no 7-day hashrate');
  const price = assumptions.asicPriceUsdPerTh;
  if (ehs !== null && price === null) {
    warnings.push(`security.capexAttackHardwareUsd unavailable: ${assumptions.asicPriceBasis}`);
  }
  const tiers = assumptions.asicTiers;
  if (ehs !== null && tiers.length === 0) {
    warnings.push(
      `security.capexAttackEnergyUsdPerHour unavailable: ${assumptions.fleetUnavailableReason ?? 'no ASIC fleet'}`,
    );
  }
  const doubleSpend = assumptions.doubleSpendAttackerSharesPct.map((s) =>
    doubleSpendRow(`${s}% attacker`, s),
  );
  if (input.largestPool !== null) {
    const { name, sharePct } = input.largestPool;
    doubleSpend.push(doubleSpendRow(`largest pool (${name})`, sharePct));
  } else {
    warnings.push('security.doubleSpend: no largest-pool row (pool data unavailable)');
  }
  return {
    metrics: {
      budgetUsdPerDay: budget,
      budgetAnnualPctOfMarketCap: annualPct,
      attackCostUsdPerHour: budget === null ? null : budget / 24,
      capexAttackHardwareUsd: ehs === null || price === null ? null : capexAttackHardwareUsd(ehs, price),
      capexAttackEnergyUsdPerHour:
        ehs === null || tiers.length === 0
          ? null
          : capexAttackEnergyUsdPerHour(
              ehs,
              mostEfficientTier(tiers).jPerTh,
              assumptions.powerPriceUsdPerKwh,
            ),
      doubleSpend,
      asicPriceUsdPerTh: price,
      asicPriceBasis: assumptions.asicPriceBasis,
    },
    warnings,
  };
}
