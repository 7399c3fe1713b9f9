/**
 * Data sources in a reader's words: each source by name with its status, each problem stated once, no
 * internal ids or metric keys. The full diagnostics stay in snapshot.json (`sources`, `warnings`).
 */
import type { Snapshot, SourceStatus } from '../../snapshot/schema';
import { utcMinute } from '../format';
import type { Section } from '../model';

/** A source's name as a reader knows it, and what the issue does without it. */
const SOURCES: Record<string, { name: string; without: string }> = {
  'coinmetrics-asset-metrics': {
    name: 'Coin Metrics daily network data',
    without: 'price, hashrate, revenue and hashprice are missing',
  },
  'mempool-pools-1w': { name: 'mempool.space mining pools (7 days)', without: 'pool shares are missing' },
  'mempool-difficulty-adjustment': {
    name: 'mempool.space difficulty adjustment',
    without: 'the next adjustment is estimated here from block times',
  },
  'mempool-hashrate': {
    name: 'mempool.space difficulty history',
    without: 'difficulty figures come from Coin Metrics',
  },
  'mempool-tip-height': {
    name: 'mempool.space block height',
    without: 'the block height is counted from Coin Metrics block counts',
  },
  'mempool-reward-stats': { name: 'mempool.space block rewards', without: 'fees are not cross-checked' },
  'mempool-prices': { name: 'mempool.space price', without: 'the price is not cross-checked' },
};

export function sourceName(name: string): string {
  return SOURCES[name]?.name ?? name;
}

const STATUS_WORDS: Record<SourceStatus['status'], string> = {
  ok: 'received',
  failed: 'failed',
  skipped: 'not used',
};

/** Skipped because the issue describes a past day: said once for all of them. */
const PAST_DAY = /past as-of day|describes only the present|only describes the present/i;

function notes(s: Snapshot): string[] {
  const out: string[] = [];
  const skippedPast = s.sources.filter((src) => src.status === 'skipped' && PAST_DAY.test(src.reason ?? ''));
  if (skippedPast.length > 0) {
    out.push(
      `This issue describes ${s.asOf}, a past day: mempool.space reports only the present, so its data was not used. Difficulty figures come from Coin Metrics instead, and pool shares are not shown.`,
    );
  }
  for (const src of s.sources) {
    if (src.status === 'ok' || skippedPast.includes(src)) continue;
    const known = SOURCES[src.name];
    const why = src.reason ? ` (${src.reason})` : '';
    const verb = src.status === 'failed' ? 'failed' : 'was not used';
    out.push(`${known?.name ?? src.name} ${verb}${why}${known ? `, so ${known.without}` : ''}.`);
  }
  return out;
}

export function sourcesSection(s: Snapshot): Section {
  const problems = notes(s);
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
          cells: [
            sourceName(src.name),
            STATUS_WORDS[src.status],
            src.fetchedAt === null ? '–' : utcMinute(src.fetchedAt),
          ],
          tone: src.status === 'ok' ? undefined : src.status === 'failed' ? 'bad' : 'muted',
        })),
      },
      {
        kind: 'notes',
        notes: problems.length ? problems : ['Every source answered.'],
      },
    ],
  };
}
