/**
 * Network security: what the budget buys, attack costs, double-spend odds, and pool concentration with
 * its change from the previous issue.
 */
import type { Snapshot } from '../../snapshot/schema';
import { difficultyT, hashrateEhs, num, pct, probability, usd, usdCompact } from '../../text/numbers';
import { figureColumns } from '../columns';
import type { Block, Section } from '../model';
import { type MaybeFigure, maybe, missingSentence, presentFigures } from './missing';

/** "An attacker with 10% of the hashrate", or "Foundry USA, the largest pool (29.1%)". */
function attackerLabel(d: Snapshot['metrics']['security']['doubleSpend'][number]): string {
  const pool = /^largest pool \((.+)\)$/.exec(d.label);
  if (pool) return `${pool[1]}, the largest pool (${pct(d.attackerSharePct)})`;
  return `${pct(d.attackerSharePct, 0)} of the hashrate`;
}

function poolBlocks(s: Snapshot): Block[] {
  const pools = s.metrics.pools;
  const prev = pools.previousWeek;
  if (pools.top.length === 0 || pools.blockCount === null) {
    const past = s.sources.some((src) => src.name === 'mempool-pools-1w' && src.status === 'skipped');
    return [
      {
        kind: 'paragraphs',
        paragraphs: [
          past
            ? 'Pool shares are not shown: mempool.space reports only the current week, and this issue describes an earlier one.'
            : 'Pool shares are not available for this issue: mempool.space did not answer.',
        ],
      },
    ];
  }
  const rows = pools.top.map((p, i) => ({ cells: [`${i + 1}. ${p.name}`, num(p.blocks), pct(p.sharePct)] }));
  if (pools.unknownSharePct !== null) {
    rows.push({
      cells: [
        'Unidentified miners',
        num(Math.round((pools.blockCount * pools.unknownSharePct) / 100)),
        pct(pools.unknownSharePct),
      ],
    });
  }
  const was = (value: string | null) => (prev && value !== null ? ` (previous week ${value})` : '');
  const concentration: string[] = [];
  if (pools.hhi !== null) {
    concentration.push(
      `Pool concentration (HHI, 0 to 10,000): ${num(pools.hhi)}${was(prev ? maybe(prev.hhi, (v) => num(v)) : null)}.`,
    );
  }
  if (pools.nakamotoCoefficient !== null) {
    concentration.push(
      `Nakamoto coefficient: ${pools.nakamotoCoefficient}${was(prev ? maybe(prev.nakamotoCoefficient, String) : null)}, the fewest pools that together found more than half of the week's ${num(pools.blockCount)} blocks.`,
    );
  }
  if (pools.topPoolSharePct !== null && pools.top3SharePct !== null) {
    concentration.push(`Top pool ${pct(pools.topPoolSharePct)}, top three ${pct(pools.top3SharePct)}.`);
  }
  return [
    { kind: 'paragraphs', paragraphs: concentration },
    {
      kind: 'table',
      caption: "Largest pools, share of the week's blocks",
      columns: figureColumns('Pool', 'Blocks', 'Share'),
      rows,
    },
    {
      kind: 'chart',
      chart: 'pools',
      alt: `Bar chart: share of the week's blocks by pool. ${pools.top
        .slice(0, 3)
        .map((p) => `${p.name} ${pct(p.sharePct)}`)
        .join(', ')}, then other pools and unidentified miners.`,
      caption: 'Pool shares of the week’s blocks',
    },
  ];
}

export function securitySection(s: Snapshot): Section {
  const m = s.metrics;
  const sec = m.security;
  const candidates: MaybeFigure[] = [
    {
      label: 'Security budget per day (miner revenue)',
      value: maybe(sec.budgetUsdPerDay, usdCompact),
      change: null,
      missingAs: 'the security budget',
    },
    {
      label: 'Budget per year, share of market cap',
      value: maybe(sec.budgetAnnualPctOfMarketCap, (v) => pct(v, 2)),
      change: null,
      missingAs: 'its share of market cap',
    },
    {
      label: 'Revenue forgone to match the network for an hour',
      value: maybe(sec.attackCostUsdPerHour, usdCompact),
      change: null,
      missingAs: 'the hourly attack cost',
    },
    {
      label:
        sec.asicPriceUsdPerTh === null || sec.asicPriceUsdPerTh === undefined
          ? 'Machines to match the hashrate'
          : `Machines to match the hashrate (at an assumed ${usd(sec.asicPriceUsdPerTh, 0)}/TH)`,
      value: maybe(sec.capexAttackHardwareUsd, usdCompact),
      change: null,
      missingAs: 'the hardware cost',
    },
    {
      label: 'Power for those machines, per hour (assumed $/kWh)',
      value: maybe(sec.capexAttackEnergyUsdPerHour, usdCompact),
      change: null,
      missingAs: 'the power cost',
    },
  ];
  const { figures, missing } = presentFigures(candidates);
  const blocks: Block[] = [];
  if (figures.length)
    blocks.push({ kind: 'figures', caption: 'Security budget and attack cost', changeLabel: '', figures });
  if (m.hashrate.ehs7d !== null) {
    blocks.push({
      kind: 'chart',
      chart: 'hashrate-difficulty',
      alt: `Line chart, up to the last 12 months: 7-day average hashrate (left axis) with the difficulty in force (right axis, step line). Latest hashrate ${hashrateEhs(m.hashrate.ehs7d)}${m.difficulty.current === null ? '' : `, difficulty ${difficultyT(m.difficulty.current)}`}.`,
      caption: 'Hashrate (7-day average) and difficulty',
    });
  }
  blocks.push({
    kind: 'table',
    caption: 'Double-spend success odds by confirmations (whitepaper §11)',
    columns: figureColumns('Attacker', '1 conf', '3 conf', '6 conf'),
    rows: sec.doubleSpend.map((d) => ({
      cells: [
        attackerLabel(d),
        probability(d.probabilityByConfirmations['1']),
        probability(d.probabilityByConfirmations['3']),
        probability(d.probabilityByConfirmations['6']),
      ],
    })),
  });
  blocks.push(...poolBlocks(s));
  const sentence = missingSentence(missing);
  if (sentence) blocks.push({ kind: 'paragraphs', paragraphs: [sentence] });
  return { id: 'network-security', title: 'Network security', blocks };
}
