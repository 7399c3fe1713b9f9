/**
 * Stress scenario: today's figures if price fell a further X% and hashrate Y% (configured shocks), shown
 * beside "this cycle so far", the falls from this halving cycle's highs that have actually happened.
 */
import type { Metrics } from '../snapshot/schema';
import type { AssumptionsOnDay } from './assumptions';
import type { CycleDrawdown } from './cycle';
import { breakevenTiers } from './miners';

export interface StressBase {
  usdPerPhDay: number | null;
  budgetUsdPerDay: number | null;
  capexAttackHardwareUsd: number | null;
  /** This cycle so far (see computeCycleDrawdown), passed through. */
  cycle: CycleDrawdown;
}

/**
 * BTC revenue per day is held fixed (difficulty retargets keep ~144 blocks/day, so issuance and, by
 * assumption, fees in BTC stay put); price scales USD revenue by (1 − X/100) and the smaller network
 * shares it among (1 − Y/100) of the hashrate:
 * - `hashpriceUsdPerPhDay` = usdPerPhDay × (1 − X/100) ÷ (1 − Y/100)
 * - `budgetUsdPerDay` = budget × (1 − X/100); `attackCostUsdPerHour` = that ÷ 24
 * - `capexAttackHardwareUsd` = capex × (1 − Y/100) (ASIC USD/TH unchanged)
 * - `breakeven[]`, `underwaterTiers` at the stressed hashprice, the as-of day's fleet and the configured
 *   power price
 * - `cycle…`: the actual drawdowns of this halving cycle, beside the assumed shocks
 */
export function computeStress(base: StressBase, assumptions: AssumptionsOnDay): Metrics['stress'] {
  const { priceDropPct, hashrateDropPct } = assumptions.stress;
  const priceFactor = 1 - priceDropPct / 100;
  const hashFactor = 1 - hashrateDropPct / 100;
  const hashprice = base.usdPerPhDay === null ? null : (base.usdPerPhDay * priceFactor) / hashFactor;
  const breakeven = breakevenTiers(hashprice, assumptions.asicTiers, assumptions.powerPriceUsdPerKwh);
  const budget = base.budgetUsdPerDay === null ? null : base.budgetUsdPerDay * priceFactor;
  return {
    priceDropPct,
    hashrateDropPct,
    hashpriceUsdPerPhDay: hashprice,
    breakeven,
    underwaterTiers:
      hashprice === null || breakeven.length === 0 ? null : breakeven.filter((t) => t.underwater).length,
    tiersTotal: breakeven.length,
    budgetUsdPerDay: budget,
    attackCostUsdPerHour: budget === null ? null : budget / 24,
    capexAttackHardwareUsd:
      base.capexAttackHardwareUsd === null ? null : base.capexAttackHardwareUsd * hashFactor,
    ...base.cycle,
  };
}
