/**
 * The SQS edges of delivery: enqueueing send batches (chunks of ten, retries of refused entries, giving
 * up), turning an SQS event into a partial batch response, and reading the account's SES send rate.
 */
import { GetSendQuotaCommand, SESClient } from '@aws-sdk/client-ses';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { BatchOutcome } from '../../../src/delivery/deliver';
import { createMemorySendQueue, createSqsSendQueue, EnqueueError } from '../../../src/delivery/queue';
import type { SendMessage } from '../../../src/delivery/send-message';
import { readSesMaxSendRate } from '../../../src/delivery/ses-mailer';
import { InvalidSendMessageError, parseSendMessage, processSendEvent } from '../../../src/delivery/sqs-batch';
import type { Reporter } from '../../../src/ports';
import { sqsRecord } from '../../support/sqs-event';

const sqs = mockClient(SQSClient);
const ses = mockClient(SESClient);
beforeEach(() => {
  sqs.reset();
  ses.reset();
});

const hash = (n: number) => n.toString(16).padStart(64, '0');
const message = (n: number): SendMessage => ({ v: 1, issueId: '2026-11-23', recipients: [{ id: hash(n) }] });
const queue = () => createSqsSendQueue({ client: new SQSClient({ region: 'us-east-1' }), queueUrl: 'q' });

describe('createSqsSendQueue', () => {
  it('sends 23 messages in chunks of 10, 10 and 3 with ids that stay unique across chunks', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });

    await queue().enqueue(Array.from({ length: 23 }, (_, i) => message(i)));

    const calls = sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => c.Entries?.length)).toEqual([10, 10, 3]);
    expect(calls.every((c) => c.QueueUrl === 'q')).toBe(true);
    expect(calls.flatMap((c) => c.Entries?.map((e) => e.Id))).toEqual(
      Array.from({ length: 23 }, (_, i) => String(i)),
    );
    expect(JSON.parse(calls[2]?.Entries?.[2]?.MessageBody ?? '{}')).toEqual(message(22));
  });

  it('retries only the entries SQS refused, and succeeds on the third attempt', async () => {
    sqs
      .on(SendMessageBatchCommand)
      .resolvesOnce({
        Failed: [
          { Id: '0', Code: 'x', SenderFault: false },
          { Id: '2', Code: 'x', SenderFault: false },
        ],
      })
      .resolvesOnce({ Failed: [{ Id: '2', Code: 'x', SenderFault: false }] })
      .resolves({});

    await queue().enqueue([message(0), message(1), message(2)]);

    const ids = sqs
      .commandCalls(SendMessageBatchCommand)
      .map((c) => c.args[0].input.Entries?.map((e) => e.Id));
    expect(ids).toEqual([['0', '1', '2'], ['0', '2'], ['2']]);
  });

  it('gives up with EnqueueError after three attempts that each leave an entry refused', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Failed: [{ Id: '1', Code: 'x', SenderFault: false }] });

    const enqueued = queue().enqueue([message(0), message(1)]);

    await expect(enqueued).rejects.toThrow(new EnqueueError('SQS refused 1 send batches after 3 attempts'));
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(3);
  });

  it('wraps a failing SendMessageBatch call in EnqueueError with the cause', async () => {
    const cause = Object.assign(new Error('AccessDenied'), { name: 'AccessDenied' });
    sqs.on(SendMessageBatchCommand).rejects(cause);

    const error = await queue()
      .enqueue([message(0)])
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(EnqueueError);
    expect((error as EnqueueError).message).toBe('SQS SendMessageBatch failed');
    expect((error as EnqueueError).cause).toBe(cause);
  });

  it('refuses an invalid message before sending anything', async () => {
    sqs.on(SendMessageBatchCommand).resolves({});
    const bad = { v: 1, issueId: '../x', recipients: [{ id: hash(1) }] } as SendMessage;

    await expect(queue().enqueue([message(0), bad])).rejects.toThrow(/must be letters, digits/);
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
  });
});

describe('createMemorySendQueue', () => {
  it('keeps messages until drained, then starts empty', async () => {
    const memory = createMemorySendQueue();
    await memory.enqueue([message(1)]);
    await memory.enqueue([message(2)]);

    expect(memory.drain()).toEqual([message(1), message(2)]);
    expect(memory.drain()).toEqual([]);
    await expect(memory.enqueue([{ ...message(3), v: 2 } as unknown as SendMessage])).rejects.toThrow();
  });
});

describe('parseSendMessage', () => {
  it.each([
    ['a body that is not JSON', '{"v":1,', 'invalid send message: not JSON'],
    [
      'a recipient that is not a hash',
      JSON.stringify({ v: 1, issueId: 'a', recipients: [{ id: 'x' }] }),
      'invalid send message: field `recipients.0.id` must be a subscriber hash',
    ],
    [
      'an issue id with a path',
      JSON.stringify({ v: 1, issueId: '../a', recipients: [{ id: hash(1) }] }),
      'invalid send message: field `issueId` must be letters, digits, ".", "_" or "-"',
    ],
  ])('refuses %s with InvalidSendMessageError naming the problem', (_label, body, expected) => {
    expect(() => parseSendMessage(body)).toThrow(new InvalidSendMessageError(expected));
  });

  it('returns the message for a valid body', () => {
    expect(parseSendMessage(JSON.stringify(message(7)))).toEqual(message(7));
  });
});

describe('processSendEvent', () => {
  const record = (messageId: string, body: string) => sqsRecord({ MessageId: messageId, Body: body });
  const outcome = (failed: number): BatchOutcome => ({
    sent: [],
    skipped: [],
    failed: Array.from({ length: failed }, (_, i) => ({ id: hash(i), reason: 'x' })),
  });
  const recorder = () => {
    const warnings: [string, Record<string, unknown> | undefined][] = [];
    const reporter: Reporter = {
      info: () => {},
      warn: (msg, fields) => warnings.push([msg, fields]),
    };
    return { reporter, warnings };
  };

  it('returns every message when all fail (no throw), with a warning per message naming the error', async () => {
    const { reporter, warnings } = recorder();
    const event = { Records: [record('m1', JSON.stringify(message(1))), record('m2', 'nope')] };

    const response = await processSendEvent(event, async () => outcome(1), reporter);

    // Records are processed concurrently: the order of failures is not the order of records.
    expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['m1', 'm2']);
    expect(warnings.sort(([, a], [, b]) => String(a?.messageId).localeCompare(String(b?.messageId)))).toEqual(
      [
        [
          'send message failed',
          { messageId: 'm1', error: 'RecipientsFailedError: 1 of 1 recipients failed' },
        ],
        [
          'send message failed',
          { messageId: 'm2', error: 'InvalidSendMessageError: invalid send message: not JSON' },
        ],
      ],
    );
  });

  it('returns nothing to retry when every recipient of every message was handled', async () => {
    const event = { Records: [record('m1', JSON.stringify(message(1)))] };

    const response = await processSendEvent(event, async () => outcome(0));

    expect(response.batchItemFailures).toEqual([]);
  });

  it('describes a thrown value that is not an Error', async () => {
    const { reporter, warnings } = recorder();
    const event = { Records: [record('m1', JSON.stringify(message(1)))] };

    const response = await processSendEvent(
      event,
      async () => {
        throw 'store unavailable';
      },
      reporter,
    );

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);
    expect(warnings).toEqual([['send message failed', { messageId: 'm1', error: 'store unavailable' }]]);
  });
});

describe('readSesMaxSendRate', () => {
  it('reads MaxSendRate from GetSendQuota', async () => {
    ses.on(GetSendQuotaCommand).resolves({ MaxSendRate: 14, Max24HourSend: 50_000, SentLast24Hours: 0 });

    expect(await readSesMaxSendRate(new SESClient({ region: 'us-east-1' }))).toBe(14);
  });

  it.each([
    ['missing', {}],
    ['zero', { MaxSendRate: 0 }],
    ['negative', { MaxSendRate: -1 }],
  ])('refuses a MaxSendRate that is %s', async (_label, quota) => {
    ses.on(GetSendQuotaCommand).resolves(quota);

    await expect(readSesMaxSendRate(new SESClient({ region: 'us-east-1' }))).rejects.toThrow(
      'SES GetSendQuota returned no MaxSendRate',
    );
  });
});
