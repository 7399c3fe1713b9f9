/**
 * An issue as it is archived. When a run finds its issue already archived, what it reports must be the
 * stored issue (the one readers have), not the discarded result of the re-run.
 */
import { z } from 'zod';
import { readIssueFile, readSnapshot } from '../archive/read';
import type { ArchiveStore } from '../archive/store';
import type { Snapshot } from '../snapshot/schema';

const storedSubjectSchema = z.object({ subject: z.string() });

export async function readStoredIssue(
  archive: ArchiveStore,
  issueId: string,
): Promise<{ snapshot: Snapshot; subject: string }> {
  const snapshot = await readSnapshot(archive, issueId);
  const email = await readIssueFile(archive, issueId, 'email.json');
  const parsed = storedSubjectSchema.safeParse(JSON.parse(email.body.toString('utf8')));
  return { snapshot, subject: parsed.success ? parsed.data.subject : '(subject unavailable)' };
}
