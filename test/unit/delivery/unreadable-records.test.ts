/**
 * One unreadable subscriber object must not stop delivery to everyone else (issue 13, defect 6): it is
 * skipped with a warning that names its id (never its content) and delivery goes on.
 */
import { describe, expect, it } from 'vitest';
import { deliverBatch } from '../../../src/delivery/deliver';
import { planDelivery } from '../../../src/delivery/plan';
import { createMemorySendQueue } from '../../../src/delivery/queue';
import { subscriberKey } from '../../../src/delivery/subscribers';
import type { Reporter } from '../../../src/ports';
import {
  deliveryWorld,
  fakeClock,
  recordingMailer,
  seedSubscribers,
  senderDeps,
  TEST_SETTINGS,
} from '../../support/delivery-fixtures';

const JSON_TYPE = { contentType: 'application/json' };

/** A reporter that keeps every warning. */
function recordingReporter(): Reporter & {
  warnings: { message: string; fields?: Record<string, unknown> }[];
} {
  const warnings: { message: string; fields?: Record<string, unknown> }[] = [];
  return { warnings, info: () => {}, warn: (message, fields) => warnings.push({ message, fields }) };
}

/** Breaks two of the seeded records: one is cut-off JSON, one has a status outside the schema. */
async function breakTwo(world: Awaited<ReturnType<typeof deliveryWorld>>, first: string, second: string) {
  await world.state.putIfMatch(
    subscriberKey(first),
    '{"schemaVersion":1,"address":"user1@example.com","stat',
    (await world.state.get(subscriberKey(first)))?.etag ?? null,
    JSON_TYPE,
  );
  const record = JSON.parse((await world.state.get(subscriberKey(second)))?.body.toString() ?? '{}');
  await world.state.putIfMatch(
    subscriberKey(second),
    JSON.stringify({ ...record, status: 'actve' }),
    (await world.state.get(subscriberKey(second)))?.etag ?? null,
    JSON_TYPE,
  );
}

describe('an unreadable subscriber object', () => {
  it('is left out of the delivery plan with a warning naming its id, and everyone else is planned', async () => {
    // Arrange: five active subscribers, two of them broken.
    const world = await deliveryWorld();
    const people = await seedSubscribers(world.subscribers, 5);
    const [a, b] = [people[1]?.hash ?? '', people[3]?.hash ?? ''];
    await breakTwo(world, a, b);
    const reporter = recordingReporter();
    const queue = createMemorySendQueue();

    // Act
    const plan = await planDelivery({
      issueId: world.issueId,
      subscribers: world.subscribers,
      queue,
      reporter,
    });

    // Assert
    expect(plan).toMatchObject({ recipients: 3, queued: 1, unreadable: 2 });
    const planned = queue.drain().flatMap((m) => m.recipients.map((r) => r.id));
    expect(planned.sort()).toEqual(
      people
        .map((p) => p.hash)
        .filter((h) => h !== a && h !== b)
        .sort(),
    );
    const named = reporter.warnings.filter((w) => w.message === 'subscriber record unreadable');
    expect(named.map((w) => w.fields?.subscriber).sort()).toEqual([a, b].sort());
    expect(named.find((w) => w.fields?.subscriber === b)?.fields?.reason).toContain('field `status` ');
    expect(JSON.stringify(reporter.warnings)).not.toContain('@');
  });

  it('is skipped by the sender, which mails the rest of the batch', async () => {
    // Arrange: a batch planned before the object broke.
    const world = await deliveryWorld();
    const people = await seedSubscribers(world.subscribers, 3);
    const broken = people[0]?.hash ?? '';
    await breakTwo(world, broken, people[1]?.hash ?? '');
    const reporter = recordingReporter();
    const mailer = recordingMailer();
    const time = fakeClock();

    // Act
    const outcome = await deliverBatch(
      { v: 1, issueId: world.issueId, recipients: people.map((p) => ({ id: p.hash })) },
      { ...senderDeps(world, mailer, time), reporter },
      TEST_SETTINGS,
    );

    // Assert
    expect(outcome.sent).toEqual([people[2]?.hash]);
    expect(outcome.skipped).toEqual(
      expect.arrayContaining([
        { id: broken, reason: 'unreadable' },
        { id: people[1]?.hash, reason: 'unreadable' },
      ]),
    );
    expect(outcome.failed).toEqual([]);
    expect(mailer.sent.map((m) => m.to)).toEqual([people[2]?.address]);
    expect(reporter.warnings.map((w) => w.fields?.subscriber)).toContain(broken);
  });
});
