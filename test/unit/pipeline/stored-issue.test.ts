import { describe, expect, it } from 'vitest';
import { createMemoryArchiveStore } from '../../../src/archive/memory-store';
import { archiveIssue } from '../../../src/archive/publish';
import { readStoredIssue } from '../../../src/pipeline/stored-issue';
import { fixedClock, makeIssue, testArchiveDeps } from '../../fixtures/archive/issue';

async function archivedWithEmail(emailBody: string) {
  const store = createMemoryArchiveStore({ clock: fixedClock });
  const issue = makeIssue('2026-11-23', '2026-11-23');
  const files = issue.files.map((f) => (f.name === 'email.json' ? { ...f, body: emailBody } : f));
  await archiveIssue(store, { issueId: '2026-11-23', files, entry: issue.entry }, testArchiveDeps);
  return store;
}

describe('readStoredIssue', () => {
  it('reports the stored subject line with the stored snapshot', async () => {
    // Arrange
    const store = await archivedWithEmail('{"subject":"Hashprice holds at $52.50"}');

    // Act
    const stored = await readStoredIssue(store, '2026-11-23');

    // Assert
    expect(stored.subject).toBe('Hashprice holds at $52.50');
    expect(stored.snapshot.issueId).toBe('2026-11-23');
  });

  it('says the subject is unavailable when email.json is not JSON, instead of failing the rerun', async () => {
    // Arrange
    const store = await archivedWithEmail('{"subject":"Hashprice');

    // Act
    const stored = await readStoredIssue(store, '2026-11-23');

    // Assert
    expect(stored.subject).toBe('(subject unavailable)');
    expect(stored.snapshot.asOf).toBe('2026-11-23');
  });
});
