/**
 * Reports about past days: the assumptions and the block height must be those of that day. Hand-made
 * series only (the real Coin Metrics history is checked in test/integration/metrics).
 */
import { describe, expect, it } from 'vitest';
import type { HashrateHistory, ReportInputs } from '../../../src/contracts/report-inputs';
import { defaultAssumptions } from '../../../src/metrics/assumptions';
import { candidateStories } from '../../../src/metrics/narrative';
import { buildSnapshot } from '../../../src/metrics/snapshot';
import { failed, inputsFor, ok, seriesFromRows, shiftDay, steadyDay } from '../../fixtures/metrics/builders';

/** `days` steady days (144 blocks each) ending on `asOf`. */
function steadySeries(asOf: string, days: number, price = 60_000, hashrateThs = 1e9) {
  const rows = Array.from({ length: days }, () => steadyDay(price, hashrateThs));
  return seriesFromRows(shiftDay(asOf, 1 - days), rows);
}

/** The snapshot of a report on `asOf` over ten steady days, with mempool sources as given (else skipped). */
function reportOn(
  asOf: string,
  day: { price?: number; hashrateThs?: number } = {},
  sources: Partial<ReportInputs> = {},
) {
  const series = steadySeries(asOf, 10, day.price, day.hashrateThs);
  const context = { issueId: asOf, generatedAt: '2026-11-24T06:00:00Z' };
  return buildSnapshot(inputsFor(series, asOf, sources), defaultAssumptions(), context).snapshot;
}

describe('a past report uses the assumptions of its own day', () => {
  it('models a mid-2017 fleet with the machines shipping then (S9, S7, S5), not 2024 ones', () => {
    const snapshot = reportOn('2017-06-30', { price: 2500, hashrateThs: 6e6 });
    const models = snapshot.metrics.miners.breakeven.map((t) => t.model);
    expect(models).toEqual(['Antminer S9', 'Antminer S7', 'Antminer S5']);
    expect(snapshot.metrics.stress.breakeven.map((t) => t.model)).toEqual(models);
  });

  it('flags the S9 underwater at a March-2020-like hashprice instead of saying no tier loses money', () => {
    // (450 + 10 BTC) × $5,000 a day over 28 750 PH/s = $80 per PH/s per day.
    // S9 98 J/TH: 80 ÷ (24 × 98) = $0.034/kWh < $0.06 → underwater; S17 45 J/TH: $0.074 → profitable.
    const asOf = '2020-03-13';
    const m = reportOn(asOf, { price: 5000, hashrateThs: 28.75e6 }).metrics;
    expect(m.hashprice.usdPerPhDay).toBeCloseTo(80, 9);
    const s9 = m.miners.breakeven.find((t) => t.model === 'Antminer S9');
    expect(s9?.underwater).toBe(true);
    expect(m.miners.breakeven.find((t) => t.model === 'Antminer S17')?.underwater).toBe(false);
    const squeeze = candidateStories(m, asOf).find((s) => s.story === 'miner-squeeze')?.text ?? '';
    expect(squeeze).not.toMatch(/none of the/);
    expect(squeeze).toMatch(
      /2 of 3 modelled machine types lose money on power alone \(Antminer S15, Antminer S9\)/,
    );
  });

  it('leaves the AI/HPC comparison out of a 2020 report and says why', () => {
    const snapshot = reportOn('2020-03-13', { price: 5000, hashrateThs: 28.75e6 });
    expect(snapshot.metrics.miners.aiHostingUsdPerMwh).toBeNull();
    expect(snapshot.metrics.miners.aiPremiumPct).toBeNull();
    expect(snapshot.narrative.map((s) => s.text).join(' ')).not.toMatch(/AI/);
    expect(snapshot.warnings.join(' ')).toMatch(
      /no AI\/HPC hosting leases by bitcoin miners before June 2024/,
    );
  });
});

describe('a past report counts block height to the end of its day', () => {
  // mempool retarget at height 935 424 at 06:00 UTC on 2026-11-20 (a quarter into a 144-block day):
  // about round(143 × 0.25) = 36 blocks of that day came before it, 107 after. End of 2026-11-23:
  // 935 424 + 107 + 3 × 144 = 935 963.
  const asOf = '2026-11-23';
  const retarget = {
    date: '2026-11-20',
    height: 935_424,
    difficulty: 1.5e14,
    adjustmentRatio: 1,
    time: '2026-11-20T06:00:00.000Z',
  };
  const history: HashrateHistory = {
    hashrates: [],
    difficulty: [retarget],
    currentHashrateHs: null,
    currentDifficulty: null,
  };

  it("counts the retarget day's own blocks after the retarget", () => {
    const { halving } = reportOn(asOf, {}, { hashrateHistory: ok(history) }).metrics;
    expect(halving.currentHeight).toBe(935_963);
    expect(halving.blocksToHalving).toBe(1_050_000 - 935_963);
  });

  it("puts the retarget day's blocks into the epoch for the block-timing retarget estimate", () => {
    const { difficulty } = reportOn(
      asOf,
      {},
      { hashrateHistory: ok(history), difficultyAdjustment: failed('HTTP 503') },
    ).metrics;
    // 935 963 − 935 424 = 539 blocks in the epoch; 2016 − 539 = 1477 to go.
    expect(difficulty.nextAdjustmentSource).toBe('block-timing');
    expect(difficulty.blocksToAdjustment).toBe(1477);
  });

  it('knows the 2024 halving is still ahead on 2024-04-19 and behind on 2024-04-20, without mempool', () => {
    // Built-in anchor: block 840 000 came at 00:09:27 UTC on 2024-04-20, after round(129 × 567/86400) = 1
    // other block of that day, so 2024-04-19 ended at 839 998.
    const before = reportOn('2024-04-19').metrics.halving;
    expect(before.currentHeight).toBe(839_998);
    expect(before.blocksToHalving).toBe(2);
    expect(before.currentSubsidyBtc).toBe(6.25);
    const on = reportOn('2024-04-20').metrics.halving;
    expect(on.currentHeight).toBe(839_998 + 144);
    expect(on.currentSubsidyBtc).toBe(3.125);
    expect(on.nextHalvingHeight).toBe(1_050_000);
  });
});
