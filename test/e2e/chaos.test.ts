/**
 * Chaos matrix, system half: storage failing mid-issue, the report job killed at every stage and rerun
 * (as a Lambda retry would), an interrupted run resumed with healthy upstreams, two runs interleaved, the
 * sender crashing mid-batch, SES throttling and transient errors, a duplicate schedule event, and
 * concurrent runs of the same issue. Each case asserts what a reader sees (one issue, one email each),
 * that nothing is lost, doubled or overwritten, and that the issue replays byte for byte from its own
 * raw/ files (`archive verify`). Stores are named in each case: the memory ArchiveStore (same
 * conditional-write semantics as S3) or the filesystem store. The upstream half is
 * chaos-upstream.test.ts; real processes (five at once, SIGKILL) are in chaos-processes.test.ts.
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
import { readSnapshot } from '../../src/archive/read';
import type { ArchiveStore } from '../../src/archive/store';
import { addDays, utcDay } from '../../src/days';
import { deliverBatch, type SenderDeps } from '../../src/delivery/deliver';
import { createEmailLoader } from '../../src/delivery/email';
import { createLedger, type Ledger } from '../../src/delivery/ledger';
import type { Mailer, OutgoingMail } from '../../src/delivery/mailer';
import type { SendQueue } from '../../src/delivery/queue';
import { unlimited } from '../../src/delivery/rate-limiter';
import { createSesMailer } from '../../src/delivery/ses-mailer';
import { createEmulatorFetch } from '../../src/emulator/server';
import { type ReportJobDeps, type ReportJobSettings, runReportJob } from '../../src/pipeline/report-job';
import { type Fetch, silentReporter } from '../../src/ports';
import { liveLikeDataset } from '../support/datasets';
import { startSes } from '../support/delivery-emulators';
import { fakeClock, TEST_SETTINGS } from '../support/delivery-fixtures';
import {
  type ChaosRow,
  chaosTable,
  createWorld,
  exactlyOncePerActive,
  reportSettings,
  UPSTREAM_BASE,
  type World,
} from '../support/e2e-world';
import { replayDiffers } from '../support/replay-check';
import { verifyArchive } from '../support/verify-check';

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

/** Wraps a store: counts objects actually written per key and lets a test make operations throw. */
function instrumentedStore(
  inner: ArchiveStore,
  fail: (op: 'putIfAbsent' | 'putIfMatch', key: string) => Error | undefined = () => undefined,
) {
  const creations = new Map<string, number>();
  const replacements = new Map<string, number>();
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
      const result = await inner.putIfMatch(key, body, etag, options);
      if (result !== 'conflict' && etag !== null) replacements.set(key, (replacements.get(key) ?? 0) + 1);
      return result;
    },
    get: (key) => inner.get(key),
    list: (prefix) => inner.list(prefix),
    delete: (key) => inner.delete(key),
    url: (key, options) => inner.url(key, options),
  };
  return { store, creations, replacements };
}

type WriteOp = 'putIfAbsent' | 'putIfMatch';

/** Where a dying process dies: before or after the first write matching `op`, `key` (and `body`). */
interface KillPoint {
  op: WriteOp;
  key: RegExp;
  when: 'before' | 'after';
  body?: RegExp;
}

/**
 * A store seen from a process that can die: once killed, every later operation throws, as nothing leaves
 * a dead process; its lease and half-written issue stay behind. `kill()` kills it from outside (a kill
 * switch in the queue or the reporter).
 */
function dyingStore(inner: ArchiveStore, at?: KillPoint) {
  let dead = false;
  const alive = () => {
    if (dead) throw new KilledError('the process is dead');
  };
  const maybeDie = (op: WriteOp, key: string, body: Buffer | string, when: 'before' | 'after') => {
    if (!at || at.op !== op || at.when !== when || !at.key.test(key)) return;
    if (at.body && !at.body.test(body.toString())) return;
    dead = true;
    throw new KilledError(`killed ${when} ${op} ${key}`);
  };
  const store: ArchiveStore = {
    location: inner.location,
    async putIfAbsent(key, body, options) {
      alive();
      maybeDie('putIfAbsent', key, body, 'before');
      const result = await inner.putIfAbsent(key, body, options);
      maybeDie('putIfAbsent', key, body, 'after');
      return result;
    },
    async putIfMatch(key, body, etag, options) {
      alive();
      maybeDie('putIfMatch', key, body, 'before');
      const result = await inner.putIfMatch(key, body, etag, options);
      maybeDie('putIfMatch', key, body, 'after');
      return result;
    },
    get: async (key) => {
      alive();
      return inner.get(key);
    },
    list: async (prefix) => {
      alive();
      return inner.list(prefix);
    },
    delete: async (key) => {
      alive();
      return inner.delete(key);
    },
    url: (key, options) => inner.url(key, options),
  };
  return {
    store,
    kill: (where: string) => {
      dead = true;
      throw new KilledError(`killed ${where}`);
    },
    isDead: () => dead,
  };
}

/** A fetch that counts the upstream requests it forwards. */
function countingFetch(inner: Fetch) {
  const counter = { requests: 0 };
  const fetch: Fetch = (url, init) => {
    counter.requests++;
    return inner(url, init);
  };
  return { fetch, counter };
}

const sleepMs = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

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
/**
 * A run that dies holds a short lease, so its rerun takes over after a moment instead of the 2 minutes a
 * dead Lambda's lease lasts (a Lambda retry comes after its timeout, when the lease has run out).
 */
const dyingSettings: ReportJobSettings = { ...settings, claim: { leaseMs: 50, pollMs: 20 } };
const rerunSettings: ReportJobSettings = { ...settings, claim: { pollMs: 20 } };

/** Every active reader got the issue once, and `archive` verifies. `detail` says both. */
async function mailedOnceAndVerified(world: World, archive: ArchiveStore) {
  const delivery = exactlyOncePerActive(world);
  const verify = await verifyArchive(archive, settings);
  return { delivery, verify, ok: delivery.ok && verify.ok, detail: `${delivery.detail}; ${verify.detail}` };
}

/**
 * The checks a resumed or raced issue ends with: it replays byte for byte from its stored raw/ files,
 * the archive verifies, and every active reader got it once. `ok` when all three hold; `detail` says each.
 */
async function issueHolds(world: World) {
  const differing = await replayDiffers(world.archive, DATA_END, settings);
  const verify = await verifyArchive(world.archive, settings);
  const delivery = exactlyOncePerActive(world);
  return {
    differing,
    verify,
    delivery,
    ok: differing.length === 0 && verify.ok && delivery.ok,
    detail: `replay differs in [${differing.join(', ')}]; ${verify.detail}; ${delivery.detail}`,
  };
}

describe('chaos matrix: storage, kills, sender, SES, duplicates, concurrency', () => {
  it('S3 write failing mid-issue (memory store, 5th object put throws): the retry completes the issue; only the uncommitted raw/ responses of the failed run are replaced', async () => {
    // Arrange
    let puts = 0;
    let broken = true;
    const inner = createMemoryArchiveStore();
    const { store, creations, replacements } = instrumentedStore(inner, (op) => {
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
    const issueKeys = (keys: Map<string, number>) => [...keys.keys()].filter((k) => k.startsWith('issues/'));
    const createdTwice = issueKeys(creations).filter((k) => (creations.get(k) ?? 0) > 1);
    const replaced = issueKeys(replacements);
    const ids = await indexIds(inner);
    const checks = await mailedOnceAndVerified(world, inner);
    rows.push({
      name: 'S3 put fails mid-issue, then retry',
      expected:
        'first run fails with no snapshot.json; retry creates the issue; only uncommitted raw/ leftovers replaced; mailed once; verify ok',
      observed: `first: ${(first as Error).name}, ${partial} objects left; retry: ${retry.status}; ${createdTwice.length} created twice, ${replaced.length} raw replaced; index ${ids.join(',')}; ${checks.detail}`,
      ok:
        first instanceof ArchiveStoreError &&
        !snapshotLeft &&
        retry.status === 'created' &&
        createdTwice.length === 0 &&
        replaced.every((k) => k.includes('/raw/')) &&
        checks.ok,
    });
    expect(first).toBeInstanceOf(ArchiveStoreError);
    expect(partial).toBeGreaterThan(0);
    expect(snapshotLeft).toBe(false);
    expect(retry.status).toBe('created');
    expect(createdTwice).toEqual([]);
    expect(replaced.length).toBeLessThanOrEqual(partial);
    expect(replaced.every((k) => k.includes('/raw/'))).toBe(true);
    expect(ids).toEqual([DATA_END]);
    expect(checks).toMatchObject({ delivery: { ok: true }, verify: { ok: true } });
  });

  it('killed once email.json exists while mempool was failing, then a healthy rerun (memory store): the rerun resumes from the archived responses, so every file says mempool failed', async () => {
    // Arrange
    const world = await createWorld({
      dataset,
      faults: [{ upstream: 'mempool', route: '*', kind: 'status', status: 503 }],
    });
    const dying = dyingStore(world.archive, {
      op: 'putIfAbsent',
      key: /\/email\.json$/,
      when: 'after',
    });
    const healthy = countingFetch(createEmulatorFetch({ dataset, baseUrl: UPSTREAM_BASE }));

    // Act
    const first = await runReportJob({}, { ...world.deps, archive: dying.store }, dyingSettings).catch(
      (e: unknown) => e,
    );
    const retry = await runReportJob({}, { ...world.deps, fetch: healthy.fetch }, rerunSettings);
    await deliverEverything(world);

    // Assess
    const snapshot = await readSnapshot(world.archive, DATA_END);
    const failed = snapshot.sources.filter((s) => s.status === 'failed').map((s) => s.name);
    const holds = await issueHolds(world);
    rows.push({
      name: 'killed once email.json exists (mempool failing), healthy rerun',
      expected:
        'rerun resumes from the archived responses without fetching: snapshot says mempool failed, like email.json; verify ok',
      observed: `first: ${(first as Error).name}; retry: ${retry.status}${retry.resumed ? ' (resumed)' : ''}, ${healthy.counter.requests} requests; failed sources [${failed.join(', ')}]; ${holds.detail}`,
      ok: first instanceof KilledError && failed.length > 0 && healthy.counter.requests === 0 && holds.ok,
    });
    expect(first).toBeInstanceOf(KilledError);
    expect(retry.status).toBe('created');
    expect(retry.resumed).toBe(true);
    expect(healthy.counter.requests).toBe(0);
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((name) => name.startsWith('mempool'))).toBe(true);
    expect(retry.warnings.length).toBeGreaterThan(0);
    expect(holds).toMatchObject({ differing: [], verify: { ok: true }, delivery: { ok: true } });
  });

  it('two runs of one issue interleaved (memory store): the one that writes snapshot.json wrote it from the raw/ files that stand', async () => {
    // Arrange: run A fetches first and writes its responses; run B fetches a moment later and would
    // finish while A is still rendering.
    const world = await createWorld({ dataset });
    let aWroteRaw!: () => void;
    const aRawWritten = new Promise<void>((resolve) => {
      aWroteRaw = resolve;
    });
    let bFinished!: () => void;
    const bDone = new Promise<void>((resolve) => {
      bFinished = resolve;
    });
    let rawLeft = 7;
    const storeA: ArchiveStore = {
      ...world.archive,
      async putIfAbsent(key, body, options) {
        if (key.endsWith('/snapshot.json')) await Promise.race([bDone, sleepMs(5_000)]);
        const result = await world.archive.putIfAbsent(key, body, options);
        if (key.includes('/raw/') && --rawLeft === 0) aWroteRaw();
        return result;
      },
    };
    const fetchB: Fetch = async (url, init) => {
      await Promise.race([aRawWritten, sleepMs(5_000)]);
      return world.deps.fetch(url, init);
    };
    const quick: ReportJobSettings = { ...settings, claim: { waitMs: 300, pollMs: 20 } };

    // Act
    const [a, b] = await Promise.all([
      runReportJob({}, { ...world.deps, archive: storeA }, quick),
      runReportJob(
        {},
        { ...world.deps, fetch: fetchB, clock: () => new Date(Date.now() + 1_000) },
        quick,
      ).finally(() => bFinished()),
    ]);
    await deliverEverything(world);

    // Assess
    const statuses = [a.status, b.status];
    const holds = await issueHolds(world);
    rows.push({
      name: 'two runs interleaved (B would finish while A renders)',
      expected:
        'A created; B waits, then reports "in progress"; the snapshot replays from the stored raw/ files',
      observed: `A ${a.status}, B ${b.status}; ${holds.detail}`,
      ok: a.status === 'created' && b.status === 'in-progress' && holds.ok,
    });
    expect(statuses.filter((s) => s === 'created')).toHaveLength(1);
    expect(b.status).toBe('in-progress');
    expect(b.delivery.queued).toBe(0);
    expect(holds).toMatchObject({ differing: [], verify: { ok: true }, delivery: { ok: true } });
  });

  /**
   * Every stage of a run, in order, each as a point where the process dies. `resumes`: the rerun finds
   * the dead run's committed inputs and asks no upstream.
   */
  const STAGES: {
    stage: string;
    at: KillPoint | 'fetching' | 'enqueue' | 'planned';
    retryStatus: 'created' | 'already-archived';
    resumes: boolean;
  }[] = [
    { stage: 'while fetching', at: 'fetching', retryStatus: 'created', resumes: false },
    {
      stage: "after recording today's issue id",
      at: { op: 'putIfAbsent', key: /^runs\/days\//, when: 'after' },
      retryStatus: 'created',
      resumes: false,
    },
    {
      stage: 'after claiming the issue',
      at: { op: 'putIfMatch', key: /^runs\/issues\//, when: 'after', body: /"inputs": null/ },
      retryStatus: 'created',
      resumes: false,
    },
    {
      stage: 'after the first raw/ response',
      at: { op: 'putIfAbsent', key: /\/raw\//, when: 'after' },
      retryStatus: 'created',
      resumes: false,
    },
    {
      stage: 'after raw/, before committing the inputs',
      at: { op: 'putIfMatch', key: /^runs\/issues\//, when: 'before', body: /"committedAt"/ },
      retryStatus: 'created',
      resumes: false,
    },
    {
      stage: 'after committing the inputs, before the issue files',
      at: { op: 'putIfMatch', key: /^runs\/issues\//, when: 'after', body: /"committedAt"/ },
      retryStatus: 'created',
      resumes: true,
    },
    {
      stage: 'once the charts exist',
      at: { op: 'putIfAbsent', key: /\/charts\//, when: 'after' },
      retryStatus: 'created',
      resumes: true,
    },
    {
      stage: 'once email.json exists',
      at: { op: 'putIfAbsent', key: /\/email\.json$/, when: 'after' },
      retryStatus: 'created',
      resumes: true,
    },
    {
      stage: 'before snapshot.json',
      at: { op: 'putIfAbsent', key: /\/snapshot\.json$/, when: 'before' },
      retryStatus: 'created',
      resumes: true,
    },
    {
      stage: 'after snapshot.json, before the manifests',
      at: { op: 'putIfAbsent', key: /\/snapshot\.json$/, when: 'after' },
      retryStatus: 'already-archived',
      resumes: true,
    },
    {
      stage: 'after index.json, before latest.json',
      at: { op: 'putIfMatch', key: /^index\.json$/, when: 'after' },
      retryStatus: 'already-archived',
      resumes: true,
    },
    {
      stage: 'after the manifests, before the run record says complete',
      at: { op: 'putIfMatch', key: /^runs\/issues\//, when: 'before', body: /"completedAt": "/ },
      retryStatus: 'already-archived',
      resumes: true,
    },
    {
      stage: 'after the archive, before enqueue',
      at: 'enqueue',
      retryStatus: 'already-archived',
      resumes: true,
    },
    {
      stage: 'after enqueue, before recording the delivery',
      at: 'planned',
      retryStatus: 'already-archived',
      resumes: true,
    },
    {
      stage: 'after recording the delivery',
      at: { op: 'putIfAbsent', key: /^runs\/deliveries\//, when: 'after' },
      retryStatus: 'already-archived',
      resumes: true,
    },
  ];

  for (const { stage, at, retryStatus, resumes } of STAGES) {
    it(`report job killed ${stage}, then rerun (memory store): one issue from one set of inputs, verified, one email per reader`, async () => {
      // Arrange
      const world = await createWorld({ dataset });
      const dying = dyingStore(world.archive, typeof at === 'string' ? undefined : at);
      const queue: SendQueue = {
        enqueue: async (messages) => {
          if (at === 'enqueue') dying.kill('before enqueue');
          await world.queue.enqueue(messages);
        },
      };
      const reporter = {
        info: (message: string) => {
          if (at === 'fetching' && message.startsWith('fetching')) dying.kill('while fetching');
          if (at === 'planned' && message === 'delivery planned') dying.kill('after enqueue');
        },
        warn: () => {},
      };
      const upstream = countingFetch(world.deps.fetch);

      // Act
      const first = await runReportJob(
        {},
        { ...world.deps, archive: dying.store, queue, reporter },
        dyingSettings,
      ).catch((e: unknown) => e);
      const requestsBefore = upstream.counter.requests;
      const retry = await runReportJob({}, { ...world.deps, fetch: upstream.fetch }, rerunSettings);
      const messages = await deliverEverything(world);

      // Assess
      const ids = await indexIds(world.archive);
      const latest = (await world.archive.get('latest.json'))?.body.toString() ?? '';
      const verify = await verifyArchive(world.archive, settings);
      const delivery = exactlyOncePerActive(world);
      const fetched = upstream.counter.requests - requestsBefore;
      rows.push({
        name: `report killed ${stage}, rerun`,
        expected: `rerun ${retryStatus}${resumes ? ', resumed with no fetch' : ', fetches'}; index lists the issue once; verify ok; each reader once`,
        observed: `first: ${(first as Error).name}; rerun: ${retry.status}${retry.resumed ? ' (resumed)' : ''}, ${fetched} requests; index [${ids.join(',')}]; ${messages} batches; ${verify.detail}; ${delivery.detail}`,
        ok:
          first instanceof KilledError &&
          retry.status === retryStatus &&
          (resumes ? fetched === 0 : fetched > 0) &&
          ids.length === 1 &&
          verify.ok &&
          delivery.ok,
      });
      expect(first).toBeInstanceOf(KilledError);
      expect(dying.isDead()).toBe(true);
      expect(retry.status).toBe(retryStatus);
      if (resumes) expect(fetched).toBe(0);
      else expect(fetched).toBeGreaterThan(0);
      expect(ids).toEqual([DATA_END]);
      expect(latest).toContain(`"issueId": "${DATA_END}"`);
      expect(verify.verdicts.map((v) => v.status)).toEqual(['ok']);
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
    expect((await verifyArchive(world.archive, settings)).ok).toBe(true);
  });

  it('sender dies after SES accepted a mail and before markSent (aws-ses-v2-local): the one documented duplicate, after the lease and with the same Message-ID; every other reader once', async () => {
    // Arrange: a real SES API on 127.0.0.1, one message for every active reader, one recipient at a time.
    const ses = await startSes();
    try {
      const time = fakeClock(new Date().toISOString());
      const world = await createWorld({ dataset, clock: time.clock });
      await runReportJob({}, world.deps, reportSettings({ recipientsPerMessage: 10 }));
      const [message] = world.drain();
      if (!message) throw new Error('nothing queued');
      const sesMailer = createSesMailer({ client: ses.client });
      const accepted: OutgoingMail[] = [];
      const mailer: Mailer = {
        async send(mail) {
          const result = await sesMailer.send(mail);
          accepted.push(mail);
          return result;
        },
      };
      const ledger = createLedger(world.state);
      // The process dies the moment it goes to record its first accepted send: nothing after SES's answer
      // reaches the ledger, and nothing else leaves the dead process.
      let died: string | null = null;
      const alive = () => {
        if (died) throw new KilledError('the process is dead');
      };
      const dyingLedger: Ledger = {
        claim: async (...args) => {
          alive();
          return ledger.claim(...args);
        },
        release: async (...args) => {
          alive();
          return ledger.release(...args);
        },
        read: async (...args) => {
          alive();
          return ledger.read(...args);
        },
        markSent: async (_issueId, subscriberHash) => {
          alive();
          died = subscriberHash;
          throw new KilledError('died after SES accepted the mail, before markSent');
        },
      };
      const sender = (overrides: Partial<SenderDeps> = {}): SenderDeps => ({
        emails: createEmailLoader(world.archive),
        subscribers: world.deps.subscribers,
        ledger,
        mailer,
        limiter: unlimited,
        clock: time.clock,
        sleep: async () => {},
        random: () => 0,
        ...overrides,
      });
      const oneAtATime = { ...TEST_SETTINGS, concurrency: 1 };

      // Act: the crash; the SQS redelivery inside the lease; the one after it; one more redelivery.
      const crashed = await deliverBatch(message, sender({ ledger: dyingLedger }), oneAtATime).catch(
        (error: unknown) => error,
      );
      const victim = died as string | null;
      time.advance(30_000);
      const early = await deliverBatch(message, sender(), oneAtATime);
      time.advance(31_000);
      const late = await deliverBatch(message, sender(), oneAtATime);
      const after = await deliverBatch(message, sender(), oneAtATime);

      // Assess: count what SES itself accepted, per reader.
      const stored = await ses.emails();
      const byAddress = new Map<string, number>();
      for (const email of stored) {
        for (const to of email.destination.to) byAddress.set(to, (byAddress.get(to) ?? 0) + 1);
      }
      const active = world.people.filter((p) => p.status === 'active');
      const victimPerson = world.people.find((p) => p.hash === victim);
      const others = active.filter((p) => p.hash !== victim);
      const victimIds = accepted
        .filter((m) => m.recipientHash === victim)
        .map((m) => /^Message-ID: (.+)\r$/m.exec(m.raw.toString('utf8'))?.[1]);
      const othersOnce = others.every((p) => byAddress.get(p.address) === 1);
      const strays = world.people.filter((p) => p.status !== 'active' && byAddress.has(p.address)).length;
      rows.push({
        name: 'sender dies between SES accepting and markSent',
        expected:
          'the dead sender’s recipient waits out the lease, then gets the one duplicate the docs allow, with the same Message-ID; each other reader once',
        observed: `crash: ${(crashed as Error).name}; early retry deferred ${early.failed.length}; after lease sent ${late.sent.length}; victim got ${byAddress.get(victimPerson?.address ?? '') ?? 0}, Message-IDs ${new Set(victimIds).size === 1 ? 'equal' : 'differ'}; others once: ${othersOnce}; ${strays} to suppressed`,
        ok:
          crashed instanceof KilledError &&
          byAddress.get(victimPerson?.address ?? '') === 2 &&
          new Set(victimIds).size === 1 &&
          othersOnce &&
          strays === 0,
      });
      expect(crashed).toBeInstanceOf(KilledError);
      expect(victimPerson?.status).toBe('active');
      // Inside the lease the dead sender's claim holds: the victim is deferred, every other reader sent.
      expect(early.failed).toEqual([{ id: victim, reason: 'claimed by another sender' }]);
      expect(early.sent).toHaveLength(others.length);
      // After the lease the victim is sent again: the documented duplicate, and only that one.
      expect(late.sent).toEqual([victim]);
      expect(after.sent).toEqual([]);
      expect(byAddress.get(victimPerson?.address ?? '')).toBe(2);
      expect(victimIds).toHaveLength(2);
      expect(victimIds[0]).toMatch(
        new RegExp(`^<[^.]+(?:-[^.]+)*\\.${victim?.slice(0, 32)}@example\\.com>$`),
      );
      expect(victimIds[1]).toBe(victimIds[0]);
      expect(others.map((p) => byAddress.get(p.address))).toEqual(others.map(() => 1));
      expect(strays).toBe(0);
      expect(await ledger.read(message.issueId, victim ?? '')).toMatchObject({ state: 'sent' });
    } finally {
      await ses.stop();
    }
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
    expect((await verifyArchive(world.archive, settings)).ok).toBe(true);
    ses.restore();
  });

  it('a duplicate schedule event (memory store): "already archived", nothing fetched, nothing rewritten, nothing enqueued twice', async () => {
    // Arrange
    const world = await createWorld({ dataset });
    const upstream = countingFetch(world.deps.fetch);
    const deps = { ...world.deps, fetch: upstream.fetch };

    // Act
    const first = await runReportJob({}, deps, settings);
    const objects = await world.archive.list('');
    const etags = await Promise.all(objects.map(async (k) => (await world.archive.get(k))?.etag));
    const requests = upstream.counter.requests;
    const second = await runReportJob({}, deps, settings);
    const messages = await deliverEverything(world);

    // Assess
    const after = await Promise.all(objects.map(async (k) => (await world.archive.get(k))?.etag));
    const changed = objects.filter((_key, i) => after[i] !== etags[i]);
    const verify = await verifyArchive(world.archive, settings);
    const delivery = exactlyOncePerActive(world);
    rows.push({
      name: 'duplicate schedule event',
      expected:
        'second run "already-archived" with no fetch; no object changed; delivery planned once; verify ok',
      observed: `${first.status} then ${second.status}, ${upstream.counter.requests - requests} requests; ${changed.length} objects changed; ${messages} batches for ${first.delivery.queued} planned; ${verify.detail}; ${delivery.detail}`,
      ok:
        second.status === 'already-archived' &&
        upstream.counter.requests === requests &&
        changed.length === 0 &&
        messages === first.delivery.queued &&
        verify.ok &&
        delivery.ok,
    });
    expect(first.status).toBe('created');
    expect(second.status).toBe('already-archived');
    expect(upstream.counter.requests).toBe(requests);
    expect(changed).toEqual([]);
    expect(second.delivery).toMatchObject({ queued: 0, alreadyPlanned: true });
    expect(messages).toBe(first.delivery.queued);
    expect(verify.ok).toBe(true);
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
    const checks = await mailedOnceAndVerified(world, archive);
    rows.push({
      name: 'two concurrent runs of one issue + a backfill (fs store)',
      expected:
        'one "created", the other waits for it: "already-archived"; index lists both issues once; each reader once; verify ok',
      observed: `${statuses.join(' + ')}; index [${ids.join(', ')}]; ${checks.detail}`,
      ok:
        statuses.join() === 'already-archived,created' &&
        ids.join() === [backfill, DATA_END].sort().join() &&
        checks.ok,
    });
    expect(statuses).toEqual(['already-archived', 'created']);
    expect(ids).toEqual([backfill, DATA_END].sort());
    expect(checks.delivery).toMatchObject({ ok: true });
    expect(checks.verify.verdicts.map((v) => v.status)).toEqual(['ok', 'ok']);
  });
});
