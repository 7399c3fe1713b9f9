/**
 * One identity per mailbox: spellings that differ in case are one subscriber, and rate limits and
 * suppressions also cover every +tag of a mailbox (issue 13, defect 5).
 */
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { addressHash } from '../../../src/delivery/address';
import { handleSesNotification, sesNotificationSchema } from '../../../src/delivery/feedback';
import { planDelivery } from '../../../src/delivery/plan';
import { createSqsSendQueue } from '../../../src/delivery/queue';
import { requestSubscription } from '../../../src/delivery/subscribe';
import { newSubscriber } from '../../../src/delivery/subscribers';
import { requestInTurn, signupWorld, TEST_SETTINGS } from '../../support/delivery-fixtures';

const sqs = mockClient(SQSClient);
beforeEach(() => {
  sqs.reset();
});

const complaint = (address: string) =>
  sesNotificationSchema.parse({
    notificationType: 'Complaint',
    complaint: { complainedRecipients: [{ emailAddress: address }], feedbackId: `fb-${address}` },
  });

describe('subscribe rate limit and suppression per mailbox', () => {
  it('sends one confirmation mail for Victim@, vIctim@ and victim+1@ within the resend window', async () => {
    // Arrange
    const w = signupWorld();
    const spellings = ['Victim@example.com', 'vIctim@example.com', 'victim+1@example.com'];

    // Act: each spelling twice, within seconds.
    const outcomes: string[] = [];
    for (const address of [...spellings, ...spellings]) {
      outcomes.push((await requestSubscription(address, w.deps, TEST_SETTINGS)).outcome);
      w.time.advance(1_000);
    }

    // Assert
    expect(w.mailer.sent).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'confirmation-sent')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'rate-limited')).toHaveLength(5);
  });

  it('allows the next confirmation mail to the mailbox once the window has passed', async () => {
    const w = signupWorld();

    await requestSubscription('victim@example.com', w.deps, TEST_SETTINGS);
    w.time.advance(16 * 60_000);
    const later = await requestSubscription('victim+news@example.com', w.deps, TEST_SETTINGS);

    expect(later.outcome).toBe('confirmation-sent');
    expect(w.mailer.sent.map((m) => m.to)).toEqual(['victim@example.com', 'victim+news@example.com']);
  });

  it('keeps a complaint of victim@ in force for VICTIM@ and victim+1@', async () => {
    // Arrange: victim@ is on the list and complains.
    const w = signupWorld();
    await w.subscribers.put(newSubscriber('victim@example.com', 'active', 'operator', w.time.clock()), null);
    await handleSesNotification(complaint('victim@example.com'), w.deps);
    w.time.advance(24 * 3600_000);

    // Act
    const outcomes = await requestInTurn(w, [
      'VICTIM@example.com',
      'victim+1@example.com',
      { advanceMs: 24 * 3600_000 },
      'Victim+2@example.com',
    ]);

    // Assert
    expect(outcomes).toEqual(['suppressed', 'suppressed', 'suppressed']);
    expect(w.mailer.sent).toHaveLength(0);
  });

  it('does not plan an issue for another +tag of a mailbox that complained', async () => {
    // Arrange: victim+news@ and victim@ both confirmed; then victim@ complains.
    const w = signupWorld();
    const now = w.time.clock();
    await w.subscribers.put(newSubscriber('victim+news@example.com', 'active', 'web', now), null);
    await w.subscribers.put(newSubscriber('victim@example.com', 'active', 'web', now), null);
    await w.subscribers.put(newSubscriber('reader@example.com', 'active', 'web', now), null);
    await handleSesNotification(complaint('victim@example.com'), w.deps);
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });

    // Act
    const plan = await planDelivery({
      issueId: '2026-11-23',
      subscribers: w.subscribers,
      queue: createSqsSendQueue({ client: new SQSClient({}), queueUrl: 'http://127.0.0.1/q' }),
    });

    // Assert: only the unrelated reader.
    expect(plan.recipients).toBe(1);
    const body = sqs.commandCalls(SendMessageBatchCommand)[0]?.args[0].input.Entries?.[0]?.MessageBody;
    expect(JSON.parse(body ?? '{}').recipients).toEqual([{ id: addressHash('reader@example.com') }]);
  });
});
