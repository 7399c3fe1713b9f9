import { describe, expect, it } from 'vitest';
import { assumptionsOn, defaultAssumptions } from '../../../src/metrics/assumptions';
import { nullCycleDrawdown } from '../../../src/metrics/cycle';
import {
  breakevenTiers,
  breakevenUsdPerKwh,
  computeMiners,
  miningRevenueUsdPerMwh,
} from '../../../src/metrics/miners';
import { computeStress } from '../../../src/metrics/stress';

const DAY = '2026-11-23';

describe('breakevenTiers', () => {
  it('is not underwater when the power price equals the breakeven exactly', () => {
    const breakeven = breakevenUsdPerKwh(48, 20);
    const [tier] = breakevenTiers(48, [{ model: 'A', jPerTh: 20 }], breakeven);
    expect(tier?.underwater).toBe(false);
    const [dearer] = breakevenTiers(48, [{ model: 'A', jPerTh: 20 }], breakeven * 1.000001);
    expect(dearer?.underwater).toBe(true);
  });

  it('carries a dated tier’s note and first-shipment day, and adds neither to a configured tier', () => {
    const dated = assumptionsOn(defaultAssumptions(), DAY).asicTiers;
    const tiers = breakevenTiers(48, [...dated, { model: 'Mine', jPerTh: 20 }], 0.06);

    for (const [i, source] of dated.entries()) {
      expect(tiers[i]?.note).toBe(source.note);
      expect(tiers[i]?.availableFrom).toBe(source.availableFrom);
    }
    expect(tiers.at(-1)).toStrictEqual({
      model: 'Mine',
      jPerTh: 20,
      breakevenUsdPerKwh: breakevenUsdPerKwh(48, 20),
      underwater: false,
    });
  });
});

describe('computeMiners', () => {
  const fleet = (aiHostingUsdPerMwh?: number | null) =>
    assumptionsOn(
      {
        ...defaultAssumptions(),
        asicTiers: [
          { model: 'Old', jPerTh: 40 },
          { model: 'New', jPerTh: 20 },
        ],
        ...(aiHostingUsdPerMwh === undefined ? {} : { aiHostingUsdPerMwh }),
      },
      DAY,
    );

  it('compares AI hosting with the most efficient tier even when it is not listed first', () => {
    const { metrics } = computeMiners(48, fleet(140));
    // New: $48 ÷ 0.48 MWh = $100/MWh; Old would give $50.
    expect(metrics.miningRevenueUsdPerMwh).toBeCloseTo(100, 12);
    expect(metrics.miningRevenueUsdPerMwh).toBe(miningRevenueUsdPerMwh(48, 20));
    expect(metrics.aiPremiumPct).toBeCloseTo(40, 10);
  });

  it('has no AI premium over zero mining revenue, and says why', () => {
    const { metrics, warnings } = computeMiners(0, fleet(140));
    expect(metrics.miningRevenueUsdPerMwh).toBe(0);
    expect(metrics.aiPremiumPct).toBeNull();
    expect(metrics.underwaterSharePct).toBe(100);
    expect(warnings).toEqual(['miners.aiPremiumPct unavailable: mining revenue per MWh is zero']);
  });

  it('says there is no hashprice, and no AI rate, when both are missing', () => {
    const { warnings } = computeMiners(null, fleet(null));
    expect(warnings).toEqual([
      'miner economics unavailable: no 7-day hashprice',
      `miners.aiHostingUsdPerMwh unavailable for ${DAY}: AI/HPC comparison turned off (configured in HASHBRIEF_ASSUMPTIONS_JSON)`,
    ]);
  });

  it('has no results before the first ASIC and gives the fleet’s reason', () => {
    const onDay = assumptionsOn(defaultAssumptions(), '2012-06-01');
    const { metrics, warnings } = computeMiners(48, onDay);
    expect(metrics.breakeven).toEqual([]);
    expect(metrics.underwaterSharePct).toBeNull();
    expect(metrics.miningRevenueUsdPerMwh).toBeNull();
    expect(warnings[0]).toBe(`miner economics unavailable: ${onDay.fleetUnavailableReason}`);
  });

  it('still says why for an empty fleet that comes without a reason', () => {
    // AssumptionsOnDay is a public shape: a caller may pass an empty fleet and no reason.
    const onDay = {
      ...assumptionsOn(defaultAssumptions(), DAY),
      asicTiers: [],
      fleetUnavailableReason: null,
    };
    expect(computeMiners(48, onDay).warnings[0]).toBe('miner economics unavailable: no ASIC fleet');
  });
});

describe('computeStress', () => {
  it('has no stressed figures where the base has none, and no tier count without a fleet', () => {
    const s = computeStress(
      { usdPerPhDay: 48, budgetUsdPerDay: null, capexAttackHardwareUsd: null, cycle: nullCycleDrawdown() },
      assumptionsOn(defaultAssumptions(), '2012-06-01'),
    );
    expect(s.hashpriceUsdPerPhDay).toBeCloseTo((48 * 0.62) / 0.88, 12);
    expect(s.tiersTotal).toBe(0);
    expect(s.underwaterTiers).toBeNull();
    expect(s.budgetUsdPerDay).toBeNull();
    expect(s.attackCostUsdPerHour).toBeNull();
    expect(s.capexAttackHardwareUsd).toBeNull();
  });
});
