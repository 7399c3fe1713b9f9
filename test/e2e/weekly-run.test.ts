/**
 * A full weekly run on emulators only, through the REAL Lambda handlers (functions/*.ts): the upstream
 * emulator (Coin Metrics + mempool), fauxqs for S3 and SQS (S3 behind a proxy that enforces conditional
 * writes, which fauxqs ignores), aws-ses-v2-local for SES (behind a proxy that keeps the raw MIME).
 * The handlers read their environment at cold start, so each "cold start" sets process.env, resets the
 * module registry and imports the handler afresh. The tests in this file run in order and share one world.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AlertJobResult } from '../../src/alerts/alert-job';
import { parseIndexManifest, parseLatestManifest } from '../../src/archive/manifest';
import { createS3ArchiveStore } from '../../src/archive/s3-store';
import type { ArchiveStore } from '../../src/archive/store';
import { addDays, utcDay } from '../../src/days';
import { hashNormalizedAddress, normalizeAddress } from '../../src/delivery/address';
import {
  createSubscriberStore,
  newSubscriber,
  type SubscriberStatus,
  type SubscriberStore,
} from '../../src/delivery/subscribers';
import { verifyToken } from '../../src/delivery/tokens';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server';
import type { ReportJobResult } from '../../src/pipeline/report-job';
import { snapshotSchema } from '../../src/snapshot/schema';
import { liveLikeDataset } from '../support/datasets';
import {
  type AwsEmulators,
  functionUrlEvent,
  headerBlock,
  oneClickUnsubscribeEvent,
  setEnv,
  snsEvent,
  startAwsEmulators,
} from '../support/e2e-aws';

const SECRET = 'e2e-token-secret-0123456789abcdef';
const LINKS = 'https://links.example.com';
const PER_MESSAGE = 3;

// Week 1's data ends 8 days ago, week 2's yesterday: both are "this week's issue" when they run. The
// handlers run on the real clock, so week 1 behaves like a week whose Coin Metrics data lags: the
// present-only mempool sources (pools, difficulty, tip, rewards, price) are skipped, not misdated.
const today = utcDay(new Date());
const WEEK1 = addDays(today, -8);
const WEEK2 = addDays(today, -1);
const BACKFILL = addDays(WEEK1, -14);

type Report = { handler: (event: unknown) => Promise<ReportJobResult> };
type Sender = { handler: (event: SQSEvent) => Promise<SQSBatchResponse> };
type Endpoint = { handler: (event: unknown) => Promise<{ statusCode: number; body: string }> };
type Feedback = { handler: (event: unknown) => Promise<void> };

let aws: AwsEmulators;
let week1: RunningEmulator;
let week2: RunningEmulator;
let restoreEnv: () => void = () => {};
let archive: ArchiveStore;
let subscribers: SubscriberStore;
const people: { address: string; hash: string; status: SubscriberStatus }[] = [];
const TESTER = 'editor@example.org';

/** Sets the environment and imports a handler as a fresh cold start. */
async function coldStart<T>(module: string, vars: Record<string, string> = {}): Promise<T> {
  restoreEnv();
  restoreEnv = setEnv({
    ...aws.env,
    HASHBRIEF_COINMETRICS_URL: week1.coinMetricsUrl,
    HASHBRIEF_MEMPOOL_URL: week1.mempoolUrl,
    HASHBRIEF_LINKS_BASE_URL: LINKS,
    HASHBRIEF_TOKEN_SECRET: SECRET,
    HASHBRIEF_FROM_ADDRESS: 'hashbrief <briefing@example.com>',
    HASHBRIEF_MAX_SEND_RATE: '500',
    HASHBRIEF_RECIPIENTS_PER_MESSAGE: String(PER_MESSAGE),
    HASHBRIEF_HTTP_RETRIES: '0',
    ...vars,
  });
  vi.resetModules();
  return (await import(module)) as T;
}

/** Feeds the queue to the sender like the SQS event source does, until it is empty; returns messages seen. */
async function drainQueue(sender: Sender): Promise<{ messages: number; bodies: string[] }> {
  const bodies: string[] = [];
  for (let idle = 0; idle < 2; ) {
    const event = await aws.receiveEvent();
    if (event.Records.length === 0) {
      idle++;
      await new Promise((r) => setTimeout(r, 250));
      continue;
    }
    idle = 0;
    bodies.push(...event.Records.map((r) => r.body));
    const response = await sender.handler(event);
    const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
    await aws.deleteRecords(event.Records.filter((r) => !failed.has(r.messageId)));
  }
  return { messages: bodies.length, bodies };
}

/** Mails per subscriber hash among SES store entries (addresses never leave this function). */
function countByHash(destinations: string[][]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const to of destinations.flat()) {
    const hash = hashNormalizedAddress(normalizeAddress(to));
    counts.set(hash, (counts.get(hash) ?? 0) + 1);
  }
  return counts;
}

async function readJson(key: string): Promise<Buffer> {
  const object = await archive.get(key);
  if (!object) throw new Error(`${key} is missing`);
  return object.body;
}

beforeAll(async () => {
  [aws, week1, week2] = await Promise.all([
    startAwsEmulators(),
    startEmulator({ dataset: liveLikeDataset({ endDate: WEEK1 }) }),
    startEmulator({ dataset: liveLikeDataset({ endDate: WEEK2 }) }),
  ]);
  archive = createS3ArchiveStore({ client: aws.s3, bucket: aws.bucket });
  subscribers = createSubscriberStore(archive);
  const statuses: SubscriberStatus[] = [
    'active',
    'active',
    'active',
    'unsubscribed',
    'active',
    'active',
    'bounced',
    'active',
    'active',
    'pending',
  ];
  for (const [i, status] of statuses.entries()) {
    const address = normalizeAddress(`reader${i}@example.com`);
    await subscribers.put(newSubscriber(address, status, 'operator', new Date()), null);
    people.push({ address, hash: hashNormalizedAddress(address), status });
  }
});

afterAll(async () => {
  restoreEnv();
  await Promise.all([aws?.stop(), week1?.close(), week2?.close()]);
});

const active = () => people.filter((p) => p.status === 'active');

describe('a weekly run on emulators, through the real handlers', () => {
  let firstDelivery: { destinations: string[]; raw: string }[] = [];

  it('the schedule event archives the week’s issue and enqueues one SQS message per batch of active subscribers', async () => {
    // Arrange
    const report = await coldStart<Report>('../../functions/report');

    // Act
    const result = await report.handler({});

    // Assert: the issue and its manifests are in the bucket.
    expect(result).toMatchObject({ issueId: WEEK1, asOf: WEEK1, status: 'created' });
    const snapshot = snapshotSchema.parse(
      JSON.parse((await readJson(`issues/${WEEK1}/snapshot.json`)).toString()),
    );
    expect(snapshot).toMatchObject({ issueId: WEEK1, asOf: WEEK1, sample: false });
    const byStatus = (status: string) =>
      snapshot.sources.filter((s) => s.status === status).map((s) => s.name);
    expect(byStatus('ok').sort()).toEqual(['coinmetrics-asset-metrics', 'mempool-hashrate']);
    expect(byStatus('failed')).toEqual([]);
    expect(snapshot.metrics.hashprice.usdPerPhDay).toBeGreaterThan(0);
    const keys = await archive.list(`issues/${WEEK1}/`);
    for (const name of ['newsletter.html', 'newsletter.txt', 'metrics.csv', 'email.json'])
      expect(keys).toContain(`issues/${WEEK1}/${name}`);
    expect(parseIndexManifest(await readJson('index.json')).issues.map((e) => e.issueId)).toEqual([WEEK1]);
    expect(parseLatestManifest(await readJson('latest.json')).issue?.issueId).toBe(WEEK1);
    expect((await readJson('index.html')).toString()).toContain(WEEK1);
    // One message per batch, hashes only.
    const expectedBatches = Math.ceil(active().length / PER_MESSAGE);
    expect(result.delivery).toMatchObject({ queued: expectedBatches, recipients: active().length });
    expect(await aws.queueDepth()).toBe(expectedBatches);
  });

  it('the sender delivers exactly one email per active subscriber, none to the others, each with one-click unsubscribe', async () => {
    // Arrange
    const sender = await coldStart<Sender>('../../functions/sender');
    const before = (await aws.sesStore()).length;

    // Act
    const drained = await drainQueue(sender);

    // Assert: every batch seen once, no address in any body.
    expect(drained.messages).toBe(Math.ceil(active().length / PER_MESSAGE));
    for (const body of drained.bodies) expect(body).not.toContain('@');
    const store = (await aws.sesStore()).slice(before);
    const counts = countByHash(store.map((m) => m.destination.to));
    for (const p of active()) expect(counts.get(p.hash), `subscriber ${p.hash.slice(0, 8)}`).toBe(1);
    for (const p of people.filter((x) => x.status !== 'active')) expect(counts.has(p.hash)).toBe(false);
    expect(store).toHaveLength(active().length);

    firstDelivery = aws.captured();
    expect(firstDelivery).toHaveLength(active().length);
    for (const mail of firstDelivery) {
      const hash = hashNormalizedAddress(mail.destinations[0] ?? '');
      const headers = headerBlock(mail.raw);
      const link = /^List-Unsubscribe: <([^>]+)>/m.exec(headers)?.[1] ?? '';
      expect(link.startsWith(`${LINKS}/unsubscribe?token=`)).toBe(true);
      const token = new URL(link).searchParams.get('token') ?? '';
      expect(verifyToken({ secret: SECRET, token, purpose: 'unsubscribe', now: new Date() })).toEqual({
        subscriberHash: hash,
      });
      expect(headers).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
      expect(headers).toContain(`Message-ID: <${WEEK1}.${hash.slice(0, 32)}@example.com>`);
    }
    // The ledger says sent for each active subscriber.
    expect(await archive.list(`ledger/${WEEK1}/`)).toHaveLength(active().length);
  });

  it('a manual { asOf } run archives that day’s issue without mailing the list', async () => {
    // Arrange
    const report = await coldStart<Report>('../../functions/report');
    const mailsBefore = aws.captured().length;

    // Act
    const result = await report.handler({ asOf: BACKFILL });

    // Assert
    expect(result).toMatchObject({ issueId: BACKFILL, status: 'created', delivery: { queued: 0 } });
    const snapshot = snapshotSchema.parse(
      JSON.parse((await readJson(`issues/${BACKFILL}/snapshot.json`)).toString()),
    );
    // Present-only mempool endpoints are skipped for a past day.
    expect(snapshot.sources.filter((s) => s.status === 'skipped').length).toBeGreaterThan(0);
    expect(snapshot.metrics.pools.hhi).toBeNull();
    expect(
      parseIndexManifest(await readJson('index.json'))
        .issues.map((e) => e.issueId)
        .sort(),
    ).toEqual([BACKFILL, WEEK1].sort());
    // The newest issue stays the latest.
    expect(parseLatestManifest(await readJson('latest.json')).issue?.issueId).toBe(WEEK1);
    expect(await aws.queueDepth()).toBe(0);
    expect(aws.captured()).toHaveLength(mailsBefore);
  });

  it('a test send { sendTo } mails exactly that address once, marked [test], without rewriting the issue', async () => {
    // Arrange
    const report = await coldStart<Report>('../../functions/report');
    const snapshotBefore = await archive.get(`issues/${WEEK1}/snapshot.json`);
    const mailsBefore = aws.captured().length;
    const storeBefore = (await aws.sesStore()).length;

    // Act
    const result = await report.handler({ sendTo: [TESTER] });

    // Assert
    expect(result).toMatchObject({ issueId: WEEK1, status: 'already-archived' });
    expect(result.delivery).toMatchObject({ queued: 0, testSends: 1 });
    const fresh = aws.captured().slice(mailsBefore);
    expect(fresh).toHaveLength(1);
    expect(hashNormalizedAddress(fresh[0]?.destinations[0] ?? '')).toBe(hashNormalizedAddress(TESTER));
    const store = (await aws.sesStore()).slice(storeBefore);
    expect(store).toHaveLength(1);
    expect(store[0]?.subject.startsWith('[test] ')).toBe(true);
    expect(await aws.queueDepth()).toBe(0);
    expect((await archive.get(`issues/${WEEK1}/snapshot.json`))?.etag).toBe(snapshotBefore?.etag);
  });

  it('a one-click unsubscribe POST and a permanent bounce suppress the two addresses', async () => {
    // Arrange: the unsubscribe link of a delivered email, and a bounce for another reader.
    const [leaver, bouncer] = active();
    if (!leaver || !bouncer) throw new Error('need two active readers');
    const mail = firstDelivery.find((m) => hashNormalizedAddress(m.destinations[0] ?? '') === leaver.hash);
    const link = new URL(/^List-Unsubscribe: <([^>]+)>/m.exec(headerBlock(mail?.raw ?? ''))?.[1] ?? 'x:');
    const unsubscribe = await coldStart<Endpoint>('../../functions/unsubscribe');
    const feedback = await coldStart<Feedback>('../../functions/feedback');

    // Act: RFC 8058 one-click (POST, form body List-Unsubscribe=One-Click) and an SES bounce via SNS.
    const scannerGet = await unsubscribe.handler(
      functionUrlEvent({ method: 'GET', path: link.pathname, query: Object.fromEntries(link.searchParams) }),
    );
    const afterGet = (await subscribers.get(leaver.hash))?.subscriber.status;
    const post = await unsubscribe.handler(oneClickUnsubscribeEvent(link));
    await feedback.handler(
      snsEvent({
        notificationType: 'Bounce',
        bounce: {
          bounceType: 'Permanent',
          bounceSubType: 'General',
          bouncedRecipients: [{ emailAddress: bouncer.address }],
        },
      }),
    );

    // Assert
    expect(scannerGet.statusCode).toBe(200);
    expect(afterGet).toBe('active');
    expect(post.statusCode).toBe(200);
    expect((await subscribers.get(leaver.hash))?.subscriber.status).toBe('unsubscribed');
    expect((await subscribers.get(bouncer.hash))?.subscriber.status).toBe('bounced');
    leaver.status = 'unsubscribed';
    bouncer.status = 'bounced';
  });

  it('the next week’s issue reaches everyone else exactly once and neither suppressed address', async () => {
    // Arrange: a week later, the upstream has seven more days. It is another UTC day then, so today's
    // record of which issue a run without an as-of resolved to (runs/days/<today>.json) is not the one
    // this run looks up; the test's clock cannot move, so the record goes.
    await archive.delete(`runs/days/${today}.json`);
    const report = await coldStart<Report>('../../functions/report', {
      HASHBRIEF_COINMETRICS_URL: week2.coinMetricsUrl,
      HASHBRIEF_MEMPOOL_URL: week2.mempoolUrl,
    });
    const storeBefore = (await aws.sesStore()).length;

    // Act
    const result = await report.handler({});
    const sender = await coldStart<Sender>('../../functions/sender');
    const drained = await drainQueue(sender);

    // Assert
    expect(result).toMatchObject({ issueId: WEEK2, status: 'created' });
    // Week 2's data ends yesterday: a current report, every source used.
    const week2Snapshot = snapshotSchema.parse(
      JSON.parse((await readJson(`issues/${WEEK2}/snapshot.json`)).toString()),
    );
    expect(week2Snapshot.sources.every((s) => s.status === 'ok')).toBe(true);
    expect(drained.messages).toBe(Math.ceil(active().length / PER_MESSAGE));
    const counts = countByHash((await aws.sesStore()).slice(storeBefore).map((m) => m.destination.to));
    for (const p of active()) expect(counts.get(p.hash), `subscriber ${p.hash.slice(0, 8)}`).toBe(1);
    for (const p of people.filter((x) => x.status !== 'active')) expect(counts.has(p.hash)).toBe(false);
    expect([...counts.values()].reduce((s, n) => s + n, 0)).toBe(active().length);
    expect(parseLatestManifest(await readJson('latest.json')).issue?.issueId).toBe(WEEK2);
    expect(parseIndexManifest(await readJson('index.json')).issues).toHaveLength(3);
  });

  it('the daily alerts handler, on the weekly issue’s day, finds nothing new and mails nothing', async () => {
    const alerts = await coldStart<{ handler: (event: unknown) => Promise<AlertJobResult> }>(
      '../../functions/alerts',
      { HASHBRIEF_COINMETRICS_URL: week2.coinMetricsUrl, HASHBRIEF_MEMPOOL_URL: week2.mempoolUrl },
    );

    const result = await alerts.handler({});

    expect(result).toMatchObject({
      status: 'no-alerts',
      asOf: WEEK2,
      baseline: { kind: 'issue', id: WEEK2, asOf: WEEK2 },
      editions: [],
    });
    expect(await aws.queueDepth()).toBe(0);
    expect(await archive.get('alerts/index.json')).toBeNull();
    // The issue's feeds are in the bucket, with the issues as entries.
    expect((await readJson('feed.xml')).toString()).toContain(`issue/${WEEK2}</id>`);
  });

  it('the preferences link of a delivered email shows the reader’s choices and saves a change', async () => {
    const reader = active()[0];
    if (!reader) throw new Error('need an active reader');
    const mail = firstDelivery.find((m) => hashNormalizedAddress(m.destinations[0] ?? '') === reader.hash);
    const raw = (mail?.raw ?? '').replace(/=\r?\n/g, '').replace(/=3D/g, '=');
    const link = new URL(
      /https:\/\/links\.example\.com\/preferences\?token=[A-Za-z0-9._-]+/.exec(raw)?.[0] ?? 'x:',
    );
    const endpoint = await coldStart<Endpoint>('../../functions/unsubscribe');
    const query = Object.fromEntries(link.searchParams);

    const page = await endpoint.handler(functionUrlEvent({ method: 'GET', path: link.pathname, query }));
    const saved = await endpoint.handler(
      functionUrlEvent({
        method: 'POST',
        path: link.pathname,
        query,
        body: 'preferences=1&weekly=on&powerPrice=0.045',
        contentType: 'application/x-www-form-urlencoded',
      }),
    );

    expect(link.pathname).toBe('/preferences');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('name="alerts" value="on" checked>');
    expect(page.body).not.toMatch(/<script/i);
    expect(saved.statusCode).toBe(200);
    expect(saved.body).toContain('Saved.');
    expect((await subscribers.get(reader.hash))?.subscriber).toMatchObject({
      status: 'active',
      weekly: true,
      alerts: false,
      powerPriceUsdPerKwh: 0.045,
    });
  });
});
