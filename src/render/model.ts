/**
 * The issue's content model: built once from the snapshot, then drawn three ways (MJML email, web page,
 * plain text) so the parts can never disagree. Strings here are plain text, NOT escaped: each renderer
 * escapes for its own output. Links are already allow-listed (http(s) or our own relative paths).
 */
import { COINMETRICS_ATTRIBUTION, type Snapshot } from '../snapshot/schema';
import { CHARTS, type ChartId } from './charts/catalog';
import { safeHttpUrl } from './escape';
import {
  ARROWS,
  btc,
  difficultyT,
  direction,
  num,
  pct,
  pctChange,
  ppChange,
  probability,
  UNAVAILABLE,
  usd,
  usdCompact,
  utcMinute,
} from './format';

/** Colour intent; renderers also print the sign or a word, so colour is never the only signal. */
export type Tone = 'good' | 'bad' | 'neutral' | 'muted';

export interface Change {
  /** `+4.2%`, `−1.0 pp` or `unavailable`. */
  text: string;
  /** ▲ ▼ ▬, or empty when unavailable. */
  arrow: string;
  tone: Tone;
}

export interface Figure {
  label: string;
  value: string;
  change: Change | null;
}

export interface Column {
  label: string;
  align: 'left' | 'right';
}

export interface Row {
  cells: string[];
  tone?: Tone;
}

export interface LinkItem {
  label: string;
  /** http(s) URL (allow-listed) or null when the configured link was refused or absent. */
  url: string | null;
}

export interface AlertItem {
  severity: 'info' | 'warning' | 'critical';
  message: string;
}

export type Block =
  | { kind: 'paragraphs'; paragraphs: string[] }
  | { kind: 'figures'; caption: string; changeLabel: string; figures: Figure[] }
  | { kind: 'table'; caption: string; columns: Column[]; rows: Row[] }
  | { kind: 'chart'; chart: ChartId; alt: string; caption: string }
  | { kind: 'alerts'; alerts: AlertItem[] }
  | { kind: 'links'; links: LinkItem[] }
  | { kind: 'notes'; notes: string[] };

export interface Section {
  id: string;
  title: string;
  blocks: Block[];
}

export interface IssueLinksModel {
  issueUrl: string | null;
  snapshotUrl: string | null;
  csvUrl: string | null;
  archiveIndexUrl: string | null;
  subscribeUrl: string | null;
}

export interface IssueModel {
  issueId: string;
  asOf: string;
  sample: boolean;
  subject: string;
  preheader: string;
  /** The headline number as one line, e.g. `Hashprice $38.9/PH/day, −6.1% w/w`. */
  headline: string;
  /** Line under the masthead: issue and data date. */
  dateline: string;
  sampleNotice: string | null;
  sections: Section[];
  links: IssueLinksModel;
  postalAddress: string;
  /** Coin Metrics credit (always present) plus the snapshot's own attribution when it differs. */
  attribution: string[];
  /** Greeting on the public web version, where no subscriber is known. */
  neutralGreeting: string;
}

export interface ModelInput {
  snapshot: Snapshot;
  links: {
    issueUrl: string;
    snapshotUrl: string;
    csvUrl: string;
    archiveIndexUrl: string;
    subscribeUrl?: string;
  };
  footer: { postalAddress: string };
}

const SAMPLE_PREFIX = '[SAMPLE DATA, not live]';

function change(value: number | null, kind: 'pct' | 'pp' = 'pct'): Change {
  if (value === null) return { text: UNAVAILABLE, arrow: '', tone: 'muted' };
  const dir = direction(value);
  return {
    text: kind === 'pct' ? pctChange(value) : ppChange(value),
    arrow: ARROWS[dir],
    tone: dir === 'up' ? 'good' : dir === 'down' ? 'bad' : 'neutral',
  };
}

/** Hashprice in its usual unit, one decimal as desks quote it. */
function hashpriceText(value: number | null): string {
  return value === null ? UNAVAILABLE : `${usd(value, 1)}/PH/day`;
}

function perPh(text: string): string {
  return text === UNAVAILABLE ? text : `${text}/PH/day`;
}

function ehs(value: number | null): string {
  return value === null ? UNAVAILABLE : `${num(value, 1)} EH/s`;
}

function perKwh(value: number | null): string {
  return value === null ? UNAVAILABLE : `${usd(value, 3)}/kWh`;
}

function headlineOf(s: Snapshot): string {
  const hp = s.metrics.hashprice;
  if (hp.usdPerPhDay !== null) {
    const ch = hp.change7dPct === null ? '' : `, ${pctChange(hp.change7dPct)} w/w`;
    return `Hashprice ${hashpriceText(hp.usdPerPhDay)}${ch}`;
  }
  if (s.metrics.price.usd !== null) {
    const ch = s.metrics.price.change7dPct === null ? '' : `, ${pctChange(s.metrics.price.change7dPct)} w/w`;
    return `BTC ${usd(s.metrics.price.usd, 0)}${ch}; hashprice unavailable`;
  }
  return 'Hashprice unavailable this week';
}

function preheaderOf(s: Snapshot): string {
  const m = s.metrics;
  const parts = [
    `BTC ${usd(m.price.usd, 0)} (${pctChange(m.price.change7dPct)} w/w)`,
    `hashrate ${ehs(m.hashrate.ehs7d)}`,
    `security budget ${usdCompact(m.security.budgetUsdPerDay)}/day`,
  ];
  const serious = s.alerts.filter((a) => a.severity !== 'info').length;
  if (serious > 0) parts.push(`${serious} alert${serious === 1 ? '' : 's'}`);
  return `${s.sample ? `${SAMPLE_PREFIX} ` : ''}${parts.join(' · ')}`;
}

function link(label: string, url: string | undefined): LinkItem {
  return { label, url: safeHttpUrl(url) };
}

function headlineSection(s: Snapshot): Section {
  const paragraphs = s.narrative.map((n) => n.text);
  return {
    id: 'headline',
    title: 'This week',
    blocks: [
      { kind: 'paragraphs', paragraphs: paragraphs.length ? paragraphs : ['No narrative this week.'] },
      ...(s.alerts.length
        ? [
            {
              kind: 'alerts' as const,
              alerts: [...s.alerts]
                .sort((a, b) => severityRank(b.severity) - severityRank(a.severity))
                .map((a) => ({ severity: a.severity, message: a.message })),
            },
          ]
        : []),
    ],
  };
}

function severityRank(severity: 'info' | 'warning' | 'critical'): number {
  return severity === 'critical' ? 2 : severity === 'warning' ? 1 : 0;
}

function keyFiguresSection(s: Snapshot): Section {
  const m = s.metrics;
  const prev = m.pools.previousWeek;
  const topPoolChange =
    prev && prev.topPoolSharePct !== null && m.pools.topPoolSharePct !== null
      ? change(m.pools.topPoolSharePct - prev.topPoolSharePct, 'pp')
      : change(null);
  const figures: Figure[] = [
    { label: 'BTC price', value: usd(m.price.usd, 0), change: change(m.price.change7dPct) },
    {
      label: 'Hashprice',
      value: hashpriceText(m.hashprice.usdPerPhDay),
      change: change(m.hashprice.change7dPct),
    },
    { label: 'Hashprice in BTC', value: perPh(btc(m.hashprice.btcPerPhDay)), change: null },
    { label: 'Hashrate, 7-day mean', value: ehs(m.hashrate.ehs7d), change: change(m.hashrate.change7dPct) },
    {
      label: 'Miner revenue per day',
      value: usdCompact(m.revenue.usdPerDay7d),
      change: change(m.revenue.change7dPct),
    },
    { label: 'Fee share of revenue', value: pct(m.revenue.feeSharePct7d), change: null },
    {
      label: 'Next difficulty adjustment',
      value:
        m.difficulty.nextAdjustmentPct === null ? UNAVAILABLE : pctChange(m.difficulty.nextAdjustmentPct),
      change: null,
    },
    { label: 'Largest pool share', value: pct(m.pools.topPoolSharePct), change: topPoolChange },
  ];
  return {
    id: 'key-figures',
    title: 'Key figures',
    blocks: [{ kind: 'figures', caption: 'Key figures, 7-day means', changeLabel: 'w/w', figures }],
  };
}

function minerSection(s: Snapshot): Section {
  const m = s.metrics;
  const hp = m.hashprice;
  const mi = m.miners;
  const standing =
    hp.recordLow === true
      ? 'a record low.'
      : hp.lowestSince
        ? `the lowest since ${hp.lowestSince}.`
        : hp.percentile !== null
          ? `at the ${num(hp.percentile, 0)}th percentile of its history.`
          : 'its rank in history is unavailable.';
  const intro = [
    `Hashprice is ${hashpriceText(hp.usdPerPhDay)} (${perPh(btc(hp.btcPerPhDay))}), ${standing}`,
    `52-week range: ${hashpriceText(hp.low52wUsdPerPhDay)} to ${hashpriceText(hp.high52wUsdPerPhDay)}.`,
    `At a power price of ${perKwh(mi.powerPriceUsdPerKwh)}, ${pct(mi.underwaterSharePct, 0)} of the modelled fleet is underwater.`,
  ];
  return {
    id: 'miner-economics',
    title: 'Miner economics',
    blocks: [
      { kind: 'paragraphs', paragraphs: intro },
      {
        kind: 'chart',
        chart: 'price-hashprice',
        alt: `Line chart, last 12 months: BTC price (left axis) and 7-day hashprice in USD per PH per day (right axis). Latest: price ${usd(m.price.usd, 0)}, hashprice ${hashpriceText(hp.usdPerPhDay)}.`,
        caption: 'BTC price and hashprice, 12 months',
      },
      {
        kind: 'table',
        caption: `Breakeven power price by ASIC tier (vs ${perKwh(mi.powerPriceUsdPerKwh)})`,
        columns: [
          { label: 'Tier', align: 'left' },
          { label: 'J/TH', align: 'right' },
          { label: 'Breakeven', align: 'right' },
          { label: 'Status', align: 'right' },
        ],
        rows: mi.breakeven.map((t) => ({
          cells: [
            t.model,
            num(t.jPerTh, 1),
            perKwh(t.breakevenUsdPerKwh),
            t.underwater === null ? UNAVAILABLE : t.underwater ? 'underwater' : 'profitable',
          ],
          tone: t.underwater === null ? 'muted' : t.underwater ? 'bad' : 'good',
        })),
      },
      {
        kind: 'chart',
        chart: 'breakeven',
        alt: `Bar chart: breakeven power price in USD per kWh for ${mi.breakeven.length} ASIC tiers, against the configured power price of ${perKwh(mi.powerPriceUsdPerKwh)}.`,
        caption: 'Breakeven by tier vs power price',
      },
      mi.aiHostingUsdPerMwh === null
        ? {
            // Before AI/HPC hosting deals existed there is nothing to compare with: say so.
            kind: 'table',
            caption: 'Mining revenue per MWh (no AI/HPC hosting comparison for this date)',
            columns: [
              { label: 'Use of a megawatt-hour', align: 'left' },
              { label: 'USD/MWh', align: 'right' },
            ],
            rows: [
              { cells: ['Mining (most efficient tier)', usd(mi.miningRevenueUsdPerMwh, 0)] },
              {
                cells: [`AI hosting: ${mi.aiHostingBasis ?? 'no rate for this date'}`, UNAVAILABLE],
                tone: 'muted',
              },
            ],
          }
        : {
            kind: 'table',
            caption: 'Mining vs AI hosting, revenue per MWh',
            columns: [
              { label: 'Use of a megawatt-hour', align: 'left' },
              { label: 'USD/MWh', align: 'right' },
            ],
            rows: [
              { cells: ['Mining (most efficient tier)', usd(mi.miningRevenueUsdPerMwh, 0)] },
              { cells: ['AI hosting (assumed rate)', usd(mi.aiHostingUsdPerMwh, 0)] },
              { cells: ['AI premium over mining', pctChange(mi.aiPremiumPct, 0)], tone: 'neutral' },
            ],
          },
    ],
  };
}

function securitySection(s: Snapshot): Section {
  const m = s.metrics;
  const sec = m.security;
  const pools = m.pools;
  const prev = pools.previousWeek;
  const poolRows = pools.top.map((p, i) => ({
    cells: [`${i + 1}. ${p.name}`, num(p.blocks), pct(p.sharePct)],
  }));
  if (pools.unknownSharePct !== null) {
    const blocks =
      pools.blockCount === null ? '' : num(Math.round((pools.blockCount * pools.unknownSharePct) / 100));
    poolRows.push({ cells: ['Unidentified miners', blocks, pct(pools.unknownSharePct)] });
  }
  const concentration = [
    `Pool concentration (HHI, 0 to 10,000): ${num(pools.hhi, 0)}${prev ? ` (previous week ${num(prev.hhi, 0)})` : ''}.`,
    `Nakamoto coefficient: ${pools.nakamotoCoefficient ?? UNAVAILABLE}${prev ? ` (previous week ${prev.nakamotoCoefficient ?? UNAVAILABLE})` : ''}: the fewest pools that together found more than half of the week's ${num(pools.blockCount)} blocks.`,
    `Top pool ${pct(pools.topPoolSharePct)}, top three ${pct(pools.top3SharePct)}.`,
  ];
  return {
    id: 'network-security',
    title: 'Network security',
    blocks: [
      {
        kind: 'figures',
        caption: 'Security budget and attack cost',
        changeLabel: '',
        figures: [
          { label: 'Security budget per day', value: usdCompact(sec.budgetUsdPerDay), change: null },
          {
            label: 'Budget per year, share of market cap',
            value: pct(sec.budgetAnnualPctOfMarketCap, 2),
            change: null,
          },
          {
            label: 'Rent-the-network attack, per hour',
            value: usdCompact(sec.attackCostUsdPerHour),
            change: null,
          },
          {
            label: 'Hardware to match the hashrate',
            value: usdCompact(sec.capexAttackHardwareUsd),
            change: null,
          },
          {
            label: 'Energy for that hardware, per hour',
            value: usdCompact(sec.capexAttackEnergyUsdPerHour),
            change: null,
          },
        ],
      },
      {
        kind: 'chart',
        chart: 'hashrate-difficulty',
        alt: `Line chart, last 12 months: 7-day mean hashrate in EH/s (left axis) with the difficulty in force (right axis, step line). Latest hashrate ${ehs(m.hashrate.ehs7d)}, difficulty ${difficultyT(m.difficulty.current)}.`,
        caption: 'Hashrate (7-day mean) and difficulty, 12 months',
      },
      {
        kind: 'table',
        caption: 'Double-spend success odds by confirmations',
        columns: [
          { label: 'Attacker', align: 'left' },
          { label: '1 conf', align: 'right' },
          { label: '3 conf', align: 'right' },
          { label: '6 conf', align: 'right' },
        ],
        rows: sec.doubleSpend.map((d) => ({
          cells: [
            `${d.label} (${pct(d.attackerSharePct, 0)})`,
            probability(d.probabilityByConfirmations['1']),
            probability(d.probabilityByConfirmations['3']),
            probability(d.probabilityByConfirmations['6']),
          ],
        })),
      },
      { kind: 'paragraphs', paragraphs: concentration },
      {
        kind: 'table',
        caption: "Largest pools, share of the week's blocks",
        columns: [
          { label: 'Pool', align: 'left' },
          { label: 'Blocks', align: 'right' },
          { label: 'Share', align: 'right' },
        ],
        rows: poolRows,
      },
      {
        kind: 'chart',
        chart: 'pools',
        alt: `Bar chart: share of last week's blocks by pool. ${pools.top
          .slice(0, 3)
          .map((p) => `${p.name} ${pct(p.sharePct)}`)
          .join(
            ', ',
          )}${pools.top.length ? ', then other pools and unidentified miners.' : 'Pool data unavailable.'}`,
        caption: 'Pool shares of last week’s blocks',
      },
    ],
  };
}

function halvingSection(s: Snapshot): Section {
  const h = s.metrics.halving;
  const blocksToHalving = h.blocksToHalving === null ? UNAVAILABLE : `${num(h.blocksToHalving)} blocks`;
  return {
    id: 'halving',
    title: 'Halving and fee outlook',
    blocks: [
      {
        kind: 'paragraphs',
        paragraphs: [
          `The next halving, at height ${num(h.nextHalvingHeight)}, is ${blocksToHalving} away (estimated ${h.estimatedDate ?? UNAVAILABLE}). The subsidy drops from ${btc(h.currentSubsidyBtc)} to ${btc(h.nextSubsidyBtc)} per block.`,
        ],
      },
      {
        kind: 'table',
        caption: 'What fees would have to do',
        columns: [
          { label: 'Measure', align: 'left' },
          { label: 'Value', align: 'right' },
        ],
        rows: [
          { cells: ['Current height', num(h.currentHeight)] },
          { cells: ['Fee share of revenue', pct(h.feeSharePct)] },
          { cells: ['Fees per block now', btc(h.currentFeesPerBlockBtc)] },
          {
            cells: ['Fees per block needed after the halving', btc(h.feesPerBlockNeededBtc)],
            tone: 'neutral',
          },
        ],
      },
    ],
  };
}

function stressSection(s: Snapshot): Section {
  const m = s.metrics;
  const st = m.stress;
  const underwater = st.breakeven.filter((t) => t.underwater === true).map((t) => t.model);
  return {
    id: 'stress',
    title: 'Stress scenario',
    blocks: [
      {
        kind: 'paragraphs',
        paragraphs: [
          `If the price fell ${pct(st.priceDropPct, 0)} and hashrate ${pct(st.hashrateDropPct, 0)}, ${st.underwaterTiers ?? UNAVAILABLE} of ${st.tiersTotal} ASIC tiers would be underwater${underwater.length ? ` (${underwater.join(', ')})` : ''}.`,
        ],
      },
      {
        kind: 'table',
        caption: 'Today vs stressed',
        columns: [
          { label: 'Measure', align: 'left' },
          { label: 'Today', align: 'right' },
          { label: 'Stressed', align: 'right' },
        ],
        rows: [
          {
            cells: [
              'Hashprice',
              hashpriceText(m.hashprice.usdPerPhDay),
              hashpriceText(st.hashpriceUsdPerPhDay),
            ],
          },
          {
            cells: [
              'Security budget / day',
              usdCompact(m.security.budgetUsdPerDay),
              usdCompact(st.budgetUsdPerDay),
            ],
          },
          {
            cells: [
              'Attack cost / hour',
              usdCompact(m.security.attackCostUsdPerHour),
              usdCompact(st.attackCostUsdPerHour),
            ],
          },
          {
            cells: [
              'Attack hardware',
              usdCompact(m.security.capexAttackHardwareUsd),
              usdCompact(st.capexAttackHardwareUsd),
            ],
          },
        ],
      },
    ],
  };
}

function sourcesSection(s: Snapshot): Section {
  const notes = [
    ...s.sources
      .filter((src) => src.status !== 'ok')
      .map((src) => `${src.name} ${src.status}: ${src.reason ?? 'no reason given'}`),
    ...s.warnings,
  ];
  return {
    id: 'sources',
    title: 'Data sources',
    blocks: [
      {
        kind: 'table',
        caption: 'Where this issue’s numbers come from',
        columns: [
          { label: 'Source', align: 'left' },
          { label: 'Status', align: 'left' },
          { label: 'Fetched', align: 'right' },
        ],
        rows: s.sources.map((src) => ({
          cells: [src.name, src.status, utcMinute(src.fetchedAt)],
          tone: src.status === 'ok' ? undefined : src.status === 'failed' ? 'bad' : 'muted',
        })),
      },
      {
        kind: 'notes',
        notes: notes.length
          ? ['Unavailable or incomplete this week:', ...notes]
          : ['All data was available this week.'],
      },
    ],
  };
}

/** Builds the content model for one issue. Pure: same snapshot and links, same model. */
export function buildIssueModel(input: ModelInput): IssueModel {
  const { snapshot: s, links, footer } = input;
  const headline = headlineOf(s);
  const subject = `${s.sample ? `${SAMPLE_PREFIX} ` : ''}${headline} \u2014 hashbrief ${s.issueId}`;
  const attribution = [COINMETRICS_ATTRIBUTION];
  if (s.attribution.trim() && s.attribution.trim() !== COINMETRICS_ATTRIBUTION)
    attribution.push(s.attribution.trim());
  return {
    issueId: s.issueId,
    asOf: s.asOf,
    sample: s.sample,
    subject,
    preheader: preheaderOf(s),
    headline,
    dateline: `Issue ${s.issueId} \u00b7 data to ${s.asOf} (UTC)`,
    sampleNotice: s.sample
      ? 'SAMPLE DATA, not live: no upstream was reachable, so this issue was built from bundled sample data. Do not act on these numbers.'
      : null,
    sections: [
      headlineSection(s),
      keyFiguresSection(s),
      minerSection(s),
      securitySection(s),
      halvingSection(s),
      stressSection(s),
      sourcesSection(s),
    ],
    links: {
      issueUrl: link('issue', links.issueUrl).url,
      snapshotUrl: link('snapshot', links.snapshotUrl).url,
      csvUrl: link('csv', links.csvUrl).url,
      archiveIndexUrl: link('archive', links.archiveIndexUrl).url,
      subscribeUrl: link('subscribe', links.subscribeUrl).url,
    },
    postalAddress: footer.postalAddress,
    attribution,
    neutralGreeting: 'Hello,',
  };
}

/** The download and archive links in reading order; refused links are left out by the renderers. */
export function linkList(model: IssueModel): LinkItem[] {
  return [
    { label: 'Read this issue on the web', url: model.links.issueUrl },
    { label: 'Download the data (snapshot.json)', url: model.links.snapshotUrl },
    { label: 'Download the series (metrics.csv)', url: model.links.csvUrl },
    { label: 'All issues (archive)', url: model.links.archiveIndexUrl },
  ];
}

export { CHARTS };
