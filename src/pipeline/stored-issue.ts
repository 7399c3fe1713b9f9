/**
 * An issue as it is archived. When a run finds its issue already archived, what it reports must be the
 * stored issue (the one readers have), not the discarded result of the re-run.
 */
import { z } from 'zod';
import { readIssueFile, readSnapshot } from '../archive/read';
import type { ArchiveStore } from '../archive/store';
import type { Snapshot } from '../snapshot/schema';
import { parseJsonAs } from '../validated-json';

const storedSubjectSchema = z.object({ subject: z.string() });

export async function readStoredIssue(
  archive: ArchiveStore,
  issueId: string,
): Promise<{ snapshot: Snapshot; subject: string }> {
  const snapshot = await readSnapshot(archive, issueId);
  const email = await readIssueFile(archive, issueId, 'email.json');
  const parsed = parseJsonAs(email.body, storedSubjectSchema);
  return { snapshot, subject: parsed.ok ? parsed.value.subject : '(subject unavailable)' };
}
