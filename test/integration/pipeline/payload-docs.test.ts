/**
 * docs/infra.md promises what each manual report payload does, in one table. This test reads that table
 * and runs every row against the code (parseReportPayload + runReportJob on an emulated world), so the
 * docs cannot drift from report-payload.ts and report-job.ts again.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { addDays, utcDay } from '../../../src/days';
import { runReportJob } from '../../../src/pipeline/report-job';
import { PayloadError, parseReportPayload, reportPayloadSchema } from '../../../src/pipeline/report-payload';
import { liveLikeDataset } from '../../support/datasets';
import { createWorld, reportSettings } from '../../support/e2e-world';

const DATA_END = addDays(utcDay(new Date()), -2);
/** The table's example day is a date in the docs; the run uses a day the emulated data has. */
const BACKFILL_DAY = addDays(DATA_END, -14);

interface Row {
  payload: string;
  builds: string;
  archives: boolean;
  mailsList: boolean;
  testSend: boolean;
}

const yes = (cell: string) => {
  if (/^yes\b/.test(cell)) return true;
  if (/^no\b/.test(cell)) return false;
  throw new Error(`table cell ${JSON.stringify(cell)} is neither yes nor no`);
};

/** The rows of the table under "## Manual invocation" whose header starts with "payload". */
function payloadTable(markdown: string): Row[] {
  const section = markdown.split(/^## /m).find((part) => part.startsWith('Manual invocation'));
  if (!section) throw new Error('docs/infra.md has no "## Manual invocation" section');
  const lines = section.split('\n').filter((line) => line.startsWith('|'));
  const header = lines[0]?.split('|').map((c) => c.trim()) ?? [];
  expect(header.slice(1, -1)).toEqual(['payload', 'builds', 'archives', 'mails the list', 'test send']);
  return lines.slice(2).map((line) => {
    const [payload = '', builds = '', archives = '', mailsList = '', testSend = ''] = line
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim());
    return {
      payload: payload.replace(/^`|`$/g, ''),
      builds,
      archives: yes(archives),
      mailsList: yes(mailsList),
      testSend: yes(testSend),
    };
  });
}

const rows = payloadTable(readFileSync(new URL('../../../docs/infra.md', import.meta.url), 'utf8'));

describe('the manual-invocation table in docs/infra.md', () => {
  it('covers the schedule payload and every payload field', () => {
    const fields = new Set(rows.flatMap((r) => Object.keys(JSON.parse(r.payload) as object)));

    expect(rows.map((r) => r.payload)).toContain('{}');
    expect([...fields].sort()).toEqual(Object.keys(reportPayloadSchema.shape).sort());
  });

  it.each(rows.filter((r) => r.builds.startsWith('rejected')))('rejects $payload, as documented', (row) => {
    expect(() => parseReportPayload(JSON.parse(row.payload))).toThrow(PayloadError);
  });

  it.each(rows.filter((r) => !r.builds.startsWith('rejected')))(
    '$payload: archives $archives, mails the list $mailsList, test send $testSend',
    async (row) => {
      // Arrange
      const world = await createWorld({ dataset: liveLikeDataset({ endDate: DATA_END }) });
      const payload = parseReportPayload(JSON.parse(row.payload.replace(/2026-11-23/g, BACKFILL_DAY)));

      // Act
      const result = await runReportJob(payload, world.deps, reportSettings());

      // Assert
      const archived = (await world.archive.list('issues/')).length > 0;
      const queued = world.drain();
      const testSends = world.mailer.sent.filter((m) => m.kind === 'test');
      expect({ archives: archived, mailsList: queued.length > 0, testSend: testSends.length > 0 }).toEqual({
        archives: row.archives,
        mailsList: row.mailsList,
        testSend: row.testSend,
      });
      expect(result.issueId).toBe(payload.asOf ?? DATA_END);
      if (row.testSend) expect(testSends.map((m) => m.to)).toEqual(payload.sendTo);
      if (!row.archives) expect(result.status).toBe('dry-run');
    },
  );
});
