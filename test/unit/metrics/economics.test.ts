import { describe, expect, it } from 'vitest';
import { assumptionsOn, defaultAssumptions } from '../../../src/metrics/assumptions';
import { nullCycleDrawdown } from '../../../src/metrics/cycle';
import { breakevenUsdPerKwh, computeMiners, miningRevenueUsdPerMwh } from '../../../src/metrics/miners';
import {
  capexAttackEnergyUsdPerHour,
  capexAttackHardwareUsd,
  computeSecurity,
} from '../../../src/metrics/security';
import { computeStress } from '../../../src/metrics/stress';

const DAY = '2026-11-23';
/** The defaults in force on DAY (dated fleet, ASIC price $15/TH, AI rate $190/MWh). */
const onDay = () => assumptionsOn(defaultAssumptions(), DAY);
/** A configured four-tier fleet (the pre-dating defaults), for hand-checked breakevens. */
const FOUR_TIERS = [
  { model: 'Antminer S21 XP', jPerTh: 13.5 },
  { model: 'Antminer S21', jPerTh: 17.5 },
  { model: 'Antminer S19 XP', jPerTh: 21.5 },
  { model: 'Antminer S19j Pro', jPerTh: 29.5 },
];

describe('miner economics', () => {
  it('derives breakeven from power draw: 1 PH/s at 20 J/TH is 20 kW, 480 kWh a day', () => {
    // 1000 TH/s × 20 J/TH = 20 000 W; × 24 h = 480 kWh; $48 ÷ 480 kWh = $0.10/kWh.
    expect(breakevenUsdPerKwh(48, 20)).toBeCloseTo(0.1, 15);
    // 480 kWh = 0.48 MWh; $48 ÷ 0.48 MWh = $100/MWh.
    expect(miningRevenueUsdPerMwh(48, 20)).toBeCloseTo(100, 12);
  });

  it('flags tiers whose breakeven is below the power price and compares with AI hosting', () => {
    const a = assumptionsOn(
      {
        ...defaultAssumptions(),
        asicTiers: [
          { model: 'New', jPerTh: 20 },
          { model: 'Old', jPerTh: 40 },
        ],
        aiHostingUsdPerMwh: 140,
      },
      DAY,
    );
    const { metrics, warnings } = computeMiners(48, a);
    // New: 0.10 $/kWh (profitable at 0.06); Old: 48 ÷ 960 = 0.05 $/kWh (underwater).
    expect(metrics.breakeven.map((t) => t.underwater)).toEqual([false, true]);
    expect(metrics.breakeven[1]?.breakevenUsdPerKwh).toBeCloseTo(0.05, 15);
    expect(metrics.underwaterSharePct).toBe(50);
    expect(metrics.miningRevenueUsdPerMwh).toBeCloseTo(100, 12);
    expect(metrics.aiPremiumPct).toBeCloseTo(40, 10); // 140 ÷ 100 − 1
    expect(metrics.fleetBasis).toBe('configured');
    expect(warnings).toEqual([]);
  });

  it('keeps the assumptions but nulls the results without a hashprice', () => {
    const { metrics, warnings } = computeMiners(null, onDay());
    expect(metrics.powerPriceUsdPerKwh).toBe(0.06);
    expect(metrics.breakeven.every((t) => t.breakevenUsdPerKwh === null && t.underwater === null)).toBe(true);
    expect(metrics.underwaterSharePct).toBeNull();
    expect(metrics.aiPremiumPct).toBeNull();
    expect(warnings).toHaveLength(1);
  });
});

describe('security', () => {
  it('prices matching 1000 EH/s: hardware and an hour of energy', () => {
    // 1000 EH/s = 1e9 TH/s × $15/TH = $15 billion.
    expect(capexAttackHardwareUsd(1000, 15)).toBeCloseTo(15e9, 3);
    // 1e9 TH/s × 13.5 J/TH = 13.5 GW → 13.5e6 kWh in an hour × $0.06 = $810 000.
    expect(capexAttackEnergyUsdPerHour(1000, 13.5, 0.06)).toBeCloseTo(810_000, 6);
  });

  it('computes the budget, its share of market cap and double-spend rows including the largest pool', () => {
    const { metrics, warnings } = computeSecurity(
      {
        revenueUsdPerDay7d: 40e6,
        marketCapUsd: 1.46e12,
        hashrateEhs7d: 1000,
        largestPool: { name: 'Foundry USA', sharePct: 30 },
      },
      onDay(),
    );
    expect(metrics.budgetUsdPerDay).toBe(40e6);
    expect(metrics.budgetAnnualPctOfMarketCap).toBeCloseTo(1, 12); // 40e6 × 365 ÷ 1.46e12 × 100
    expect(metrics.attackCostUsdPerHour).toBeCloseTo(40e6 / 24, 6);
    expect(metrics.capexAttackHardwareUsd).toBeCloseTo(15e9, 3);
    expect(metrics.asicPriceUsdPerTh).toBe(15);
    expect(metrics.doubleSpend.map((d) => d.attackerSharePct)).toEqual([10, 25, 40, 30]);
    expect(metrics.doubleSpend[3]?.label).toBe('largest pool (Foundry USA)');
    expect(metrics.doubleSpend[0]?.probabilityByConfirmations['6']).toBeCloseTo(0.0002428, 7);
    expect(warnings).toEqual([]);
  });

  it('leaves out the largest-pool row and says why when pool data is missing', () => {
    const { metrics, warnings } = computeSecurity(
      { revenueUsdPerDay7d: null, marketCapUsd: null, hashrateEhs7d: null, largestPool: null },
      onDay(),
    );
    expect(metrics.doubleSpend).toHaveLength(3);
    expect(metrics.budgetAnnualPctOfMarketCap).toBeNull();
    expect(metrics.capexAttackEnergyUsdPerHour).toBeNull();
    expect(warnings.some((w) => w.includes('largest-pool'))).toBe(true);
  });
});

describe('computeStress', () => {
  it('applies a further 38% price fall and 12% hashrate fall', () => {
    const s = computeStress(
      { usdPerPhDay: 48, budgetUsdPerDay: 40e6, capexAttackHardwareUsd: 15e9, cycle: nullCycleDrawdown() },
      assumptionsOn({ ...defaultAssumptions(), asicTiers: FOUR_TIERS }, DAY),
    );
    // 48 × 0.62 ÷ 0.88 = 33.8181…; breakevens at 13.5/17.5/21.5/29.5 J/TH: 0.104, 0.081, 0.066, 0.048.
    expect(s.hashpriceUsdPerPhDay).toBeCloseTo((48 * 0.62) / 0.88, 12);
    expect(s.underwaterTiers).toBe(1);
    expect(s.tiersTotal).toBe(4);
    expect(s.budgetUsdPerDay).toBeCloseTo(24.8e6, 4);
    expect(s.attackCostUsdPerHour).toBeCloseTo(24.8e6 / 24, 4);
    expect(s.capexAttackHardwareUsd).toBeCloseTo(13.2e9, 2);
  });

  it('passes nulls through', () => {
    const s = computeStress(
      { usdPerPhDay: null, budgetUsdPerDay: null, capexAttackHardwareUsd: null, cycle: nullCycleDrawdown() },
      onDay(),
    );
    expect(s.underwaterTiers).toBeNull();
    expect(s.budgetUsdPerDay).toBeNull();
  });
});
