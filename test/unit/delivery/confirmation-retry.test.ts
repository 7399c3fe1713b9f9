/**
 * A confirmation mail that fails to go out must leave the sign-up in a state a retry can use: the
 * per-address rate limit only counts confirmations that were actually handed to the transport.
 */
import { describe, expect, it } from 'vitest';
import { createMemoryArchiveStore } from '../../../src/archive/memory-store';
import { addressHash } from '../../../src/delivery/address';
import { AmbiguousSendError, SendError } from '../../../src/delivery/errors';
import type { Mailer, OutgoingMail } from '../../../src/delivery/mailer';
import { requestSubscription } from '../../../src/delivery/subscribe';
import { createSubscriberStore, newSubscriber } from '../../../src/delivery/subscribers';
import { fakeClock, TEST_SETTINGS } from '../../support/delivery-fixtures';

/** A mailer that throws `failures` in order, then accepts everything. */
function flakyMailer(failures: Error[]): Mailer & { sent: OutgoingMail[] } {
  const sent: OutgoingMail[] = [];
  return {
    sent,
    async send(mail) {
      const failure = failures.shift();
      if (failure) throw failure;
      sent.push(mail);
      return { messageId: `m-${sent.length}` };
    },
  };
}

function world(failures: Error[]) {
  const subscribers = createSubscriberStore(createMemoryArchiveStore());
  const mailer = flakyMailer(failures);
  const time = fakeClock();
  return { subscribers, mailer, time, deps: { subscribers, mailer, clock: time.clock } };
}

describe('a confirmation send that fails', () => {
  it('lets an immediate retry send the confirmation (SES refused the first one)', async () => {
    // Arrange
    const w = world([new SendError('SES refused the message (Throttling)', true)]);

    // Act
    const first = requestSubscription('dana@example.com', w.deps, TEST_SETTINGS);
    await expect(first).rejects.toThrow(SendError);
    const retry = await requestSubscription('dana@example.com', w.deps, TEST_SETTINGS);

    // Assert
    expect(retry.outcome).toBe('confirmation-sent');
    expect(w.mailer.sent).toHaveLength(1);
    const stored = (await w.subscribers.get(addressHash('dana@example.com')))?.subscriber;
    expect(stored).toMatchObject({ status: 'pending', confirmationSentAt: w.time.clock().toISOString() });
  });

  it('restores the previous resend time of a known address, so its window is not restarted', async () => {
    // Arrange
    const w = world([new AmbiguousSendError('SES may have accepted the message (TimeoutError)')]);
    const earlier = new Date(w.time.clock().getTime() - 20 * 60_000).toISOString();
    await w.subscribers.put(
      {
        ...newSubscriber('erin@example.com', 'unsubscribed', 'web', new Date(earlier)),
        confirmationSentAt: earlier,
      },
      null,
    );

    // Act
    await expect(requestSubscription('erin@example.com', w.deps, TEST_SETTINGS)).rejects.toThrow(
      AmbiguousSendError,
    );

    // Assert
    const stored = (await w.subscribers.get(addressHash('erin@example.com')))?.subscriber;
    expect(stored?.confirmationSentAt).toBe(earlier);
    expect((await requestSubscription('erin@example.com', w.deps, TEST_SETTINGS)).outcome).toBe(
      'confirmation-sent',
    );
  });

  it('does not undo a newer confirmation written while the failed send was in flight', async () => {
    // Arrange: the failing send lets the clock move and another request claim the slot meanwhile.
    const subscribers = createSubscriberStore(createMemoryArchiveStore());
    const time = fakeClock();
    const hash = addressHash('finn@example.com');
    const later = new Date(time.clock().getTime() + 60_000).toISOString();
    const mailer: Mailer = {
      async send() {
        const current = await subscribers.get(hash);
        if (!current) throw new Error('record missing');
        await subscribers.put({ ...current.subscriber, confirmationSentAt: later }, current.etag);
        throw new SendError('SES refused the message (MessageRejected)', false);
      },
    };

    // Act
    await expect(
      requestSubscription('finn@example.com', { subscribers, mailer, clock: time.clock }, TEST_SETTINGS),
    ).rejects.toThrow(SendError);

    // Assert
    expect((await subscribers.get(hash))?.subscriber.confirmationSentAt).toBe(later);
  });
});
