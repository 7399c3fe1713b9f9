/**
 * A rendered issue on its way to a reader, as the report and the sender handle it: its email.json and
 * charts archived (in memory), loaded back by the sender's loader, and built into one subscriber's message.
 */
import { createMemoryArchiveStore } from '../../src/archive/memory-store';
import { buildIssueMessage, createEmailLoader, type LoadedEmail } from '../../src/delivery/email';
import { toStoredEmail } from '../../src/render/render-issue';
import type { RenderedIssue } from '../../src/render/types';
import { TEST_SETTINGS } from './delivery-fixtures';

/** The issue's email.json and chart PNGs archived as the report archives them, loaded as the sender loads them. */
export async function loadedEmailOf(rendered: RenderedIssue): Promise<LoadedEmail> {
  const archive = createMemoryArchiveStore();
  const stored = toStoredEmail(rendered);
  await archive.putIfAbsent(`issues/${stored.issueId}/email.json`, JSON.stringify(stored), {
    contentType: 'application/json',
  });
  for (const image of rendered.images) {
    await archive.putIfAbsent(`issues/${stored.issueId}/charts/${image.filename}`, image.png, {
      contentType: 'image/png',
    });
  }
  return createEmailLoader(archive)(stored.issueId);
}

/** One subscriber's raw message of a rendered issue, built as the sender builds it (the morning after). */
export async function mailedMessage(
  rendered: RenderedIssue,
  recipient: { to: string; subscriberHash: string },
): Promise<Buffer> {
  return buildIssueMessage({
    loaded: await loadedEmailOf(rendered),
    settings: TEST_SETTINGS,
    ...recipient,
    now: new Date('2026-11-24T06:00:00Z'),
  });
}
