import { PutObjectCommand } from '@aws-sdk/client-s3';
import 'aws-sdk-client-mock-vitest/extend';
import { describe, expect, it } from 'vitest';
import {
  ClaimLostError,
  type ClaimOutcome,
  claimIssue,
  claimSettings,
  readRunRecord,
  recordRunDay,
  runRecordKey,
} from '../../../src/archive/run-record';
import { createS3ArchiveStore } from '../../../src/archive/s3-store';
import { createFakeS3 } from './s3-fake';
import { storeVariants } from './store-variants';

/** A clock the test moves; sleeping moves it too, so waiting costs no real time. */
function testTime(start = '2026-11-24T06:00:00Z') {
  let now = Date.parse(start);
  return {
    clock: () => new Date(now),
    sleep: async (ms: number) => {
      now += ms;
      await new Promise((resolve) => setImmediate(resolve));
    },
    advance: (ms: number) => {
      now += ms;
    },
  };
}

const TARGET = { issueId: '2026-11-23', asOf: '2026-11-23' };
const never = async () => false;

const stores = storeVariants('hb-claim-', 'S3 (aws-sdk-client-mock, conditional writes honoured)');

function claimed(outcome: ClaimOutcome) {
  if (outcome.kind !== 'claimed') throw new Error(`expected a claim, got ${outcome.kind}`);
  return outcome.claim;
}

describe.each(stores)('issue claims on the %s store', (_name, makeStore) => {
  it('lets exactly one of eight simultaneous runs hold the issue; the others report it in progress', async () => {
    const store = await makeStore();
    const time = testTime();
    const settings = claimSettings({ leaseMs: 60_000, waitMs: 0 });

    const outcomes = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        claimIssue(store, TARGET, { ...time, random: () => i / 8 }, settings, never),
      ),
    );

    expect(outcomes.filter((o) => o.kind === 'claimed')).toHaveLength(1);
    expect(outcomes.filter((o) => o.kind === 'in-progress')).toHaveLength(7);
    const record = await readRunRecord(store, TARGET.issueId);
    expect(record?.record.lease?.expiresAt).toBe('2026-11-24T06:01:00.000Z');
  });

  it('takes over a lease that ran out, and the old holder learns it at its next write', async () => {
    const store = await makeStore();
    const time = testTime();
    const settings = claimSettings({ leaseMs: 60_000, waitMs: 0 });
    const first = claimed(await claimIssue(store, TARGET, { ...time, random: () => 0.1 }, settings, never));

    time.advance(61_000);
    const second = await claimIssue(store, TARGET, { ...time, random: () => 0.2 }, settings, never);

    expect(second.kind).toBe('claimed');
    await expect(first.renew()).rejects.toBeInstanceOf(ClaimLostError);
    await expect(
      first.commitInputs({ raw: [{ name: 'raw/x.json.gz', sha256: 'a'.repeat(64), bytes: 1 }], context: {} }),
    ).rejects.toBeInstanceOf(ClaimLostError);
    expect((await readRunRecord(store, TARGET.issueId))?.record.inputs).toBeNull();
  });

  it('lets only one of two reruns take over the same expired lease', async () => {
    const store = await makeStore();
    const time = testTime();
    const settings = claimSettings({ leaseMs: 60_000, waitMs: 0 });
    claimed(await claimIssue(store, TARGET, { ...time, random: () => 0.1 }, settings, never));
    time.advance(61_000);

    const [a, b] = await Promise.all([
      claimIssue(store, TARGET, { ...time, random: () => 0.2 }, settings, never),
      claimIssue(store, TARGET, { ...time, random: () => 0.3 }, settings, never),
    ]);

    expect([a.kind, b.kind].sort()).toEqual(['claimed', 'in-progress']);
  });

  it('takes over at once from a holder known to be gone, without waiting for the lease', async () => {
    const store = await makeStore();
    const time = testTime();
    const settings = claimSettings({ leaseMs: 60_000, waitMs: 0 });
    claimed(
      await claimIssue(
        store,
        TARGET,
        { ...time, random: () => 0.1, process: { host: 'h', pid: 4242 } },
        settings,
        never,
      ),
    );

    const rerun = await claimIssue(
      store,
      TARGET,
      { ...time, random: () => 0.2, holderGone: (lease) => lease.pid === 4242 },
      settings,
      never,
    );

    expect(rerun.kind).toBe('claimed');
  });

  it('waits for a live holder and stops as soon as the issue is complete', async () => {
    const store = await makeStore();
    const time = testTime();
    const settings = claimSettings({ leaseMs: 60_000, waitMs: 30_000, pollMs: 1_000 });
    claimed(await claimIssue(store, TARGET, { ...time, random: () => 0.1 }, settings, never));
    let looks = 0;

    const waiter = await claimIssue(
      store,
      TARGET,
      { ...time, random: () => 0.5 },
      settings,
      async () => ++looks >= 3,
    );

    expect(waiter.kind).toBe('complete');
    expect(looks).toBe(3);
  });

  it('commits inputs once; they never change, and completing gives the lease up', async () => {
    const store = await makeStore();
    const time = testTime();
    const claim = claimed(
      await claimIssue(store, TARGET, { ...time, random: () => 0.1 }, claimSettings(), never),
    );
    const inputs = { raw: [{ name: 'raw/x.json.gz', sha256: 'b'.repeat(64), bytes: 3 }], context: { a: 1 } };

    await claim.commitInputs(inputs);
    await expect(claim.commitInputs(inputs)).rejects.toBeInstanceOf(ClaimLostError);
    await claim.complete();

    const record = (await readRunRecord(store, TARGET.issueId))?.record;
    expect(record?.inputs).toMatchObject(inputs);
    expect(record?.lease).toBeNull();
    expect(record?.completedAt).toBe('2026-11-24T06:00:00.000Z');
  });

  it("keeps the first run's day record when two runs of one day resolve it", async () => {
    const store = await makeStore();
    const time = testTime();

    const [a, b] = await Promise.all([
      recordRunDay(
        store,
        { day: '2026-11-24', kind: 'live', issueId: '2026-11-23', asOf: '2026-11-23' },
        time.clock,
      ),
      recordRunDay(
        store,
        { day: '2026-11-24', kind: 'live', issueId: '2026-11-22', asOf: '2026-11-22' },
        time.clock,
      ),
    ]);

    expect(a.issueId).toBe(b.issueId);
  });
});

describe('issue claims on S3', () => {
  it('create with If-None-Match: *, take over with If-Match on the version read', async () => {
    const { client, mock } = createFakeS3();
    const store = createS3ArchiveStore({ client, bucket: 'archive' });
    const time = testTime();
    const settings = claimSettings({ leaseMs: 60_000, waitMs: 0 });

    claimed(await claimIssue(store, TARGET, { ...time, random: () => 0.1 }, settings, never));
    const created = await store.get(runRecordKey(TARGET.issueId));
    time.advance(61_000);
    claimed(await claimIssue(store, TARGET, { ...time, random: () => 0.2 }, settings, never));

    expect(mock).toReceiveCommandWith(PutObjectCommand, {
      Key: 'runs/issues/2026-11-23.json',
      IfNoneMatch: '*',
    });
    expect(mock).toReceiveCommandWith(PutObjectCommand, {
      Key: 'runs/issues/2026-11-23.json',
      IfMatch: created?.etag,
    });
  });
});
