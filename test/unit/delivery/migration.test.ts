import { PutObjectCommand } from '@aws-sdk/client-s3';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { createFsArchiveStore } from '../../../src/archive/fs-store';
import { createMemoryArchiveStore } from '../../../src/archive/memory-store';
import { createS3ArchiveStore } from '../../../src/archive/s3-store';
import type { ArchiveStore } from '../../../src/archive/store';
import { buildSubscribersRegistrar } from '../../../src/cli/commands/subscribers';
import { addressHash, legacyAddressHash, mailboxHash } from '../../../src/delivery/address';
import { deliverBatch } from '../../../src/delivery/deliver';
import { checkSubscribers, repairSubscribers } from '../../../src/delivery/doctor';
import { handleSesNotification, sesNotificationSchema } from '../../../src/delivery/feedback';
import { suppressionKey } from '../../../src/delivery/mailbox';
import { planDelivery } from '../../../src/delivery/plan';
import { createMemorySendQueue } from '../../../src/delivery/queue';
import {
  createSubscriberStore,
  type SubscriberStatus,
  subscriberKey,
} from '../../../src/delivery/subscribers';
import { signToken } from '../../../src/delivery/tokens';
import { unsubscribe } from '../../../src/delivery/unsubscribe';
import { offlineCliContext } from '../../support/cli-context';
import {
  archiveIssue,
  fakeClock,
  recordingMailer,
  senderDeps,
  storedEmail,
  TEST_SECRET,
  TEST_SETTINGS,
} from '../../support/delivery-fixtures';
import { tempDirs } from '../../support/temp-dirs';
import { createFakeS3 } from '../archive/s3-fake';

const NOW = new Date('2026-11-24T06:00:00Z');
const freshDir = tempDirs('hb-migrate-', 'each');

/** Writes a record the way versions before case-insensitive ids did: under sha256 of the address as typed. */
async function legacyRecord(
  store: ArchiveStore,
  address: string,
  status: SubscriberStatus,
  createdAt = '2026-01-05T10:00:00.000Z',
) {
  const record = {
    schemaVersion: 1,
    address,
    status,
    createdAt,
    updatedAt: '2026-06-01T10:00:00.000Z',
    source: 'import',
    softBounces: 0,
    lastSoftBounceAt: null,
    confirmationSentAt: null,
    confirmedAt: status === 'active' ? createdAt : null,
    statusReason: status === 'unsubscribed' ? 'unsubscribe link' : null,
  };
  await store.putIfMatch(subscriberKey(legacyAddressHash(address)), JSON.stringify(record), null, {
    contentType: 'application/json',
  });
  return legacyAddressHash(address);
}

async function fsStore(): Promise<ArchiveStore> {
  const dir = await freshDir();
  return createFsArchiveStore(dir);
}

const stores: [string, () => Promise<ArchiveStore>][] = [
  ['the filesystem store', fsStore],
  [
    'S3 (conditional writes as S3 answers them)',
    async () => createS3ArchiveStore({ client: createFakeS3().client, bucket: 'b' }),
  ],
];

describe.each(stores)('doctor --repair on %s', (_name, makeStore) => {
  it('merges three spellings of one address into one record, strongest status winning, and is a no-op the second time', async () => {
    // Arrange: alice@ (already under its current id), Alice@ active and ALICE@ unsubscribed.
    const store = await makeStore();
    const subscribers = createSubscriberStore(store);
    const current = await legacyRecord(store, 'alice@example.com', 'active', '2026-03-01T00:00:00.000Z');
    const mixed = await legacyRecord(store, 'Alice@example.com', 'active');
    const upper = await legacyRecord(store, 'ALICE@example.com', 'unsubscribed', '2026-02-01T00:00:00.000Z');

    // Act
    const check = await checkSubscribers(subscribers);
    const first = await repairSubscribers(subscribers, NOW);
    const second = await repairSubscribers(subscribers, NOW);

    // Assert
    expect(current).toBe(addressHash('alice@example.com'));
    expect(check.findings.map((f) => [f.problem, f.id]).sort()).toEqual(
      [
        ['legacy', mixed],
        ['legacy', upper],
      ].sort(),
    );
    expect(first.repairs.map((r) => r.action)).toEqual([`merged into ${current}`, `merged into ${current}`]);
    expect(first.after.findings).toEqual([]);
    expect(second.repairs).toEqual([]);
    expect(second.before.findings).toEqual([]);
    const merged = await subscribers.get(current);
    expect(merged?.subscriber).toMatchObject({
      address: 'ALICE@example.com',
      status: 'unsubscribed',
      createdAt: '2026-01-05T10:00:00.000Z',
      formerIds: expect.arrayContaining([mixed, upper]),
    });
    // The old ids now point at the merged record, so links in old emails still work.
    expect((await subscribers.get(mixed))?.hash).toBe(current);
    expect(await subscribers.inspect(upper)).toMatchObject({ kind: 'moved', movedTo: current });
  });

  it('suppresses the mailbox of a complained record from before mailbox suppressions existed', async () => {
    const store = await makeStore();
    const subscribers = createSubscriberStore(store);
    const complained = await legacyRecord(store, 'victim@example.com', 'complained');

    const repaired = await repairSubscribers(subscribers, NOW);
    const again = await repairSubscribers(subscribers, NOW);

    expect(repaired.repairs).toEqual([{ id: complained, action: 'mailbox suppressed (complained)' }]);
    expect(again.repairs).toEqual([]);
    const suppression = await store.get(suppressionKey(mailboxHash('victim+news@example.com')));
    expect(JSON.parse(suppression?.body.toString() ?? '{}')).toMatchObject({ suppression: 'complained' });
  });
});

describe('hashbrief subscribers doctor --bucket', () => {
  it("migrates the bucket's subscribers and prints ids, never addresses", async () => {
    // Arrange
    const fake = createFakeS3();
    const bucket = createS3ArchiveStore({ client: fake.client, bucket: 'hashbrief-archive' });
    const legacy = await legacyRecord(bucket, 'Ivy@example.com', 'active');
    let stdout = '';
    let stderr = '';
    const context = offlineCliContext({}, () => NOW, {
      stdout: (t) => {
        stdout += t.toString();
      },
      stderr: (t) => {
        stderr += t;
      },
      isTty: false,
    });
    const program = new Command('hashbrief').exitOverride();
    buildSubscribersRegistrar({ createS3Client: () => fake.client })(program, () => context);

    // Act
    await program.parseAsync(['subscribers', 'doctor', '--repair', '--bucket', 'hashbrief-archive'], {
      from: 'user',
    });

    // Assert
    expect(stdout).toContain(`legacy                  ${legacy}  stored under its case-sensitive id`);
    expect(stdout).toContain(`repaired  ${legacy}  merged into ${addressHash('ivy@example.com')}`);
    expect(stderr).toContain('checked 1 subscriber objects in s3://hashbrief-archive');
    expect(stderr).toContain('s3://hashbrief-archive has no problems left');
    expect(`${stdout}${stderr}`).not.toMatch(/ivy/i);
    expect(fake.objects.has(subscriberKey(addressHash('ivy@example.com')))).toBe(true);
  });
});

describe('the merge on S3', () => {
  it('replaces the old record only with If-Match on the version it merged, and merges again after a conflict', async () => {
    // Arrange: a legacy active record, and a reader who unsubscribes through an old link exactly while
    // the doctor is between merging and writing the moved marker.
    const fake = createFakeS3();
    const s3 = createS3ArchiveStore({ client: fake.client, bucket: 'b' });
    const legacy = await legacyRecord(s3, 'Bob@example.com', 'active');
    let raced = false;
    const racing: ArchiveStore = {
      ...s3,
      async putIfMatch(key, body, etag, options) {
        if (!raced && key === subscriberKey(legacy) && body.toString().includes('movedTo')) {
          raced = true;
          const current = await s3.get(key);
          const record = JSON.parse(current?.body.toString() ?? '{}');
          await s3.putIfMatch(
            key,
            JSON.stringify({ ...record, status: 'unsubscribed' }),
            current?.etag ?? null,
            options,
          );
        }
        return s3.putIfMatch(key, body, etag, options);
      },
    };
    const subscribers = createSubscriberStore(racing);

    // Act
    await repairSubscribers(subscribers, NOW);

    // Assert: the unsubscribe is not lost, and every write to the old key was conditional.
    expect(raced).toBe(true);
    const merged = await subscribers.get(addressHash('bob@example.com'));
    expect(merged?.subscriber.status).toBe('unsubscribed');
    const writes = fake.mock
      .commandCalls(PutObjectCommand)
      .map((c) => c.args[0].input)
      .filter((input) => input.Key === subscriberKey(legacy));
    expect(writes.length).toBeGreaterThanOrEqual(2);
    for (const input of writes.slice(1)) expect(input.IfMatch ?? input.IfNoneMatch).toBeDefined();
    expect(await subscribers.inspect(legacy)).toMatchObject({ kind: 'moved' });
  });

  it('finishes a merge interrupted between the record and the marker, writing the record only once', async () => {
    const store = createMemoryArchiveStore();
    const legacy = await legacyRecord(store, 'Carol@example.com', 'active');
    let failOnce = true;
    const crashing: ArchiveStore = {
      ...store,
      async putIfMatch(key, body, etag, options) {
        if (failOnce && key === subscriberKey(legacy)) {
          failOnce = false;
          throw new Error('process died');
        }
        return store.putIfMatch(key, body, etag, options);
      },
    };

    await expect(repairSubscribers(createSubscriberStore(crashing), NOW)).rejects.toThrow('process died');
    const subscribers = createSubscriberStore(store);
    const halfway = await subscribers.inspect(addressHash('carol@example.com'));
    const finished = await repairSubscribers(subscribers, NOW);

    expect(halfway).toMatchObject({ kind: 'record', subscriber: { formerIds: [legacy] } });
    expect(finished.repairs).toEqual([
      { id: legacy, action: `merged into ${addressHash('carol@example.com')}` },
    ]);
    expect((await subscribers.inspect(addressHash('carol@example.com')))?.etag).toBe(halfway?.etag);
  });
});

describe('before the migration has run', () => {
  async function world() {
    const state = createMemoryArchiveStore();
    const archive = createMemoryArchiveStore();
    await archiveIssue(archive, storedEmail('2026-11-23'));
    return { state, archive, subscribers: createSubscriberStore(state) };
  }

  it('plans one copy for two spellings of one address, and none when one of them unsubscribed', async () => {
    const w = await world();
    await legacyRecord(w.state, 'Dan@example.com', 'active');
    await legacyRecord(w.state, 'dan@example.com', 'active');
    await legacyRecord(w.state, 'Erin@example.com', 'unsubscribed');
    await legacyRecord(w.state, 'erin@example.com', 'active');
    const queue = createMemorySendQueue();

    const plan = await planDelivery({ issueId: '2026-11-23', subscribers: w.subscribers, queue });

    expect(plan.recipients).toBe(1);
    expect(queue.drain()[0]?.recipients).toEqual([{ id: addressHash('dan@example.com') }]);
  });

  it('unsubscribes through a link that carries the old id, merging the record first', async () => {
    const w = await world();
    const legacy = await legacyRecord(w.state, 'Frank@example.com', 'active');
    const token = signToken({ secret: TEST_SECRET, purpose: 'unsubscribe', subscriberHash: legacy });

    await unsubscribe(token, { subscribers: w.subscribers, clock: () => NOW }, TEST_SETTINGS);

    expect((await w.subscribers.get(addressHash('frank@example.com')))?.subscriber).toMatchObject({
      address: 'Frank@example.com',
      status: 'unsubscribed',
    });
    expect(await w.subscribers.inspect(legacy)).toMatchObject({ kind: 'moved' });
  });

  it('applies a bounce SES reports for the old spelling', async () => {
    const w = await world();
    await legacyRecord(w.state, 'Gina@example.com', 'active');

    await handleSesNotification(
      sesNotificationSchema.parse({
        notificationType: 'Bounce',
        bounce: { bounceType: 'Permanent', bouncedRecipients: [{ emailAddress: 'Gina@example.com' }] },
      }),
      { subscribers: w.subscribers, clock: () => NOW },
    );

    expect((await w.subscribers.get(addressHash('gina@example.com')))?.subscriber.status).toBe('bounced');
  });

  it('does not mail a reader again when an issue planned under the old id is re-planned under the new one', async () => {
    // Arrange: the issue went out to the old id; then the list is migrated and the issue re-planned.
    const w = await world();
    const legacy = await legacyRecord(w.state, 'Hugo@example.com', 'active');
    const mailer = recordingMailer();
    const time = fakeClock();
    const deps = senderDeps(w, mailer, time);
    await deliverBatch({ v: 1, issueId: '2026-11-23', recipients: [{ id: legacy }] }, deps, TEST_SETTINGS);
    await repairSubscribers(w.subscribers, NOW);
    const queue = createMemorySendQueue();
    await planDelivery({ issueId: '2026-11-23', subscribers: w.subscribers, queue });

    // Act
    const [message] = queue.drain();
    const outcome = await deliverBatch(
      message ?? { v: 1, issueId: 'x', recipients: [] },
      deps,
      TEST_SETTINGS,
    );

    // Assert
    expect(message?.recipients).toEqual([{ id: addressHash('hugo@example.com') }]);
    expect(outcome.skipped).toEqual([{ id: addressHash('hugo@example.com'), reason: 'already-sent' }]);
    expect(mailer.sent).toHaveLength(1);
  });
});

describe('doctor --repair on other unreadable objects', () => {
  it('moves a record stored under the wrong id to its own id', async () => {
    const store = createMemoryArchiveStore();
    const subscribers = createSubscriberStore(store);
    const wrongId = 'a'.repeat(64);
    await legacyRecord(store, 'jo@example.com', 'active');
    const body = (await store.get(subscriberKey(addressHash('jo@example.com'))))?.body ?? Buffer.alloc(0);
    await store.delete(subscriberKey(addressHash('jo@example.com')));
    await store.putIfMatch(subscriberKey(wrongId), body, null, { contentType: 'application/json' });

    const { before, repairs, after } = await repairSubscribers(subscribers, NOW);

    expect(before.findings).toEqual([
      { problem: 'unreadable', id: wrongId, detail: 'stored under the wrong key' },
    ]);
    expect(repairs).toEqual([
      { id: wrongId, action: `salvaged and merged into ${addressHash('jo@example.com')}` },
    ]);
    expect(after.findings).toEqual([]);
    expect((await subscribers.get(wrongId))?.subscriber.status).toBe('active');
  });

  it('moves an unreadable mailbox suppression aside and rebuilds it from the records', async () => {
    const store = createMemoryArchiveStore();
    const subscribers = createSubscriberStore(store);
    const complained = await legacyRecord(store, 'kim@example.com', 'complained');
    const key = suppressionKey(mailboxHash('kim@example.com'));
    await store.putIfMatch(key, 'not json', null, { contentType: 'application/json' });

    const { before, repairs, after } = await repairSubscribers(subscribers, NOW);

    expect(before.findings.map((f) => [f.problem, f.id])).toEqual([['unreadable-suppression', key]]);
    expect(repairs.map((r) => r.id)).toEqual([key, complained]);
    expect(repairs[1]?.action).toBe('mailbox suppressed (complained)');
    expect(after.findings).toEqual([]);
    expect(JSON.parse((await store.get(key))?.body.toString() ?? '{}')).toMatchObject({
      suppression: 'complained',
    });
  });
});
