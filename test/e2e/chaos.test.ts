/**
 * Chaos matrix, system half: storage failing mid-issue, the report job killed at each stage and retried,
 * the sender crashing mid-batch, SES throttling and transient errors, a duplicate schedule event, and two
 * concurrent runs of the same issue. Each case asserts what a reader sees (one issue, one email each) and
 * that nothing is lost, doubled or overwritten. Stores are named in each case: the memory ArchiveStore
 * (same conditional-write semantics as S3) or the filesystem store. The upstream half is chaos-upstream.test.ts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SESClient, SendRawEmailCommand } from '@aws-sdk/client-ses';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ArchiveStoreError } from '../../src/archive/errors';
import { createFsArchiveStore } from '../../src/archive/fs-store';
import { parseIndexManifest } from '../../src/archive/manifest';
import { createMemoryArchiveStore } from '../../src/archive/memory-store';
import type { ArchiveStore } from '../../src/archive/store';
import type { Mailer } from '../../src/delivery/mailer';
import type { SendQueue } from '../../src/delivery/queue';
import { createSesMailer } from '../../src/delivery/ses-mailer';
import { type ReportJobDeps, runReportJob } from '../../src/pipeline/report-job';
import { silentReporter } from '../../src/ports';
import { addDays, utcDay } from '../../src/sources/dates';
import { liveLikeDataset } from '../support/datasets';
import { fakeClock } from '../support/delivery-fixtures';
import {
  type ChaosRow,
  chaosTable,
  createWorld,
  exactlyOncePerActive,
  reportSettings,
  type World,
} from '../support/e2e-world';

const DATA_END = addDays(utcDay(new Date()), -2);
const dataset = liveLikeDataset({ endDate: DATA_END });
const rows: ChaosRow[] = [];
const tempDirs: string[] = [];

afterAll(async () => {
  console.log(chaosTable('Chaos matrix: storage, kills, sender, SES, duplicates, concurrency', rows));
  await Promise.all(tempDirs.map((d) => rm(d, { recursive: true, force: true })));
});

/** Thrown by the kill switches: the process "dies" here. */
class KilledError extends Error {
  override name = 'KilledError';
}

/** Wraps a store: counts objects actually created per key and lets a test make operations throw. */
function instrumentedStore(
  inner: ArchiveStore,
  fail: (op: 'putIfAbsent' | 'putIfMatch', key: string) => Error | undefined = () => undefined,
) {
  const creations = new Map<string, number>();
  const store: ArchiveStore = {
    location: inner.location,
    async putIfAbsent(key, body, options) {
      const error = fail('putIfAbsent', key);
      if (error) throw error;
      const result = await inner.putIfAbsent(key, body, options);
      if (result === 'created') creations.set(key, (creations.get(key) ?? 0) + 1);
      return result;
    },
    async putIfMatch(key, body, etag, options) {
      const error = fail('putIfMatch', key);
      if (error) throw error;
      return inner.putIfMatch(key, body, etag, options);
    },
    get: (key) => inner.get(key),
    list: (prefix) => inner.list(prefix),
    delete: (key) => inner.delete(key),
    url: (key, options) => inner.url(key, options),
  };
  return { store, creations };
}

async function indexIds(archive: ArchiveStore): Promise<string[]> {
  const body = (await archive.get('index.json'))?.body;
  return body ? parseIndexManifest(body).issues.map((e) => e.issueId) : [];
}

/** Drains the queue through the sender until it stays empty (messages of failed batches come back). */
async function deliverEverything(world: World): Promise<number> {
  let messages = 0;
  for (let round = 0; round < 5; round++) {
    const batch = world.drain();
    if (batch.length === 0) break;
    messages += batch.length;
    const outcomes = await world.deliver(batch);
    const retry = batch.filter((_, i) => (outcomes[i]?.failed.length ?? 0) > 0);
    if (retry.length) await world.queue.enqueue(retry);
  }
  return messages;
}

const settings = reportSettings();

describe('chaos matrix: storage, kills, sender, SES, duplicates, concurrency', () => {
  it('S3 write failing mid-issue (memory store, 5th object put throws): the retry completes the issue with no object written twice', async () => {
    // Arrange
    let puts = 0;
    let broken = true;
    const inner = createMemoryArchiveStore();
    const { store, creations } = instrumentedStore(inner, (op) => {
      if (op !== 'putIfAbsent' || !broken) return undefined;
      puts++;
      return puts === 5 ? new ArchiveStoreError('S3 put failed: InternalError (injected)') : undefined;
    });
    const world = await createWorld({ dataset, archive: inner });
    const deps: ReportJobDeps = { ...world.deps, archive: store };

    // Act
    const first = await runReportJob({}, deps, settings).catch((e: unknown) => e);
    const partial = (await inner.list(`issues/${DATA_END}/`)).length;
    const snapshotLeft = (await inner.get(`issues/${DATA_END}/snapshot.json`)) !== null;
    broken = false;
    const retry = await runReportJob({}, deps, settings);
    await deliverEverything(world);

    // Assess
    const rewritten = [...creations.values()].filter((n) => n > 1).length;
    const ids = await indexIds(inner);
    const delivery = exactlyOncePerActive(world);
    rows.push({
      name: 'S3 put fails mid-issue, then retry',
      expected:
        'first run fails with no snapshot.json; retry creates the issue; no object written twice; mailed once',
      observed: `first: ${(first as Error).name}, ${partial} objects left; retry: ${retry.status}; ${rewritten} rewritten; index ${ids.join(',')}; ${delivery.detail}`,
      ok:
        first instanceof ArchiveStoreError &&
        !snapshotLeft &&
        retry.status === 'created' &&
        rewritten === 0 &&
        delivery.ok,
    });
    expect(first).toBeInstanceOf(ArchiveStoreError);
    expect(partial).toBeGreaterThan(0);
    expect(snapshotLeft).toBe(false);
    expect(retry.status).toBe('created');
    expect(rewritten).toBe(0);
    expect(ids).toEqual([DATA_END]);
    expect(delivery).toMatchObject({ ok: true });
  });

  const STAGES = [
    { stage: 'during fetch', killsAt: 'reporter:fetching', retryStatus: 'created' },
    {
      stage: 'after the issue objects, before snapshot.json',
      killsAt: 'store:snapshot',
      retryStatus: 'created',
    },
    {
      stage: 'after snapshot.json, before the manifests',
      killsAt: 'store:manifest',
      retryStatus: 'already-archived',
    },
    { stage: 'after the manifests, before enqueue', killsAt: 'queue', retryStatus: 'already-archived' },
    { stage: 'after enqueue', killsAt: 'reporter:planned', retryStatus: 'already-archived' },
  ] as const;

  for (const { stage, killsAt, retryStatus } of STAGES) {
    it(`report job killed ${stage} (memory store): the retry yields one issue in the index and one email per reader`, async () => {
      // Arrange
      let armed = true;
      const kill = (where: string) => {
        if (armed && where === killsAt) {
          armed = false;
          throw new KilledError(`killed ${stage}`);
        }
      };
      const world = await createWorld({ dataset });
      const { store } = instrumentedStore(world.archive, (op, key) => {
        try {
          if (op === 'putIfAbsent' && key.endsWith('/snapshot.json')) kill('store:snapshot');
          if (op === 'putIfMatch') kill('store:manifest');
        } catch (error) {
          return error as Error;
        }
        return undefined;
      });
      const queue: SendQueue = {
        enqueue: async (messages) => {
          kill('queue');
          await world.queue.enqueue(messages);
        },
      };
      const reporter = {
        info: (message: string) => {
          if (message.startsWith('fetching')) kill('reporter:fetching');
          if (message === 'delivery planned') kill('reporter:planned');
        },
        warn: () => {},
      };
      const deps: ReportJobDeps = { ...world.deps, archive: store, queue, reporter };

      // Act
      const first = await runReportJob({}, deps, settings).catch((e: unknown) => e);
      const retry = await runReportJob({}, deps, settings);
      const messages = await deliverEverything(world);

      // Assess
      const ids = await indexIds(world.archive);
      const delivery = exactlyOncePerActive(world);
      rows.push({
        name: `report killed ${stage}, retried`,
        expected: `retry: ${retryStatus}; index lists the issue once; each reader mailed once`,
        observed: `first: ${(first as Error).name}; retry: ${retry.status}; index [${ids.join(',')}]; ${messages} batches delivered; ${delivery.detail}`,
        ok: first instanceof KilledError && retry.status === retryStatus && ids.length === 1 && delivery.ok,
      });
      expect(first).toBeInstanceOf(KilledError);
      expect(retry.status).toBe(retryStatus);
      expect(ids).toEqual([DATA_END]);
      expect(delivery).toMatchObject({ ok: true });
    });
  }

  it('sender crashes mid-batch (memory stores): redelivery skips the already-sent, the dead sender’s claims are sent once after the lease', async () => {
    // Arrange
    const time = fakeClock(new Date().toISOString());
    const world = await createWorld({ dataset, clock: time.clock });
    await runReportJob({}, world.deps, reportSettings({ recipientsPerMessage: 10 }));
    const [message] = world.drain();
    if (!message) throw new Error('nothing queued');
    let sends = 0;
    // From the 3rd send on the process is dead: nothing else leaves it (its in-flight sends fail too).
    const crashing: Mailer = {
      async send(mail) {
        sends++;
        if (sends >= 3) throw new KilledError('sender died before SES answered');
        return world.mailer.send(mail);
      },
    };

    // Act: crash; immediate redelivery (the dead sender's claims are still leased); redelivery after the lease.
    const crashed = await world.deliver([message], { mailer: crashing }).catch((e: unknown) => e);
    await vi.waitFor(() => expect(sends).toBe(message.recipients.length));
    const [early] = await world.deliver([message]);
    time.advance(61_000);
    const [late] = await world.deliver([message]);

    // Assess
    const delivery = exactlyOncePerActive(world);
    rows.push({
      name: 'sender crash mid-batch, SQS redelivery',
      expected:
        'redelivery skips the 2 sent; the 3 claims of the dead sender wait for the lease, then each gets exactly one',
      observed: `crash: ${(crashed as Error).name}; early retry sent ${early?.sent.length}, skipped ${early?.skipped.length}, deferred ${early?.failed.length}; after lease sent ${late?.sent.length}; ${delivery.detail}`,
      ok:
        crashed instanceof KilledError && early?.sent.length === 0 && late?.sent.length === 3 && delivery.ok,
    });
    expect(crashed).toBeInstanceOf(KilledError);
    expect(early).toMatchObject({ sent: [], failed: [{}, {}, {}] });
    expect(early?.skipped.map((s) => s.reason)).toEqual(['already-sent', 'already-sent']);
    expect(late?.sent).toHaveLength(3);
    expect(delivery).toMatchObject({ ok: true });
  });

  it('SES throttling and transient 5xx (aws-sdk-client-mock on SESClient): backoff retries, every reader gets exactly one', async () => {
    // Arrange
    const world = await createWorld({ dataset });
    await runReportJob({}, world.deps, settings);
    const client = new SESClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    const ses = mockClient(client);
    const throttled = Object.assign(new Error('Maximum sending rate exceeded.'), {
      name: 'Throttling',
      $metadata: { httpStatusCode: 400 },
    });
    const unavailable = Object.assign(new Error('Service unavailable'), {
      name: 'ServiceUnavailable',
      $fault: 'server',
      $metadata: { httpStatusCode: 503 },
    });
    let ids = 0;
    ses
      .on(SendRawEmailCommand)
      .rejectsOnce(throttled)
      .rejectsOnce(throttled)
      .rejectsOnce(unavailable)
      .callsFake(async () => ({ MessageId: `ses-${++ids}` }));
    const sesMailer = createSesMailer({ client });
    const mailer: Mailer = {
      async send(mail) {
        const result = await sesMailer.send(mail);
        world.mailer.sent.push(mail);
        return result;
      },
    };

    // Act
    const outcomes = await world.deliver(world.drain(), { mailer });

    // Assess
    const calls = ses.commandCalls(SendRawEmailCommand).length;
    const delivery = exactlyOncePerActive(world);
    const failed = outcomes.reduce((n, o) => n + o.failed.length, 0);
    rows.push({
      name: 'SES Throttling ×2 + ServiceUnavailable ×1',
      expected: 'retried with backoff; no recipient failed; each reader once; SES calls = readers + 3',
      observed: `${calls} SES calls, ${failed} failed; ${delivery.detail}`,
      ok: failed === 0 && delivery.ok && calls === ids + 3,
    });
    expect(failed).toBe(0);
    expect(calls).toBe(ids + 3);
    expect(delivery).toMatchObject({ ok: true });
    ses.restore();
  });

  it('a duplicate schedule event (memory store): "already archived", re-planned batches send nothing twice', async () => {
    // Arrange
    const world = await createWorld({ dataset });

    // Act
    const first = await runReportJob({}, world.deps, settings);
    const objects = await world.archive.list('');
    const etags = await Promise.all(objects.map(async (k) => (await world.archive.get(k))?.etag));
    const second = await runReportJob({}, world.deps, settings);
    const messages = await deliverEverything(world);

    // Assess
    const after = await Promise.all(objects.map(async (k) => (await world.archive.get(k))?.etag));
    const changed = objects.filter((k, i) => after[i] !== etags[i] && !/^(index|latest)\./.test(k));
    const delivery = exactlyOncePerActive(world);
    rows.push({
      name: 'duplicate schedule event',
      expected: 'second run "already-archived", no issue object changed; ledger stops duplicate emails',
      observed: `${first.status} then ${second.status}; ${changed.length} issue objects changed; ${messages} batches for ${first.delivery.queued} planned; ${delivery.detail}`,
      ok: second.status === 'already-archived' && changed.length === 0 && delivery.ok,
    });
    expect(first.status).toBe('created');
    expect(second.status).toBe('already-archived');
    expect(changed).toEqual([]);
    expect(messages).toBe(first.delivery.queued * 2);
    expect(delivery).toMatchObject({ ok: true });
  });

  it('two concurrent runs of the same issue plus a backfill (fs store, Promise.all): all finish, one issue, no manifest entry lost', async () => {
    // Arrange
    const dir = await mkdtemp(path.join(tmpdir(), 'hb-chaos-'));
    tempDirs.push(dir);
    const archive = createFsArchiveStore(dir);
    const world = await createWorld({ dataset, archive, reporter: silentReporter });
    const backfill = addDays(DATA_END, -7);

    // Act
    const results = await Promise.all([
      runReportJob({}, world.deps, settings),
      runReportJob({}, world.deps, settings),
      runReportJob({ asOf: backfill }, world.deps, settings),
    ]);
    await deliverEverything(world);

    // Assess
    const ids = (await indexIds(archive)).sort();
    const statuses = results
      .slice(0, 2)
      .map((r) => r.status)
      .sort();
    const delivery = exactlyOncePerActive(world);
    rows.push({
      name: 'two concurrent runs of one issue + a backfill (fs store)',
      expected: 'one "created", one "already-archived"; index lists both issues once; each reader once',
      observed: `${statuses.join(' + ')}; index [${ids.join(', ')}]; ${delivery.detail}`,
      ok:
        statuses.join() === 'already-archived,created' &&
        ids.join() === [backfill, DATA_END].sort().join() &&
        delivery.ok,
    });
    expect(statuses).toEqual(['already-archived', 'created']);
    expect(ids).toEqual([backfill, DATA_END].sort());
    expect(delivery).toMatchObject({ ok: true });
  });
});
