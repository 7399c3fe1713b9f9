import { describe, expect, it } from 'vitest';
import { assumptionsOn, defaultAssumptions } from '../../../src/metrics/assumptions';
import { attackerSuccessProbability } from '../../../src/metrics/double-spend';
import {
  capexAttackEnergyUsdPerHour,
  computeSecurity,
  type SecurityInputs,
} from '../../../src/metrics/security';

const DAY = '2026-11-23';
const full: SecurityInputs = {
  revenueUsdPerDay7d: 40e6,
  marketCapUsd: 1.46e12,
  hashrateEhs7d: 1000,
  largestPool: { name: 'Foundry USA', sharePct: 30 },
};
/** A configured fleet whose most efficient tier (13.5 J/TH) is not listed first. */
const FLEET = [
  { model: 'Old', jPerTh: 29.5 },
  { model: 'Best', jPerTh: 13.5 },
  { model: 'Mid', jPerTh: 17.5 },
];
const configured = (day = DAY) => assumptionsOn({ ...defaultAssumptions(), asicTiers: FLEET }, day);

describe('computeSecurity', () => {
  it('prices an hour of energy at the most efficient tier of the fleet, wherever it is listed', () => {
    const { metrics, warnings } = computeSecurity(full, configured());
    // 1000 EH/s = 1e9 TH/s × 13.5 J/TH = 13.5 GW; an hour = 13.5e6 kWh × $0.06 = $810,000.
    expect(metrics.capexAttackEnergyUsdPerHour).toBeCloseTo(810_000, 6);
    expect(metrics.capexAttackEnergyUsdPerHour).toBe(capexAttackEnergyUsdPerHour(1000, 13.5, 0.06));
    expect(metrics.attackCostUsdPerHour).toBeCloseTo(40e6 / 24, 6);
    expect(warnings).toEqual([]);
  });

  it('labels each configured attacker row with its share and adds the largest pool', () => {
    const { metrics } = computeSecurity(full, configured());
    expect(metrics.doubleSpend.map((row) => row.label)).toEqual([
      '10% attacker',
      '25% attacker',
      '40% attacker',
      'largest pool (Foundry USA)',
    ]);
    expect(metrics.doubleSpend[3]?.probabilityByConfirmations).toEqual({
      '1': attackerSuccessProbability(0.3, 1),
      '3': attackerSuccessProbability(0.3, 3),
      '6': attackerSuccessProbability(0.3, 6),
    });
  });

  it('says why each figure is missing when nothing is known', () => {
    const { metrics, warnings } = computeSecurity(
      { revenueUsdPerDay7d: null, marketCapUsd: 1.46e12, hashrateEhs7d: null, largestPool: null },
      configured(),
    );
    expect(metrics).toMatchObject({
      budgetUsdPerDay: null,
      budgetAnnualPctOfMarketCap: null,
      attackCostUsdPerHour: null,
      capexAttackHardwareUsd: null,
      capexAttackEnergyUsdPerHour: null,
    });
    expect(warnings).toEqual([
      'security budget unavailable: no 7-day miner revenue',
      'capex attack cost unavailable: no 7-day hashrate',
      'security.doubleSpend: no largest-pool row (pool data unavailable)',
    ]);
  });

  it('gives only the hashrate’s reason for the capex figures when the hashrate is missing', () => {
    // 2012: neither an ASIC price nor a fleet is modelled, but without a hashrate that is beside the point.
    const { warnings } = computeSecurity(
      { ...full, hashrateEhs7d: null },
      assumptionsOn(defaultAssumptions(), '2012-06-01'),
    );
    expect(warnings).toEqual(['capex attack cost unavailable: no 7-day hashrate']);
  });

  it('has no share of market cap without a positive market cap', () => {
    for (const marketCapUsd of [null, 0]) {
      const { metrics, warnings } = computeSecurity({ ...full, marketCapUsd }, configured());
      expect(metrics.budgetAnnualPctOfMarketCap).toBeNull();
      expect(metrics.budgetUsdPerDay).toBe(40e6);
      expect(warnings).toEqual([
        'security.budgetAnnualPctOfMarketCap unavailable: no market cap for the as-of day',
      ]);
    }
  });

  it('has no hardware cost on a day without an ASIC price, and says so with the basis', () => {
    // mid-2015: ASICs shipped, but no ASIC price is modelled before mid-2016.
    const onDay = configured('2015-06-01');
    const { metrics, warnings } = computeSecurity(full, onDay);
    expect(onDay.asicPriceUsdPerTh).toBeNull();
    expect(metrics.capexAttackHardwareUsd).toBeNull();
    expect(metrics.capexAttackEnergyUsdPerHour).toBeCloseTo(810_000, 6);
    expect(warnings).toEqual([`security.capexAttackHardwareUsd unavailable: ${onDay.asicPriceBasis}`]);
  });

  it('has no energy cost before the first ASIC, and gives the fleet’s reason', () => {
    const onDay = assumptionsOn(defaultAssumptions(), '2012-06-01');
    const { metrics, warnings } = computeSecurity(full, onDay);
    expect(onDay.asicTiers).toEqual([]);
    expect(metrics.capexAttackEnergyUsdPerHour).toBeNull();
    expect(warnings).toContain(
      `security.capexAttackEnergyUsdPerHour unavailable: ${onDay.fleetUnavailableReason}`,
    );
    expect(onDay.fleetUnavailableReason).toMatch(/^no ASIC fleet is modelled before 2013-01-31 \(Avalon/);
  });

  it('still says why there is no energy cost for an empty fleet that comes without a reason', () => {
    // AssumptionsOnDay is a public shape: a caller may pass an empty fleet and no reason.
    const onDay = { ...configured(), asicTiers: [], fleetUnavailableReason: null };
    expect(computeSecurity(full, onDay).warnings).toEqual([
      'security.capexAttackEnergyUsdPerHour unavailable: no ASIC fleet',
    ]);
  });
});
