/**
 * A short deterministic narrative built from the numbers: what changed this week and why it matters
 * for miners and for security. Every sentence lists the metric keys it is built from, and a sentence
 * whose inputs are null is left out rather than padded.
 */
import type { Metrics, NarrativeSentence } from '../snapshot/schema';
import { pct, upDown, usd, whole } from './format';

type Sentence = NarrativeSentence | null;

function market(m: Metrics): Sentence {
  const { usd: price, change7dPct, drawdownFromAthPct, athUsd, athDate } = m.price;
  if (price === null || change7dPct === null) return null;
  let text = `Bitcoin closed at ${usd(price)}, ${upDown(change7dPct)} on the week`;
  const keys = ['price.usd', 'price.change7dPct'];
  if (drawdownFromAthPct !== null && athUsd !== null && athDate !== null) {
    text +=
      drawdownFromAthPct < -0.05
        ? ` and ${pct(drawdownFromAthPct)} below its all-time high of ${usd(athUsd)} (${athDate})`
        : ', at its all-time high';
    keys.push('price.drawdownFromAthPct', 'price.athUsd');
  }
  return { text: `${text}.`, metricKeys: keys };
}

function hashprice(m: Metrics): Sentence {
  const h = m.hashprice;
  if (h.usdPerPhDay === null) return null;
  let text = `Hashprice, what 1 PH/s of hashing earns in a day, averaged ${usd(h.usdPerPhDay)} over the last 7 days`;
  const keys = ['hashprice.usdPerPhDay'];
  if (h.change7dPct !== null) {
    text += ` (${upDown(h.change7dPct)} on the week)`;
    keys.push('hashprice.change7dPct');
  }
  if (h.recordLow === true) {
    text += ', a record low';
    keys.push('hashprice.recordLow');
  } else if (h.lowestSince !== null && h.percentile !== null && h.percentile <= 50) {
    text += `, the lowest since ${h.lowestSince} and lower than ${pct(100 - h.percentile)} of all days on record`;
    keys.push('hashprice.lowestSince', 'hashprice.percentile');
  }
  return { text: `${text}.`, metricKeys: keys };
}

function hashrate(m: Metrics): Sentence {
  const { ehs7d, fromPeakPct, peakDate } = m.hashrate;
  if (ehs7d === null) return null;
  let text = `The network averaged ${whole(ehs7d)} EH/s`;
  const keys = ['hashrate.ehs7d'];
  if (fromPeakPct !== null && peakDate !== null) {
    text += fromPeakPct < -0.05 ? `, ${pct(fromPeakPct)} below its peak of ${peakDate}` : ', a new high';
    keys.push('hashrate.fromPeakPct');
  }
  const d = m.difficulty;
  if (d.nextAdjustmentPct !== null && d.nextAdjustmentDate !== null) {
    const how = d.nextAdjustmentSource === 'block-timing' ? 'estimated from block times at' : 'expected at';
    const sign = d.nextAdjustmentPct >= 0 ? '+' : '-';
    text += `; the next difficulty adjustment is ${how} ${sign}${pct(d.nextAdjustmentPct)} around ${d.nextAdjustmentDate}`;
    keys.push('difficulty.nextAdjustmentPct', 'difficulty.nextAdjustmentDate');
  }
  return { text: `${text}.`, metricKeys: keys };
}

function miners(m: Metrics): Sentence {
  const mi = m.miners;
  if (mi.underwaterSharePct === null || mi.miningRevenueUsdPerMwh === null) return null;
  const under = mi.breakeven.filter((t) => t.underwater === true).length;
  const best = mi.breakeven.reduce<(typeof mi.breakeven)[number] | null>(
    (b, t) => (b === null || t.jPerTh < b.jPerTh ? t : b),
    null,
  );
  const ai = mi.aiHostingUsdPerMwh;
  // No AI/HPC rate before such deals existed: say nothing about them rather than compare with nothing.
  const comparison =
    ai === null
      ? ''
      : ai > mi.miningRevenueUsdPerMwh
        ? `, less than the ${usd(ai)} per MWh assumed for AI/HPC hosting`
        : `, still more than the ${usd(ai)} per MWh assumed for AI/HPC hosting`;
  const tiers = mi.breakeven.length;
  const losing =
    under === 0
      ? `none of the ${tiers} listed ASIC tiers loses money on power alone`
      : under === tiers
        ? `all ${tiers} listed ASIC tiers lose money on power alone`
        : `${under} of the ${tiers} listed ASIC tiers ${under === 1 ? 'loses' : 'lose'} money on power alone`;
  const text =
    `At ${usd(mi.powerPriceUsdPerKwh)}/kWh, ${losing}; ` +
    `the most efficient (${best?.model ?? 'best tier'}) earns about ${usd(mi.miningRevenueUsdPerMwh)} per MWh from mining${comparison}.`;
  return {
    text,
    metricKeys: [
      'miners.powerPriceUsdPerKwh',
      'miners.breakeven',
      'miners.miningRevenueUsdPerMwh',
      ...(ai === null ? [] : ['miners.aiHostingUsdPerMwh']),
    ],
  };
}

function security(m: Metrics): Sentence {
  const s = m.security;
  if (s.budgetUsdPerDay === null || s.attackCostUsdPerHour === null) return null;
  let text = `The security budget, what miners earn, was ${usd(s.budgetUsdPerDay)} a day`;
  const keys = ['security.budgetUsdPerDay'];
  if (s.budgetAnnualPctOfMarketCap !== null) {
    text += ` (${s.budgetAnnualPctOfMarketCap.toFixed(2)}% of market cap a year)`;
    keys.push('security.budgetAnnualPctOfMarketCap');
  }
  text += `; matching the honest network for an hour is worth about ${usd(s.attackCostUsdPerHour)} in forgone revenue`;
  keys.push('security.attackCostUsdPerHour');
  if (s.capexAttackHardwareUsd !== null) {
    text += `, and buying the hardware would cost about ${usd(s.capexAttackHardwareUsd)}`;
    keys.push('security.capexAttackHardwareUsd');
  }
  return { text: `${text}.`, metricKeys: keys };
}

function pools(m: Metrics): Sentence {
  const p = m.pools;
  const top = p.top[0];
  if (top === undefined || p.topPoolSharePct === null) return null;
  let text = `${top.name} mined ${pct(p.topPoolSharePct)} of last week's blocks`;
  const keys = ['pools.topPoolSharePct'];
  if (p.nakamotoCoefficient !== null) {
    text += `, and ${p.nakamotoCoefficient} ${p.nakamotoCoefficient === 1 ? 'pool' : 'pools'} together mined more than half`;
    keys.push('pools.nakamotoCoefficient');
    const prev = p.previousWeek?.nakamotoCoefficient ?? null;
    if (prev !== null && prev !== p.nakamotoCoefficient) {
      text += ` (${prev} the week before)`;
      keys.push('pools.previousWeek');
    }
  }
  return { text: `${text}.`, metricKeys: keys };
}

/** 3–6 sentences (fewer only when inputs are missing), in a fixed order: market, miners, security. */
export function buildNarrative(metrics: Metrics): NarrativeSentence[] {
  return [market, hashprice, hashrate, miners, security, pools]
    .map((f) => f(metrics))
    .filter((s): s is NarrativeSentence => s !== null);
}
