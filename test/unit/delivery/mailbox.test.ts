/**
 * Per-mailbox records: the confirmation rate limit and the suppression shared by every spelling and +tag.
 */
import { describe, expect, it } from 'vitest';
import { createMemoryArchiveStore } from '../../../src/archive/memory-store';
import { mailboxHash } from '../../../src/delivery/address';
import { claimConfirmation, releaseConfirmation, suppressionKey } from '../../../src/delivery/mailbox';
import { createSubscriberStore } from '../../../src/delivery/subscribers';
import { fakeClock } from '../../support/delivery-fixtures';

function world() {
  return { subscribers: createSubscriberStore(createMemoryArchiveStore()), time: fakeClock() };
}

describe('mailbox records', () => {
  it('gives a confirmation claim back when the mail could not be sent, so a retry may mail at once', async () => {
    const w = world();
    const at = w.time.clock();

    const first = await claimConfirmation(w.subscribers, 'Reader+a@example.com', at, 15 * 60_000);
    const blocked = await claimConfirmation(w.subscribers, 'reader@example.com', at, 15 * 60_000);
    await releaseConfirmation(w.subscribers, 'Reader+a@example.com', at);
    const retried = await claimConfirmation(w.subscribers, 'reader@example.com', at, 15 * 60_000);

    expect([first, blocked, retried]).toEqual(['claimed', 'rate-limited', 'claimed']);
  });

  it('treats an unreadable suppression record as suppressed and names it in a warning', async () => {
    const w = world();
    const key = suppressionKey(mailboxHash('victim@example.com'));
    await w.subscribers.store.putIfMatch(key, '{"schemaVersion":1,"suppression":"compl', null, {
      contentType: 'application/json',
    });
    const warnings: unknown[] = [];
    const reporter = {
      info: () => {},
      warn: (message: string, fields?: unknown) => warnings.push({ message, fields }),
    };

    const gate = await claimConfirmation(
      w.subscribers,
      'Victim+x@example.com',
      w.time.clock(),
      60_000,
      reporter,
    );

    expect(gate).toBe('suppressed');
    expect(warnings).toEqual([
      { message: 'subscriber record unreadable', fields: { record: key, reason: 'not JSON' } },
    ]);
  });
});
