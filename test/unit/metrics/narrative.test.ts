import { describe, expect, it } from 'vitest';
import { buildNarrative } from '../../../src/metrics/narrative';
import type { BreakevenTier, Metrics } from '../../../src/snapshot/schema';
import { fixtureSnapshot } from '../../fixtures/render/fixture';

/** The miner-economics sentence for a fleet where `underwater` tiers of four lose money. */
function minersSentence(underwater: number): string {
  const metrics: Metrics = structuredClone(fixtureSnapshot().metrics);
  metrics.miners.breakeven = [13.5, 17.5, 21.5, 29.5].map(
    (jPerTh, i): BreakevenTier => ({
      model: `Tier ${i + 1}`,
      jPerTh,
      breakevenUsdPerKwh: 0.05,
      underwater: i >= 4 - underwater,
    }),
  );
  metrics.miners.underwaterSharePct = (underwater / 4) * 100;
  const sentence = buildNarrative(metrics).find((s) => s.metricKeys.includes('miners.breakeven'));
  if (!sentence) throw new Error('no miner-economics sentence');
  return sentence.text;
}

describe('narrative: miner economics sentence', () => {
  it('says "none" rather than "0 of the 4" when every tier covers its power', () => {
    expect(minersSentence(0)).toContain('none of the 4 listed ASIC tiers loses money on power alone');
  });

  it('counts the tiers underwater, with the verb agreeing', () => {
    expect(minersSentence(1)).toContain('1 of the 4 listed ASIC tiers loses money');
    expect(minersSentence(3)).toContain('3 of the 4 listed ASIC tiers lose money');
  });

  it('says "all" when every tier is underwater', () => {
    expect(minersSentence(4)).toContain('all 4 listed ASIC tiers lose money on power alone');
  });
});
