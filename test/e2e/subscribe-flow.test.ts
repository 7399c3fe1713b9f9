/**
 * Double opt-in through the REAL handlers on emulators: the subscribe endpoint (functions/subscribe.ts)
 * queues each sign-up on SQS (fauxqs), the sign-up worker (functions/signup.ts) drains it as Lambda would;
 * S3 (fauxqs behind the conditional-write proxy) and SES (aws-ses-v2-local behind a recorder of the raw
 * MIME).
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createS3ArchiveStore } from '../../src/archive/s3-store';
import { addressHash } from '../../src/delivery/address';
import { createSubscriberStore, type SubscriberStore } from '../../src/delivery/subscribers';
import { type AwsEmulators, functionUrlEvent, setEnv, startAwsEmulators } from '../support/e2e-aws';

const LINKS = 'https://links.example.com';
type Endpoint = { handler: (event: unknown) => Promise<{ statusCode: number; body: string }> };
type Worker = { handler: (event: SQSEvent) => Promise<SQSBatchResponse> };

let aws: AwsEmulators;
let restoreEnv: () => void = () => {};
let subscribe: Endpoint;
let signup: Worker;
let signupQueueUrl: string;
let subscribers: SubscriberStore;

beforeAll(async () => {
  aws = await startAwsEmulators({ bucket: 'hashbrief-subscribe' });
  signupQueueUrl = await aws.createQueue('hashbrief-signup');
  restoreEnv = setEnv({
    ...aws.env,
    HASHBRIEF_SIGNUP_QUEUE_URL: signupQueueUrl,
    HASHBRIEF_LINKS_BASE_URL: LINKS,
    HASHBRIEF_TOKEN_SECRET: 'e2e-token-secret-0123456789abcdef',
    HASHBRIEF_FROM_ADDRESS: 'hashbrief <briefing@example.com>',
  });
  vi.resetModules();
  subscribe = (await import('../../functions/subscribe')) as Endpoint;
  signup = (await import('../../functions/signup')) as Worker;
  subscribers = createSubscriberStore(createS3ArchiveStore({ client: aws.s3, bucket: aws.bucket }));
}, 60_000);

afterAll(async () => {
  restoreEnv();
  await aws?.stop();
});

const post = (email: string) =>
  subscribe.handler(
    functionUrlEvent({
      method: 'POST',
      path: '/subscribe',
      body: new URLSearchParams({ email }).toString(),
      contentType: 'application/x-www-form-urlencoded',
    }),
  );

/** Runs the sign-up worker over the queue as the event source mapping would; returns the failures. */
async function runSignupWorker(): Promise<number> {
  let failures = 0;
  for (let event = await aws.receiveEvent(signupQueueUrl); event.Records.length > 0; ) {
    const response = await signup.handler(event);
    const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
    failures += failed.size;
    await aws.deleteRecords(
      event.Records.filter((r) => !failed.has(r.messageId)),
      signupQueueUrl,
    );
    if (failed.size > 0) break;
    event = await aws.receiveEvent(signupQueueUrl);
  }
  return failures;
}

/** A form sign-up followed by the worker's run: what a reader sees a few seconds after submitting. */
async function signUp(email: string) {
  const response = await post(email);
  await runSignupWorker();
  return response;
}

/** The confirm token in a captured message (quoted-printable soft breaks and escapes undone). */
function confirmToken(raw: string): string {
  const text = raw.replace(/=\r?\n/g, '').replace(/=3D/gi, '=');
  const match = text.match(/\/confirm\?token=([A-Za-z0-9._-]+)/);
  if (!match?.[1]) throw new Error('no confirm link in the message');
  return match[1];
}

describe('subscribe endpoint (double opt-in)', () => {
  const reader = 'new.reader@example.com';

  it('answers 202 and mails a confirmation link to a new address, leaving it pending', async () => {
    const response = await signUp(reader);

    expect(response.statusCode).toBe(202);
    const mails = aws.captured();
    expect(mails).toHaveLength(1);
    expect(mails[0]?.destinations).toEqual([reader]);
    expect(confirmToken(mails[0]?.raw ?? '')).not.toBe('');
    expect((await subscribers.get(addressHash(reader)))?.subscriber.status).toBe('pending');
  });

  it('gives the same answer to a repeat request and does not mail again (rate limit)', async () => {
    const first = aws.captured().length;

    const response = await signUp(reader);

    expect(response.statusCode).toBe(202);
    expect(response.body).toBe((await signUp('someone.else@example.com')).body);
    expect(aws.captured().length).toBe(first + 1); // only someone.else got a mail
  });

  it('activates the subscription from the emailed link, once', async () => {
    const token = confirmToken(aws.captured()[0]?.raw ?? '');

    const confirmed = await subscribe.handler(
      functionUrlEvent({ method: 'GET', path: '/confirm', query: { token } }),
    );
    const again = await subscribe.handler(
      functionUrlEvent({ method: 'GET', path: '/confirm', query: { token } }),
    );

    expect(confirmed.statusCode).toBe(200);
    expect(again.statusCode).toBe(200);
    expect((await subscribers.get(addressHash(reader)))?.subscriber.status).toBe('active');
  });

  it('does not reveal that an address is already active: same answer, no mail', async () => {
    const before = aws.captured().length;
    const fresh = await signUp('third.reader@example.com');

    const active = await signUp(reader);

    expect(active.statusCode).toBe(fresh.statusCode);
    expect(active.body).toBe(fresh.body);
    expect(aws.captured().length).toBe(before + 1);
  });

  it('rejects a tampered confirm token and a malformed address', async () => {
    const token = confirmToken(aws.captured()[0]?.raw ?? '');
    const tampered = `${token.slice(0, -2)}xx`;

    const bad = await subscribe.handler(
      functionUrlEvent({ method: 'GET', path: '/confirm', query: { token: tampered } }),
    );
    const malformed = await post('not-an-address');

    expect(bad.statusCode).toBe(400);
    expect(malformed.statusCode).toBe(400);
    expect((await aws.receiveEvent(signupQueueUrl)).Records).toEqual([]); // nothing queued for it
  });

  it('answers at once without reading the list: 202 while the subscriber store is down, no 1.5 s floor', async () => {
    // Arrange: every S3 request fails, as in an outage.
    aws.setS3Fault(() => 500);
    const before = aws.captured().length;

    // Act
    const started = performance.now();
    const response = await post('during.outage@example.com').finally(() => aws.setS3Fault(() => undefined));
    const elapsedMs = performance.now() - started;
    const failures = await runSignupWorker();

    // Assert: the answer did not wait for S3 or SES, and the queued sign-up is mailed once S3 is back.
    expect(response.statusCode).toBe(202);
    expect(elapsedMs).toBeLessThan(1_000);
    expect(failures).toBe(0);
    expect(aws.captured().length).toBe(before + 1);
    expect(aws.captured().at(-1)?.destinations).toEqual(['during.outage@example.com']);
  });

  it('serves a sign-up form on a plain GET (the subscribe link on the archive pages)', async () => {
    const response = await subscribe.handler(functionUrlEvent({ method: 'GET', path: '/subscribe' }));

    expect(response.statusCode).toBe(200);
    expect(response.body).toMatch(/<form method="post">/);
    expect(response.body).toMatch(/<input id="email" name="email" type="email" required/);
  });

  it('answers a browser form with a page and an API client with JSON, in the same words', async () => {
    const form = await signUp('form.reader@example.com');
    const json = await subscribe.handler(
      functionUrlEvent({
        method: 'POST',
        path: '/subscribe',
        body: JSON.stringify({ email: 'json.reader@example.com' }),
        contentType: 'application/json',
      }),
    );
    await runSignupWorker();

    expect(form.statusCode).toBe(202);
    expect(form.body).toContain('<h1>Check your inbox</h1>');
    expect(json.statusCode).toBe(202);
    const message = (JSON.parse(json.body) as { message: string }).message;
    expect(form.body).toContain(message);
  });

  it('shows the form again with the reason when a browser submits a malformed address', async () => {
    const response = await post('not an address');

    expect(response.statusCode).toBe(400);
    expect(response.body).toMatch(/<p role="alert"><strong>[^<]+<\/strong><\/p>/);
    expect(response.body).toContain('<form method="post">');
  });
});
