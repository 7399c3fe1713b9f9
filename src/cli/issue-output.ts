/**
 * How `report` and `run` describe an issue: a human summary, or the `--json` object from DESIGN.md
 * (`{ issueId, asOf, files: { snapshot, html, text, csv, ... }, warnings }`) with absolute paths for the
 * local archive and keys for S3.
 */
import path from 'node:path';
import type { ArchiveStore } from '../archive/store';
import type { ProducedIssue } from '../pipeline/produce-issue';

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
    lines.push(`  ${issue.warnings.length} warning(s):`, ...issue.warnings.map((w) => `    - ${w}`));
  }
  return `${lines.join('\n')}\n`;
}
