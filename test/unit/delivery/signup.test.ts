/**
 * The two halves of sign-up: the endpoint only validates and queues; the worker looks up, rate-limits and
 * mails, and hands failed records back to SQS one by one.
 */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { createMemoryArchiveStore } from '../../../src/archive/memory-store';
import { addressHash } from '../../../src/delivery/address';
import { InvalidAddressError, SendError } from '../../../src/delivery/errors';
import type { Mailer, OutgoingMail } from '../../../src/delivery/mailer';
import {
  acceptSignup,
  createMemorySignupQueue,
  createSqsSignupQueue,
  processSignupEvent,
  SignupQueueError,
} from '../../../src/delivery/signup';
import { requestSubscription } from '../../../src/delivery/subscribe';
import { createSubscriberStore } from '../../../src/delivery/subscribers';
import { fakeClock, TEST_SETTINGS } from '../../support/delivery-fixtures';

function sqsEvent(bodies: string[]): SQSEvent {
  return {
    Records: bodies.map((body, i) => ({
      messageId: `m${i}`,
      receiptHandle: `r${i}`,
      body,
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: '0',
        SenderId: 'test',
        ApproximateFirstReceiveTimestamp: '0',
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:hashbrief-signup',
      awsRegion: 'us-east-1',
    })),
  };
}

describe('acceptSignup (the endpoint half)', () => {
  it('queues the normalized address and nothing else', async () => {
    const queue = createMemorySignupQueue();

    await acceptSignup('  Reader@Example.COM ', queue);

    expect(queue.drain()).toEqual([{ v: 1, address: 'Reader@example.com' }]);
  });

  it('rejects a malformed address with its reason and queues nothing', async () => {
    const queue = createMemorySignupQueue();

    await expect(acceptSignup('reader@example.com\r\nBcc: x@example.net', queue)).rejects.toThrow(
      InvalidAddressError,
    );
    expect(queue.drain()).toEqual([]);
  });

  it('reports an SQS refusal as SignupQueueError (the endpoint answers 503, nothing recorded)', async () => {
    const sqs = mockClient(SQSClient);
    sqs.on(SendMessageCommand).rejects(new Error('ServiceUnavailable'));
    const queue = createSqsSignupQueue({
      client: new SQSClient({ region: 'us-east-1' }),
      queueUrl: 'https://q',
    });

    await expect(acceptSignup('reader@example.com', queue)).rejects.toThrow(SignupQueueError);
    sqs.restore();
  });

  it('sends exactly the JSON message body on SQS', async () => {
    const sqs = mockClient(SQSClient);
    sqs.on(SendMessageCommand).resolves({ MessageId: 'x' });
    const queue = createSqsSignupQueue({
      client: new SQSClient({ region: 'us-east-1' }),
      queueUrl: 'https://q',
    });

    await acceptSignup('reader@example.com', queue);

    expect(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input).toEqual({
      QueueUrl: 'https://q',
      MessageBody: '{"v":1,"address":"reader@example.com"}',
    });
    sqs.restore();
  });
});

describe('processSignupEvent (the worker half)', () => {
  function world(failFor: Set<string>) {
    const subscribers = createSubscriberStore(createMemoryArchiveStore());
    const sent: OutgoingMail[] = [];
    const mailer: Mailer = {
      async send(mail) {
        if (failFor.has(mail.to)) throw new SendError('SES refused the message (Throttling)', true);
        sent.push(mail);
        return { messageId: `m-${sent.length}` };
      },
    };
    const time = fakeClock();
    const handle = (message: { address: string }) =>
      requestSubscription(message.address, { subscribers, mailer, clock: time.clock }, TEST_SETTINGS);
    return { subscribers, sent, handle };
  }

  it('mails the good records and returns only the failed ones for a retry', async () => {
    // Arrange
    const failing = new Set(['b@example.com']);
    const w = world(failing);
    const event = sqsEvent([
      '{"v":1,"address":"a@example.com"}',
      '{"v":1,"address":"b@example.com"}',
      'not json',
      '{"v":2,"address":"c@example.com"}',
    ]);

    // Act
    const response = await processSignupEvent(event, w.handle);

    // Assert
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['m1', 'm2', 'm3']);
    expect(w.sent.map((m) => m.to)).toEqual(['a@example.com']);
    expect((await w.subscribers.get(addressHash('c@example.com')))?.subscriber).toBeUndefined();
  });

  it('sends on the redelivery of a record whose send failed', async () => {
    // Arrange
    const failing = new Set(['b@example.com']);
    const w = world(failing);
    const record = sqsEvent(['{"v":1,"address":"b@example.com"}']);
    await processSignupEvent(record, w.handle);
    failing.clear();

    // Act
    const retry = await processSignupEvent(record, w.handle);

    // Assert
    expect(retry.batchItemFailures).toEqual([]);
    expect(w.sent.map((m) => m.to)).toEqual(['b@example.com']);
  });

  it('logs the message id and error, never the address', async () => {
    const w = world(new Set(['secret.reader@example.com']));
    const lines: string[] = [];
    const reporter = {
      info: () => {},
      warn: (m: string, f?: object) => lines.push(`${m} ${JSON.stringify(f)}`),
    };

    await processSignupEvent(sqsEvent(['{"v":1,"address":"secret.reader@example.com"}']), w.handle, reporter);

    expect(lines.join('\n')).toContain('m0');
    expect(lines.join('\n')).not.toContain('secret.reader');
  });
});
