/**
 * SES feedback is applied once per notification, however often SNS delivers it (issue 13, defect 9).
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { createMemoryArchiveStore } from '../../../src/archive/memory-store';
import { createS3ArchiveStore } from '../../../src/archive/s3-store';
import {
  feedbackDedupeKey,
  handleSesNotification,
  sesNotificationSchema,
} from '../../../src/delivery/feedback';
import { createFeedbackLedger, feedbackLedgerKey } from '../../../src/delivery/feedback-ledger';
import { createSubscriberStore } from '../../../src/delivery/subscribers';
import { fakeClock, seedSubscribers } from '../../support/delivery-fixtures';
import { createFakeS3 } from '../archive/s3-fake';

const transientBounce = (address: string, feedbackId?: string) =>
  sesNotificationSchema.parse({
    notificationType: 'Bounce',
    bounce: {
      bounceType: 'Transient',
      bounceSubType: 'MailboxFull',
      bouncedRecipients: [{ emailAddress: address }],
      ...(feedbackId ? { feedbackId } : {}),
    },
    mail: { messageId: 'ses-message-1' },
  });

function world() {
  const state = createMemoryArchiveStore();
  const subscribers = createSubscriberStore(state);
  const time = fakeClock();
  const ledger = createFeedbackLedger(state);
  return { state, subscribers, time, deps: { subscribers, ledger, clock: time.clock } };
}

describe('SES feedback deduplication', () => {
  it('counts one transient bounce that SNS delivers three times once, and the subscriber stays active', async () => {
    // Arrange
    const w = world();
    const [person] = await seedSubscribers(w.subscribers, 1);
    const bounce = transientBounce(person?.address ?? '');

    // Act: the same SNS message three times (SNS retries after a slow or failed invocation).
    const results = [];
    for (let i = 0; i < 3; i++) {
      results.push(await handleSesNotification(bounce, w.deps, {}, { snsMessageId: 'sns-1' }));
      w.time.advance(60_000);
    }

    // Assert
    expect((await w.subscribers.get(person?.hash ?? ''))?.subscriber).toMatchObject({
      status: 'active',
      softBounces: 1,
    });
    expect(results.map((r) => r.duplicate)).toEqual([false, true, true]);
    expect(await w.deps.ledger.read('sns:sns-1')).toMatchObject({ state: 'done' });
  });

  it('recognises one bounce arriving through two topics (different SNS ids) by its SES feedbackId', async () => {
    const w = world();
    const [person] = await seedSubscribers(w.subscribers, 1);
    const bounce = transientBounce(person?.address ?? '', '0100019a-feedback-1');

    await handleSesNotification(bounce, w.deps, {}, { snsMessageId: 'identity-topic-1' });
    await handleSesNotification(bounce, w.deps, {}, { snsMessageId: 'configuration-set-topic-1' });

    expect((await w.subscribers.get(person?.hash ?? ''))?.subscriber.softBounces).toBe(1);
    expect(feedbackDedupeKey(bounce, 'identity-topic-1')).toBe('ses:0100019a-feedback-1');
  });

  it('still counts three different soft bounces and then suppresses', async () => {
    const w = world();
    const [person] = await seedSubscribers(w.subscribers, 1);

    for (let i = 1; i <= 3; i++) {
      await handleSesNotification(
        transientBounce(person?.address ?? '', `fb-${i}`),
        w.deps,
        {},
        {
          snsMessageId: `sns-${i}`,
        },
      );
    }

    expect((await w.subscribers.get(person?.hash ?? ''))?.subscriber).toMatchObject({
      status: 'bounced',
      softBounces: 3,
    });
  });

  it('counts a bounce once when the attempt that applied it died before recording it in the ledger', async () => {
    // Arrange: the first attempt applies the bounce, then fails writing "done" (the ledger entry stays
    // "applying"), so SNS delivers the message again.
    const w = world();
    const [person] = await seedSubscribers(w.subscribers, 1);
    const bounce = transientBounce(person?.address ?? '', 'fb-crash');
    const dying = {
      ...w.deps.ledger,
      finish: async () => {
        throw new Error('S3 unavailable');
      },
    };
    await expect(
      handleSesNotification(bounce, { ...w.deps, ledger: dying }, {}, { snsMessageId: 'sns-9' }),
    ).rejects.toThrow('S3 unavailable');

    // Act
    const retry = await handleSesNotification(bounce, w.deps, {}, { snsMessageId: 'sns-9' });

    // Assert
    expect(retry.actions).toEqual([{ subscriber: person?.hash, action: 'ignored' }]);
    expect((await w.subscribers.get(person?.hash ?? ''))?.subscriber.softBounces).toBe(1);
    expect(await w.deps.ledger.read('ses:fb-crash')).toMatchObject({ state: 'done' });
  });

  it('writes the ledger on S3 with If-None-Match to begin and If-Match to finish', async () => {
    // Arrange: a bucket that honours conditional writes like S3 does.
    const { client, mock, objects } = createFakeS3();
    const store = createS3ArchiveStore({ client, bucket: 'state' });
    const subscribers = createSubscriberStore(store);
    const [person] = await seedSubscribers(subscribers, 1);
    const time = fakeClock();
    const deps = { subscribers, ledger: createFeedbackLedger(store), clock: time.clock };
    const bounce = transientBounce(person?.address ?? '', 'fb-s3');
    mock.resetHistory();

    // Act
    await handleSesNotification(bounce, deps, {}, { snsMessageId: 'sns-s3-1' });
    await handleSesNotification(bounce, deps, {}, { snsMessageId: 'sns-s3-2' });

    // Assert
    const ledgerPuts = mock
      .commandCalls(PutObjectCommand)
      .map((c) => c.args[0].input)
      .filter((input) => input.Key === feedbackLedgerKey('ses:fb-s3'));
    expect(ledgerPuts.map((input) => ({ IfNoneMatch: input.IfNoneMatch, IfMatch: input.IfMatch }))).toEqual([
      { IfNoneMatch: '*', IfMatch: undefined },
      { IfNoneMatch: undefined, IfMatch: expect.stringMatching(/^"[0-9a-f]{32}"$/) },
      // The second delivery's create is refused (412); it reads "done" and stops.
      { IfNoneMatch: '*', IfMatch: undefined },
    ]);
    expect(JSON.parse(objects.get(feedbackLedgerKey('ses:fb-s3'))?.body.toString() ?? '{}')).toMatchObject({
      state: 'done',
    });
    expect((await subscribers.get(person?.hash ?? ''))?.subscriber.softBounces).toBe(1);
  });
});
