/**
 * How `report` and `run` describe an issue: a human summary, or the `--json` object from DESIGN.md
 * (`{ issueId, asOf, files: { snapshot, html, text, csv, ... }, warnings }`) with absolute paths for the
 * local archive and keys for S3.
 */
import path from 'node:path';
import type { ArchiveStore } from '../archive/store';
import type { LocalDeliveryPreview } from '../delivery/local';
import type { ProducedIssue } from '../pipeline/produce-issue';
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

export function issueJson(issue: ProducedIssue, archive: ArchiveStore) {
  return {
    issueId: issue.issueId,
    asOf: issue.asOf,
    status: issue.status,
    sample: issue.snapshot.sample,
    files: issueFileLocations(issue, archive),
    warnings: issue.warnings,
  };
}

export function describeIssue(issue: ProducedIssue, archive: ArchiveStore): string {
  const files = issueFileLocations(issue, archive);
  const verb = issue.status === 'created' ? 'archived' : 'already archived (nothing rewritten)';
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

/**
 * What `run --dry-run` found: the issue it would archive (or that it is archived already) and who it
 * would be delivered to. Nothing it names was written.
 */
export function describeDryRun(
  issue: ProducedIssue,
  archive: ArchiveStore,
  delivery: LocalDeliveryPreview & { outboxDir: string },
): string {
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
  lines.push(
    delivery.recipients === 0
      ? '  delivery: the local subscriber list is empty; nobody would get it'
      : `  delivery: would deliver to ${count(delivery.recipients, 'active subscriber')} (${delivery.alreadySent} already sent) → ${path.join(delivery.outboxDir, issue.issueId)}/`,
  );
  return `${lines.join('\n')}\n`;
}
