/**
 * `hashbrief archive verify` for tests: every issue in an archive replayed from its own raw/ files, with
 * a one-line summary for the chaos tables.
 */
import type { ArchiveStore } from '../../src/archive/store';
import type { ReportJobSettings } from '../../src/pipeline/report-job';
import { archivedIssueIds, type IssueVerdict, verifyIssue } from '../../src/pipeline/verify-issue';
import { silentReporter } from '../../src/ports';

export interface ArchiveVerdict {
  ok: boolean;
  verdicts: IssueVerdict[];
  detail: string;
}

/** Verifies every issue folder in `archive`; ok when each is complete and reproduces byte for byte. */
export async function verifyArchive(
  archive: ArchiveStore,
  settings: Pick<ReportJobSettings, 'coinMetricsUrl' | 'mempoolUrl' | 'assumptions' | 'postalAddress'> &
    Partial<Pick<ReportJobSettings, 'publicBaseUrl' | 'linksBaseUrl'>>,
): Promise<ArchiveVerdict> {
  const verdicts: IssueVerdict[] = [];
  for (const issueId of await archivedIssueIds(archive)) {
    verdicts.push(await verifyIssue(archive, issueId, settings, { reporter: silentReporter }));
  }
  const describe = (v: IssueVerdict) =>
    v.status === 'mismatch'
      ? `${v.issueId} mismatch in ${v.differing.map((d) => d.name).join(', ')}`
      : v.status === 'ok'
        ? `${v.issueId} ok (${v.checked.length} files)`
        : `${v.issueId} ${v.status}: ${v.detail}`;
  return {
    ok: verdicts.length > 0 && verdicts.every((v) => v.status === 'ok'),
    verdicts,
    detail: `verify: ${verdicts.length ? verdicts.map(describe).join('; ') : 'no issue'}`,
  };
}
