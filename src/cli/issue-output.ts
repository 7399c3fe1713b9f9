/**
 * How `report` and `run` describe an issue: a human summary, or the `--json` object (README; docs/architecture.md, "Contracts")
 * (`{ issueId, asOf, files: { snapshot, html, text, csv, ... }, warnings }`) with absolute paths for the
 * local archive and keys for S3.
 */
import path from 'node:path';
import type { ArchiveStore } from '../archive/store';
import type { LocalDeliveryPreview } from '../delivery/local';
import type { ProducedIssue, ProduceIssueResult } from '../pipeline/produce-issue';
import { count } from './plural';

function locate(archive: ArchiveStore, key: string): string {
  return path.isAbsolute(archive.location) ? path.join(archive.location, key) : key;
}

/** Short names for the main files; charts and raw responses are listed by file name. */
export function issueFileLocations(issue: ProducedIssue, archive: ArchiveStore) {
  const at = (name: string) => {
    const key = issue.keys[name];
    return key ? locate(archive, key) : undefined;
  };
  const group = (prefix: string) =>
    Object.fromEntries(
      Object.entries(issue.keys)
        .filter(([name]) => name.startsWith(prefix))
        .map(([name, key]) => [name.slice(prefix.length), locate(archive, key)]),
    );
  return {
    snapshot: at('snapshot.json'),
    html: at('newsletter.html'),
    text: at('newsletter.txt'),
    csv: at('metrics.csv'),
    email: at('email.json'),
    charts: group('charts/'),
    raw: group('raw/'),
  };
}

export function issueJson(issue: ProduceIssueResult, archive: ArchiveStore) {
  if (issue.status === 'in-progress') {
    return {
      issueId: issue.issueId,
      asOf: issue.asOf,
      status: issue.status,
      heldUntil: issue.heldUntil,
      warnings: issue.warnings,
    };
  }
  return {
    issueId: issue.issueId,
    asOf: issue.asOf,
    status: issue.status,
    resumed: issue.resumed,
    sample: issue.snapshot.sample,
    files: issueFileLocations(issue, archive),
    warnings: issue.warnings,
  };
}

export function describeIssue(issue: ProduceIssueResult, archive: ArchiveStore): string {
  if (issue.status === 'in-progress') {
    return `issue ${issue.issueId} (as of ${issue.asOf}) is in progress: another run is producing it (its lease runs until ${issue.heldUntil}); nothing done\n`;
  }
  const files = issueFileLocations(issue, archive);
  const verb =
    issue.status === 'already-archived'
      ? 'already archived (nothing fetched or rewritten)'
      : issue.resumed
        ? 'archived (resumed from the inputs an interrupted run had archived)'
        : 'archived';
  const lines = [
    `${issue.snapshot.sample ? '[SAMPLE DATA, not live] ' : ''}issue ${issue.issueId} (as of ${issue.asOf}) ${verb}`,
    `  subject:  ${issue.subject}`,
    `  web:      ${files.html ?? '-'}`,
    `  snapshot: ${files.snapshot ?? '-'}`,
    `  csv:      ${files.csv ?? '-'}`,
  ];
  if (issue.warnings.length) {
    lines.push(`  ${count(issue.warnings.length, 'warning')}:`, ...issue.warnings.map((w) => `    - ${w}`));
  }
  return `${lines.join('\n')}\n`;
}

/** Who a dry run would deliver to, and whether a run would deliver at all. */
export interface DryRunDelivery extends LocalDeliveryPreview {
  outboxDir: string;
  /** The issue is sample data and `--allow-sample` was not given: a run would not deliver it. */
  sampleRefused: boolean;
}

/**
 * What `run --dry-run` found: the issue it would archive (or that it is archived already, or being made
 * by another run) and who it would be delivered to. Nothing it names was written.
 */
export function describeDryRun(
  issue: ProduceIssueResult,
  archive: ArchiveStore,
  delivery: DryRunDelivery,
): string {
  if (issue.status === 'in-progress') {
    return `dry run: nothing was written\nissue ${issue.issueId} (as of ${issue.asOf}) is in progress: another run is producing it (its lease runs until ${issue.heldUntil}); a run now would do nothing\n`;
  }
  const sample = issue.snapshot.sample ? '[SAMPLE DATA, not live] ' : '';
  const names = Object.keys(issue.keys);
  const charts = names.filter((n) => n.startsWith('charts/')).length;
  const raw = names.filter((n) => n.startsWith('raw/')).length;
  const lines = [
    'dry run: nothing was written',
    issue.status === 'created'
      ? `${sample}would archive issue ${issue.issueId} (as of ${issue.asOf}) in ${archive.location}`
      : `${sample}issue ${issue.issueId} (as of ${issue.asOf}) is already archived; a run would rewrite nothing`,
    `  subject:  ${issue.subject}`,
    `  files:    ${count(names.length, 'file')} (${count(charts, 'chart file')}, ${count(raw, 'raw response')})`,
  ];
  if (issue.warnings.length) {
    lines.push(`  ${count(issue.warnings.length, 'warning')}:`, ...issue.warnings.map((w) => `    - ${w}`));
  }
  if (delivery.sampleRefused) {
    lines.push(
      '  delivery: would not deliver: the issue is built from SAMPLE DATA (--allow-sample delivers it)',
    );
  } else if (delivery.recipients === 0) {
    lines.push('  delivery: the local subscriber list is empty; nobody would get it');
  } else {
    lines.push(
      `  delivery: would deliver to ${count(delivery.recipients, 'active subscriber')} (${delivery.alreadySent} already sent) → ${path.join(delivery.outboxDir, issue.issueId)}/`,
    );
  }
  return `${lines.join('\n')}\n`;
}
