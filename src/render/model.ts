/**
 * The issue's content model: built once from the snapshot, then drawn three ways (MJML email, web page,
 * plain text) so the parts can never disagree. Strings here are plain text, NOT escaped: each renderer
 * escapes for its own output. Links are already allow-listed (http(s) or our own relative paths).
 * Numbers are worded by src/text/numbers, the same functions the narrative uses.
 */
import { COINMETRICS_ATTRIBUTION, type Snapshot } from '../snapshot/schema';
import { safeHttpUrl } from '../text/escape';
import { hashpriceUsd, pctChange, usd } from '../text/numbers';
import { CHARTS, type ChartId } from './charts/catalog';
import type { Change, Tone } from './format';
import { headlineSection } from './sections/headline';
import { keyFiguresSection } from './sections/key-figures';
import { minerSection } from './sections/miners';
import { halvingSection, stressSection } from './sections/outlook';
import { securitySection } from './sections/security';
import { sourcesSection } from './sections/sources';

export type { Change, Tone };

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
  /** The headline number as one line, e.g. `Hashprice $38.92/PH/day (7-day average), −6.1% w/w`. */
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
/** The latest day's hashprice is shown beside the 7-day average when they differ by more than this, %. */
export const SPOT_SHOWN_PCT = 3;

/** `$37.25/PH/day (7-day avg), −9.9% w/w`, or null without a hashprice. */
function hashpriceSummary(s: Snapshot, withChange: boolean): string | null {
  const hp = s.metrics.hashprice;
  if (hp.usdPerPhDay === null) return null;
  const change = withChange && hp.change7dPct !== null ? `, ${pctChange(hp.change7dPct)} w/w` : '';
  return `${hashpriceUsd(hp.usdPerPhDay)} (7-day avg)${change}`;
}

/** The big line at the top: the 7-day hashprice, labelled as such, and the latest day when it differs. */
function headlineOf(s: Snapshot): string {
  const hp = s.metrics.hashprice;
  if (hp.usdPerPhDay !== null) {
    const ch = hp.change7dPct === null ? '' : `, ${pctChange(hp.change7dPct)} w/w`;
    let line = `Hashprice ${hashpriceUsd(hp.usdPerPhDay)} (7-day average)${ch}`;
    if (
      hp.spotUsdPerPhDay !== null &&
      Math.abs(hp.spotUsdPerPhDay / hp.usdPerPhDay - 1) * 100 > SPOT_SHOWN_PCT
    ) {
      line += `; latest day ${hashpriceUsd(hp.spotUsdPerPhDay)}`;
    }
    return line;
  }
  if (s.metrics.price.usd !== null) {
    const ch = s.metrics.price.change7dPct === null ? '' : `, ${pctChange(s.metrics.price.change7dPct)} w/w`;
    return `BTC ${usd(s.metrics.price.usd, 0)}${ch}; no hashprice this week`;
  }
  return 'No hashprice this week';
}

/** The subject carries the lead story, then the 7-day hashprice (its change too when hashprice leads). */
function subjectOf(s: Snapshot): string {
  const lead = s.narrative[0];
  const withChange = lead === undefined || lead.story === 'hashprice';
  const summary = hashpriceSummary(s, withChange);
  let text: string;
  if (lead === undefined) text = summary ? `Hashprice ${summary}` : headlineOf(s);
  else if (lead.story === 'hashprice') {
    text =
      summary === null
        ? lead.headline
        : lead.headline.startsWith('Hashprice $')
          ? `Hashprice ${summary}`
          : `${lead.headline}: ${summary}`;
  } else text = summary === null ? lead.headline : `${lead.headline}; hashprice ${summary}`;
  return `${s.sample ? `${SAMPLE_PREFIX} ` : ''}${text} \u2014 hashbrief ${s.issueId}`;
}

function preheaderOf(s: Snapshot): string {
  const m = s.metrics;
  const parts: string[] = [];
  if (m.price.usd !== null) {
    parts.push(
      `BTC ${usd(m.price.usd, 0)}${m.price.change7dPct === null ? '' : ` (${pctChange(m.price.change7dPct)} w/w)`}`,
    );
  }
  for (const n of s.narrative.slice(1, 3)) parts.push(n.headline);
  const serious = s.alerts.filter((a) => a.severity !== 'info').length;
  if (serious > 0) parts.push(`${serious} alert${serious === 1 ? '' : 's'}`);
  return `${s.sample ? `${SAMPLE_PREFIX} ` : ''}${parts.join(' \u00b7 ')}`;
}

function link(label: string, url: string | undefined): LinkItem {
  return { label, url: safeHttpUrl(url) };
}

/** Builds the content model for one issue. Pure: same snapshot and links, same model. */
export function buildIssueModel(input: ModelInput): IssueModel {
  const { snapshot: s, links, footer } = input;
  const attribution = [COINMETRICS_ATTRIBUTION];
  if (s.attribution.trim() && s.attribution.trim() !== COINMETRICS_ATTRIBUTION)
    attribution.push(s.attribution.trim());
  return {
    issueId: s.issueId,
    asOf: s.asOf,
    sample: s.sample,
    subject: subjectOf(s),
    preheader: preheaderOf(s),
    headline: headlineOf(s),
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
