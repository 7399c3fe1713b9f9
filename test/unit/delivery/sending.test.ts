import { SESClient, SendRawEmailCommand } from '@aws-sdk/client-ses';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  deliverBatch,
  OUT_OF_TIME,
  SEND_OUTCOME_UNKNOWN,
  type SenderDeps,
} from '../../../src/delivery/deliver';
import { HeaderInjectionError, SendError } from '../../../src/delivery/errors';
import { createLedger, ledgerKey } from '../../../src/delivery/ledger';
import type { Mailer } from '../../../src/delivery/mailer';
import { buildRawMessage } from '../../../src/delivery/mime';
import { planDelivery } from '../../../src/delivery/plan';
import { createSqsSendQueue, type SendMessage } from '../../../src/delivery/queue';
import { createTokenBucket } from '../../../src/delivery/rate-limiter';
import { classifySesError, createSesMailer } from '../../../src/delivery/ses-mailer';
import { processSendEvent } from '../../../src/delivery/sqs-batch';
import {
  deliveryWorld,
  fakeClock,
  recordingMailer,
  seedSubscribers,
  senderDeps,
  TEST_SETTINGS,
} from '../../support/delivery-fixtures';
import { sqsRecord } from '../../support/sqs-event';

const ses = mockClient(SESClient);
const sqs = mockClient(SQSClient);

beforeEach(() => {
  ses.reset();
  sqs.reset();
});

const batchOf = (issueId: string, hashes: string[]): SendMessage => ({
  v: 1,
  issueId,
  recipients: hashes.map((id) => ({ id })),
});

/** A mailer SES refuses for good for `rejected` (MessageRejected) and that sends to everyone else. */
function rejecting(rejected: string | undefined): Mailer {
  return {
    async send(mail) {
      if (mail.recipientHash === rejected) throw new SendError('MessageRejected', false);
      return { messageId: 'ok' };
    },
  };
}

/** One batch of the world's issue to all of `people`, sent through `mailer`. */
function deliverToAll(
  world: Awaited<ReturnType<typeof deliveryWorld>>,
  people: readonly { hash: string }[],
  mailer: Mailer,
) {
  return deliverBatch(
    batchOf(
      world.issueId,
      people.map((p) => p.hash),
    ),
    senderDeps(world, mailer),
    TEST_SETTINGS,
  );
}

describe('buildRawMessage', () => {
  const base = {
    from: 'hashbrief <briefing@example.com>',
    to: 'alice@example.com',
    subject: 'Weekly – hashprice',
    html: '<p>hi <img src="cid:c1@hb"></p>',
    text: 'hi',
    messageId: '<x.1@example.com>',
    date: new Date('2026-11-24T00:00:00Z'),
    listUnsubscribeUrl: 'https://links.example.com/unsubscribe?token=abc',
  };

  it('writes RFC 8058 unsubscribe headers, an encoded subject and inline images as multipart/related', async () => {
    const raw = (
      await buildRawMessage({
        ...base,
        images: [{ cid: 'c1@hb', filename: 'c.png', content: Buffer.from('png'), contentType: 'image/png' }],
      })
    ).toString('utf8');
    expect(raw).toContain('List-Unsubscribe: <https://links.example.com/unsubscribe?token=abc>');
    expect(raw).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(raw).toContain('Message-ID: <x.1@example.com>');
    expect(raw).toMatch(/Subject: =\?UTF-8\?/);
    expect(raw).toContain('multipart/related');
    expect(raw).toContain('multipart/alternative');
    expect(raw).toContain('Content-ID: <c1@hb>');
  });

  it.each([
    ['subject', { subject: 'Hi\r\nBcc: victim@example.com' }],
    ['recipient', { to: 'a@example.com\r\nBcc: victim@example.com' }],
    ['unsubscribe URL', { listUnsubscribeUrl: 'https://x.example/u\nBcc: v@example.com' }],
  ])('refuses a %s with CR/LF', async (_name, override) => {
    await expect(buildRawMessage({ ...base, ...override })).rejects.toThrow(HeaderInjectionError);
  });
});

describe('deliverBatch', () => {
  it('sends each active recipient once with its own unsubscribe link and records the ledger', async () => {
    const world = await deliveryWorld();
    const people = await seedSubscribers(world.subscribers, 3);
    const mailer = recordingMailer();

    const outcome = await deliverToAll(world, people, mailer);

    expect(outcome.sent).toHaveLength(3);
    expect(mailer.sent.map((m) => m.to).sort()).toEqual(people.map((p) => p.address).sort());
    const raw = mailer.sent[0]?.raw.toString('utf8') ?? '';
    expect(raw).toContain('https://links.example.com/unsubscribe?token=u.');
    expect(raw).not.toContain('%%HB_');
    const entry = await world.state.get(ledgerKey(world.issueId, people[0]?.hash ?? ''));
    expect(JSON.parse(entry?.body.toString() ?? '{}')).toMatchObject({ state: 'sent' });
  });

  it('skips recipients the ledger already has as sent (a retried message)', async () => {
    const world = await deliveryWorld();
    const people = await seedSubscribers(world.subscribers, 4);
    const hashes = people.map((p) => p.hash);
    const deps = senderDeps(world, recordingMailer());
    await deliverBatch(batchOf(world.issueId, hashes.slice(0, 2)), deps, TEST_SETTINGS);
    const mailer = recordingMailer();

    const outcome = await deliverBatch(batchOf(world.issueId, hashes), { ...deps, mailer }, TEST_SETTINGS);

    expect(outcome.skipped.filter((s) => s.reason === 'already-sent')).toHaveLength(2);
    expect(mailer.sent.map((m) => m.recipientHash).sort()).toEqual(hashes.slice(2).sort());
  });

  it('skips recipients who are no longer active', async () => {
    const world = await deliveryWorld();
    const people = await seedSubscribers(world.subscribers, 3, (i) => (i === 1 ? 'unsubscribed' : 'active'));
    const mailer = recordingMailer();

    const outcome = await deliverToAll(world, people, mailer);

    expect(outcome.skipped).toEqual([{ id: people[1]?.hash, reason: 'not-subscribed' }]);
    expect(mailer.sent).toHaveLength(2);
  });

  it('defers a recipient whose claim another live sender holds, and takes it over after the lease', async () => {
    const world = await deliveryWorld();
    const [person] = await seedSubscribers(world.subscribers, 1);
    const time = fakeClock();
    const ledger = createLedger(world.state, { leaseMs: 60_000 });
    await ledger.claim(world.issueId, person?.hash ?? '', time.clock());
    const mailer = recordingMailer();
    const deps = { ...senderDeps(world, mailer, time), ledger };

    const first = await deliverBatch(batchOf(world.issueId, [person?.hash ?? '']), deps, TEST_SETTINGS);
    time.advance(61_000);
    const second = await deliverBatch(batchOf(world.issueId, [person?.hash ?? '']), deps, TEST_SETTINGS);

    expect(first.failed).toHaveLength(1);
    expect(second.sent).toHaveLength(1);
    expect(mailer.sent).toHaveLength(1);
  });

  it('backs off on SES throttling and a refused connection, and then sends', async () => {
    const world = await deliveryWorld();
    const [person] = await seedSubscribers(world.subscribers, 1);
    const throttled = Object.assign(new Error('Maximum sending rate exceeded.'), {
      name: 'Throttling',
      $metadata: { httpStatusCode: 400 },
    });
    ses
      .on(SendRawEmailCommand)
      .rejectsOnce(throttled)
      .rejectsOnce(Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), { code: 'ECONNREFUSED' }))
      .resolves({ MessageId: 'ses-1' });
    const slept: number[] = [];
    const time = fakeClock();
    const deps = {
      ...senderDeps(world, createSesMailer({ client: new SESClient({}), configurationSet: 'hb-set' }), time),
      sleep: async (ms: number) => {
        slept.push(ms);
      },
    };

    const outcome = await deliverBatch(batchOf(world.issueId, [person?.hash ?? '']), deps, TEST_SETTINGS);

    expect(outcome.sent).toEqual([person?.hash]);
    expect(ses.commandCalls(SendRawEmailCommand)).toHaveLength(3);
    expect(ses.commandCalls(SendRawEmailCommand)[0]?.args[0].input).toMatchObject({
      ConfigurationSetName: 'hb-set',
      Destinations: [person?.address],
    });
    expect(slept).toHaveLength(2);
    expect(slept[1]).toBeGreaterThan(slept[0] ?? 0);
  });

  it('reports a recipient SES rejects for good as failed and releases its claim for the retry', async () => {
    const world = await deliveryWorld();
    const people = await seedSubscribers(world.subscribers, 2);
    const failing = people[0]?.hash;
    const mailer = rejecting(failing);

    const outcome = await deliverToAll(world, people, mailer);

    expect(outcome.failed.map((f) => f.id)).toEqual([failing]);
    expect(outcome.sent).toEqual([people[1]?.hash]);
    const entry = await world.state.get(ledgerKey(world.issueId, failing ?? ''));
    expect(JSON.parse(entry?.body.toString('utf8') ?? '{}')).toMatchObject({ state: 'released' });

    // The retried message sends to the released recipient at once, and only to it.
    const retried: string[] = [];
    const working: Mailer = {
      async send(mail) {
        retried.push(mail.recipientHash);
        return { messageId: 'ok' };
      },
    };
    const retry = await deliverToAll(world, people, working);
    expect(retried).toEqual([failing]);
    expect(retry.skipped.map((s) => s.id)).toEqual([people[1]?.hash]);
  });
});

describe('classifySesError', () => {
  const sdkError = (name: string, extra: Record<string, unknown> = {}, message = name) =>
    Object.assign(new Error(message), { name, ...extra });

  it.each([
    ['throttling', sdkError('Throttling', { $metadata: { httpStatusCode: 400 } }), 'retry'],
    [
      'the max send rate',
      sdkError('MessageRejected', { $metadata: { httpStatusCode: 400 } }, 'Maximum sending rate exceeded.'),
      'retry',
    ],
    ['a refused connection', sdkError('Error', { code: 'ECONNREFUSED' }), 'retry'],
    ['a DNS failure', sdkError('Error', { code: 'ENOTFOUND' }), 'retry'],
    [
      'a connect timeout',
      sdkError(
        'TimeoutError',
        {},
        'the request socket did not establish a connection with the server within the configured timeout of 3000 ms.',
      ),
      'retry',
    ],
    [
      'a reset after sending',
      sdkError('TimeoutError', { code: 'ECONNRESET' }, 'socket hang up'),
      'ambiguous',
    ],
    ['a broken pipe', sdkError('TimeoutError', { code: 'EPIPE' }), 'ambiguous'],
    ['a request timeout', sdkError('TimeoutError', { code: 'ETIMEDOUT' }), 'ambiguous'],
    [
      'an internal failure',
      sdkError('InternalFailure', { $fault: 'server', $metadata: { httpStatusCode: 500 } }),
      'ambiguous',
    ],
    [
      'a 503',
      sdkError('ServiceUnavailable', { $fault: 'server', $metadata: { httpStatusCode: 503 } }),
      'retry',
    ],
    [
      'a 504',
      sdkError('GatewayTimeout', { $fault: 'server', $metadata: { httpStatusCode: 504 } }),
      'ambiguous',
    ],
    ['a rejected message', sdkError('MessageRejected', { $metadata: { httpStatusCode: 400 } }), 'refused'],
  ])('classifies %s as %s', (_name, error, expected) => {
    expect(classifySesError(error)).toBe(expected);
  });
});

describe('deliverBatch on an ambiguous SES failure', () => {
  it('neither retries nor releases the claim, so only the redelivery after the lease sends again', async () => {
    // Arrange: the connection is reset after the request went out; SES may have accepted the mail.
    const world = await deliveryWorld();
    const [person] = await seedSubscribers(world.subscribers, 1);
    const id = person?.hash ?? '';
    ses
      .on(SendRawEmailCommand)
      .rejectsOnce(Object.assign(new Error('socket hang up'), { name: 'TimeoutError', code: 'ECONNRESET' }))
      .resolves({ MessageId: 'ses-2' });
    const time = fakeClock();
    const slept: number[] = [];
    const deps: SenderDeps = {
      ...senderDeps(world, createSesMailer({ client: new SESClient({}) }), time),
      ledger: createLedger(world.state, { leaseMs: 60_000 }),
      sleep: async (ms: number) => {
        slept.push(ms);
      },
    };

    // Act
    const outcome = await deliverBatch(batchOf(world.issueId, [id]), deps, TEST_SETTINGS);

    // Assert: one attempt, no backoff, the claim still held.
    expect(outcome.failed).toEqual([{ id, reason: SEND_OUTCOME_UNKNOWN }]);
    expect(ses.commandCalls(SendRawEmailCommand)).toHaveLength(1);
    expect(slept).toEqual([]);
    const entry = await world.state.get(ledgerKey(world.issueId, id));
    expect(JSON.parse(entry?.body.toString('utf8') ?? '{}')).toMatchObject({ state: 'sending' });

    // Act: a redelivery within the lease, then one after it.
    time.advance(30_000);
    const early = await deliverBatch(batchOf(world.issueId, [id]), deps, TEST_SETTINGS);
    time.advance(31_000);
    const late = await deliverBatch(batchOf(world.issueId, [id]), deps, TEST_SETTINGS);

    // Assert
    expect(early.failed).toEqual([{ id, reason: 'claimed by another sender' }]);
    expect(late.sent).toEqual([id]);
    expect(ses.commandCalls(SendRawEmailCommand)).toHaveLength(2);
  });
});

describe('deliverBatch against the invocation deadline', () => {
  /** Time left until `deadlineMs` after the fake clock's start, as Lambda's getRemainingTimeInMillis. */
  const deadline = (time: ReturnType<typeof fakeClock>, deadlineMs: number) => {
    const end = time.clock().getTime() + deadlineMs;
    return () => end - time.clock().getTime();
  };

  it('stops claiming when less than the margin is left, and the redelivery sends only to the rest', async () => {
    // Arrange: SES takes 20 s per send (a slow, sandbox-rate account), the invocation has 50 s.
    const world = await deliveryWorld();
    const people = await seedSubscribers(world.subscribers, 4);
    const hashes = people.map((p) => p.hash);
    const time = fakeClock();
    const mailer = recordingMailer();
    const slow: Mailer = {
      async send(mail) {
        time.advance(20_000);
        return mailer.send(mail);
      },
    };
    const deps = { ...senderDeps(world, slow, time), timeLeftMs: deadline(time, 50_000) };

    // Act
    const outcome = await deliverBatch(batchOf(world.issueId, hashes), deps, {
      ...TEST_SETTINGS,
      concurrency: 1,
    });

    // Assert: two sends fit (50 s, then 30 s left); at 10 s left the other two are not even claimed.
    expect(outcome.sent).toEqual(hashes.slice(0, 2));
    expect(outcome.failed).toEqual(hashes.slice(2).map((id) => ({ id, reason: OUT_OF_TIME })));
    for (const id of hashes.slice(2)) expect(await world.state.get(ledgerKey(world.issueId, id))).toBeNull();

    // Act: the message comes back to a fresh invocation.
    const retry = await deliverBatch(
      batchOf(world.issueId, hashes),
      { ...deps, timeLeftMs: deadline(time, 60_000) },
      { ...TEST_SETTINGS, concurrency: 1 },
    );

    // Assert: each recipient got exactly one mail in all.
    expect(retry.sent).toEqual(hashes.slice(2));
    expect(retry.skipped.map((s) => s.reason)).toEqual(['already-sent', 'already-sent']);
    expect(mailer.sent.map((m) => m.recipientHash)).toEqual(hashes);
  });

  it('releases a claim without sending when the rate limiter’s wait used up the time', async () => {
    // Arrange: claimed with 50 s left, but the limiter makes it wait 40 s for its slot.
    const world = await deliveryWorld();
    const [person] = await seedSubscribers(world.subscribers, 1);
    const id = person?.hash ?? '';
    const time = fakeClock();
    const mailer = recordingMailer();
    const deps: SenderDeps = {
      ...senderDeps(world, mailer, time),
      limiter: { acquire: async () => time.advance(40_000) },
      timeLeftMs: deadline(time, 50_000),
    };

    // Act
    const outcome = await deliverBatch(batchOf(world.issueId, [id]), deps, TEST_SETTINGS);

    // Assert: nothing sent, the recipient back for the retry, the claim free to be taken at once.
    expect(mailer.sent).toHaveLength(0);
    expect(outcome.failed).toEqual([{ id, reason: OUT_OF_TIME }]);
    const entry = await world.state.get(ledgerKey(world.issueId, id));
    expect(JSON.parse(entry?.body.toString('utf8') ?? '{}')).toMatchObject({ state: 'released' });
  });
});

describe('createTokenBucket', () => {
  it('spaces acquisitions at the configured rate', async () => {
    const time = fakeClock();
    const start = time.clock().getTime();
    const bucket = createTokenBucket({ ratePerSecond: 10, clock: time.clock, sleep: time.sleep });

    for (let i = 0; i < 11; i++) await bucket.acquire();

    expect(time.clock().getTime() - start).toBe(1000);
  });
});

describe('processSendEvent', () => {
  const record = (messageId: string, body: string) => sqsRecord({ MessageId: messageId, Body: body });

  it('returns only the messages with failed recipients or invalid bodies in batchItemFailures', async () => {
    const world = await deliveryWorld();
    const people = await seedSubscribers(world.subscribers, 4);
    const bad = people[2]?.hash;
    const mailer = rejecting(bad);
    const deps = senderDeps(world, mailer);
    const event = {
      Records: [
        record(
          'm-ok',
          JSON.stringify(batchOf(world.issueId, [people[0]?.hash ?? '', people[1]?.hash ?? ''])),
        ),
        record('m-partial', JSON.stringify(batchOf(world.issueId, [bad ?? '', people[3]?.hash ?? '']))),
        record('m-poison', '{"issueId":"x","recipients":"nope"}'),
      ],
    };

    const response = await processSendEvent(event, (m) => deliverBatch(m, deps, TEST_SETTINGS));

    expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['m-partial', 'm-poison']);
  });
});

describe('planDelivery', () => {
  it('enqueues one message per batch of active subscribers through SendMessageBatch in tens', async () => {
    const world = await deliveryWorld();
    await seedSubscribers(world.subscribers, 25, (i) => (i % 5 === 0 ? 'bounced' : 'active'));
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const queue = createSqsSendQueue({ client: new SQSClient({}), queueUrl: 'http://127.0.0.1/q' });

    const plan = await planDelivery({
      issueId: world.issueId,
      subscribers: world.subscribers,
      queue,
      recipientsPerMessage: 1,
    });

    expect(plan).toEqual({ issueId: world.issueId, recipients: 20, queued: 20, unreadable: 0 });
    const calls = sqs.commandCalls(SendMessageBatchCommand);
    expect(calls.map((c) => c.args[0].input.Entries?.length)).toEqual([10, 10]);
    const body = JSON.parse(calls[0]?.args[0].input.Entries?.[0]?.MessageBody ?? '{}');
    expect(body).toMatchObject({
      v: 1,
      issueId: world.issueId,
      recipients: [{ id: expect.stringMatching(/^[0-9a-f]{64}$/) }],
    });
    expect(JSON.stringify(body)).not.toContain('@');
  });

  it('retries entries SQS reports as failed', async () => {
    const world = await deliveryWorld();
    await seedSubscribers(world.subscribers, 2);
    sqs
      .on(SendMessageBatchCommand)
      .resolvesOnce({ Failed: [{ Id: '1', Code: 'x', SenderFault: false }] })
      .resolves({ Failed: [] });
    const queue = createSqsSendQueue({ client: new SQSClient({}), queueUrl: 'http://127.0.0.1/q' });

    await planDelivery({
      issueId: world.issueId,
      subscribers: world.subscribers,
      queue,
      recipientsPerMessage: 1,
    });

    const calls = sqs.commandCalls(SendMessageBatchCommand);
    expect(calls.map((c) => c.args[0].input.Entries?.map((e) => e.Id))).toEqual([['0', '1'], ['1']]);
  });
});

describe('deliverBatch when one recipient throws an error that is not a send failure', () => {
  it('settles every send already started before the error propagates, leaving no claim in sending', async () => {
    // Arrange: three recipients in flight at once; the first one's transport fails with a bug (not a
    // SendError, so it propagates) while the other two are still waiting for SES.
    const world = await deliveryWorld();
    const [broken, slowA, slowB] = await seedSubscribers(world.subscribers, 3);
    const ledger = createLedger(world.state);
    let inFlight = 0;
    const mailer: Mailer = {
      async send(mail) {
        inFlight++;
        try {
          if (mail.recipientHash === broken?.hash) {
            await new Promise((resolve) => setTimeout(resolve, 5));
            throw new Error('transport bug');
          }
          await new Promise((resolve) => setTimeout(resolve, 40));
          return { messageId: `ses-${mail.recipientHash.slice(0, 8)}` };
        } finally {
          inFlight--;
        }
      },
    };
    const deps = { ...senderDeps(world, mailer), ledger };
    const ids = [broken?.hash ?? '', slowA?.hash ?? '', slowB?.hash ?? ''];

    // Act
    await expect(deliverBatch(batchOf(world.issueId, ids), deps, TEST_SETTINGS)).rejects.toThrow(
      'transport bug',
    );
    const inFlightAtReturn = inFlight;
    const states = await Promise.all(ids.map((id) => ledger.read(world.issueId, id)));

    // Assert: nothing runs on behind the error, and the two sends that were under way are recorded.
    expect(inFlightAtReturn).toBe(0);
    expect(states.map((s) => s?.state)).toEqual(['sending', 'sent', 'sent']);
  });

  it('starts no further recipient after the error', async () => {
    // Arrange: one recipient at a time; the first one fails.
    const world = await deliveryWorld();
    const [broken, next] = await seedSubscribers(world.subscribers, 2);
    const mailer = recordingMailer();
    const failing: Mailer = {
      async send(mail) {
        if (mail.recipientHash === broken?.hash) throw new Error('transport bug');
        return mailer.send(mail);
      },
    };

    // Act
    await expect(
      deliverBatch(
        batchOf(world.issueId, [broken?.hash ?? '', next?.hash ?? '']),
        senderDeps(world, failing),
        {
          ...TEST_SETTINGS,
          concurrency: 1,
        },
      ),
    ).rejects.toThrow('transport bug');

    // Assert
    expect(mailer.sent).toHaveLength(0);
    expect(await createLedger(world.state).read(world.issueId, next?.hash ?? '')).toBeNull();
  });
});
