/** Supporting stories: pools, the security budget, the miner squeeze, AI economics, and the week's rewards. */
import { btc, minutesSeconds, num, pct, pctAbs, perKwh, usd, usdCompact } from '../../text/numbers';
import type { Story, StoryBuilder } from './types';

/** Pool concentration, and its change from the previous issue. */
export const poolsStory: StoryBuilder = (m): Story | null => {
  const p = m.pools;
  const top = p.top[0];
  if (top === undefined || p.topPoolSharePct === null) return null;
  let text = `${top.name} mined ${pct(p.topPoolSharePct)} of the week's blocks`;
  const keys = ['pools.top', 'pools.topPoolSharePct'];
  let score = p.topPoolSharePct > 30 ? 50 : 25;
  if (p.nakamotoCoefficient !== null) {
    const nc = p.nakamotoCoefficient;
    text += `, and ${nc} ${nc === 1 ? 'pool' : 'pools'} together mined more than half`;
    keys.push('pools.nakamotoCoefficient');
    const prev = p.previousWeek?.nakamotoCoefficient ?? null;
    if (prev !== null && prev !== nc) {
      text += ` (${prev} the week before)`;
      keys.push('pools.previousWeek');
      score = Math.max(score, 55);
    }
  }
  return {
    story: 'pools',
    score,
    headline: `${top.name} ${pct(p.topPoolSharePct)} of blocks`,
    text: `${text}.`,
    metricKeys: keys,
  };
};

/** What miners earned, and what that buys in security. */
export const securityStory: StoryBuilder = (m): Story | null => {
  const s = m.security;
  if (s.budgetUsdPerDay === null || s.attackCostUsdPerHour === null) return null;
  let text = `The security budget, what miners earn, was ${usdCompact(s.budgetUsdPerDay)} a day`;
  const keys = ['security.budgetUsdPerDay'];
  if (s.budgetAnnualPctOfMarketCap !== null) {
    text += ` (${pct(s.budgetAnnualPctOfMarketCap, 2)} of bitcoin's market value a year)`;
    keys.push('security.budgetAnnualPctOfMarketCap');
  }
  text += `; matching the network's hashrate for an hour would forgo about ${usdCompact(s.attackCostUsdPerHour)} of that revenue`;
  keys.push('security.attackCostUsdPerHour');
  if (s.capexAttackHardwareUsd !== null) {
    text += `, and buying the machines would cost about ${usdCompact(s.capexAttackHardwareUsd)} at an assumed price per TH/s`;
    keys.push('security.capexAttackHardwareUsd');
  }
  return {
    story: 'security',
    score: 28,
    headline: `Security budget ${usdCompact(s.budgetUsdPerDay)} a day`,
    text: `${text}.`,
    metricKeys: keys,
  };
};

/** How many modelled machine types lose money at the assumed power price. */
export const minerSqueezeStory: StoryBuilder = (m): Story | null => {
  const mi = m.miners;
  if (mi.miningRevenueUsdPerMwh === null || mi.breakeven.length === 0) return null;
  if (mi.breakeven.some((t) => t.underwater === null)) return null;
  const under = mi.breakeven.filter((t) => t.underwater === true);
  const total = mi.breakeven.length;
  const best = mi.breakeven.reduce((b, t) => (t.jPerTh < b.jPerTh ? t : b));
  const count =
    under.length === 0
      ? `none of the ${total} modelled machine types loses money on power alone`
      : under.length === total
        ? `all ${total} modelled machine types lose money on power alone`
        : `${under.length} of ${total} modelled machine types ${under.length === 1 ? 'loses' : 'lose'} money on power alone (${under.map((t) => t.model).join(', ')})`;
  const text = `At an assumed power price of ${perKwh(mi.powerPriceUsdPerKwh)}, ${count}; the most efficient, the ${best.model} at ${num(best.jPerTh, 1)} J/TH, earns about ${usd(mi.miningRevenueUsdPerMwh, 0)} per MWh from mining.`;
  return {
    story: 'miner-squeeze',
    score: Math.min(60, 35 + 8 * under.length),
    headline: `${under.length} of ${total} machine types underwater`,
    text,
    metricKeys: ['miners.powerPriceUsdPerKwh', 'miners.breakeven', 'miners.miningRevenueUsdPerMwh'],
  };
};

/** Mining against an assumed AI/HPC hosting lease, per MWh (only from the year such leases exist). */
export const aiEconomicsStory: StoryBuilder = (m): Story | null => {
  const mi = m.miners;
  const ai: number | null = mi.aiHostingUsdPerMwh;
  if (ai === null || mi.miningRevenueUsdPerMwh === null || mi.aiPremiumPct === null) return null;
  const premium = mi.aiPremiumPct;
  const text =
    premium > 0
      ? `An AI/HPC hosting lease, at an assumed ${usd(ai, 0)} per MWh, pays ${pctAbs(premium)} more than the most efficient machine earns from mining.`
      : `Mining still pays more per MWh than the ${usd(ai, 0)} assumed for an AI/HPC hosting lease (${pctAbs(premium)} more).`;
  return {
    story: 'ai-economics',
    score: premium >= 50 ? 40 : 26,
    headline: 'AI hosting pays more than mining',
    text,
    metricKeys: ['miners.aiHostingUsdPerMwh', 'miners.miningRevenueUsdPerMwh', 'miners.aiPremiumPct'],
  };
};

/** The week's rewards, blocks and block time: what a desk reports every week. */
export const rewardsStory: StoryBuilder = (m): Story | null => {
  const r = m.revenue;
  const b = m.blocks;
  if (
    r.btcTotal7d === null ||
    r.usdTotal7d === null ||
    b.count7d === null ||
    b.meanIntervalSeconds7d === null
  ) {
    return null;
  }
  let text = `Miners earned ${btc(r.btcTotal7d)} (${usdCompact(r.usdTotal7d)}) over the 7 days from ${num(b.count7d)} blocks, one every ${minutesSeconds(b.meanIntervalSeconds7d)} on average`;
  const keys = ['revenue.btcTotal7d', 'revenue.usdTotal7d', 'blocks.count7d', 'blocks.meanIntervalSeconds7d'];
  if (r.feeSharePct7d !== null) {
    text += `; fees were ${pct(r.feeSharePct7d)} of it`;
    keys.push('revenue.feeSharePct7d');
  }
  return {
    story: 'rewards',
    score: 32,
    headline: `Miners earned ${btc(r.btcTotal7d)}`,
    text: `${text}.`,
    metricKeys: keys,
  };
};
