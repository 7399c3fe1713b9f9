/**
 * How `report` and `run` describe an issue: a human summary, or the `--json` object from DESIGN.md
 * (`{ issueId, asOf, files: { snapshot, html, text, csv, ... }, warnings }`) with absolute paths for the
 * local archive and keys for S3.
 */
import path from 'node:path';
import type { ArchiveStore } from '../archive/store';
import type { ProducedIssue, ProduceIssueResult } from '../pipeline/produce-issue';

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
    lines.push(`  ${issue.warnings.length} warning(s):`, ...issue.warnings.map((w) => `    - ${w}`));
  }
  return `${lines.join('\n')}\n`;
}
