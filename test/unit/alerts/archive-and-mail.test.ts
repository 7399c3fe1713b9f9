import { describe, expect, it } from 'vitest';
import { AlertPayloadError, parseAlertPayload } from '../../../src/alerts/alert-payload';
import {
  archiveAlertEdition,
  readAlertEdition,
  repairAlertsManifest,
} from '../../../src/alerts/archive-edition';
import { type AlertEdition, editionIdFor } from '../../../src/alerts/edition';
import { claimMailDay, markMailDayPlanned } from '../../../src/alerts/mail-day';
import { readAlertsManifest } from '../../../src/archive/manifest';
import { createMemoryArchiveStore } from '../../../src/archive/memory-store';
import { deliverBatch } from '../../../src/delivery/deliver';
import { sendMessageSchema } from '../../../src/delivery/send-message';
import { createSubscriberStore, updateSubscriber } from '../../../src/delivery/subscribers';
import { archiveFeeds } from '../../../src/pipeline/links';
import { recordingStore } from '../../fixtures/archive/recording-store';
import {
  fakeClock,
  PNG,
  recordingMailer,
  seedSubscribers,
  senderDeps,
  storedEmail,
  TEST_SETTINGS,
} from '../../support/delivery-fixtures';
import { childrenNamed, parseXml } from '../../support/xml';

const clock = () => new Date('2026-11-26T06:00:00.000Z');

function edition(alertId: string, overrides: Partial<AlertEdition> = {}): AlertEdition {
  const asOf = '2026-11-25';
  return {
    schemaVersion: 1,
    editionId: editionIdFor(asOf, alertId),
    alertId,
    asOf,
    createdAt: '2026-11-26T06:00:00.000Z',
    mailDay: '2026-11-26',
    severity: 'critical',
    message: 'Hashprice set a record low: $24.06/PH/day (7-day average).',
    title: 'Alert: Hashprice set a record low: $24.06/PH/day — hashbrief 2026-11-25',
    headline: 'Hashprice set a record low: $24.06/PH/day',
    numbers: [
      {
        label: 'Hashprice (7-day average)',
        value: '$24.06/PH/day',
        metricKey: 'hashprice.usdPerPhDay',
        raw: 24.06,
      },
      { label: 'Change on the week', value: '−0.4%', metricKey: 'hashprice.change7dPct', raw: -0.4 },
    ],
    chart: { kind: 'hashprice', alt: 'chart', caption: 'caption' },
    levels: { 'hashprice-low': 3 },
    baseline: { kind: 'issue', id: '2026-11-22', asOf: '2026-11-22' },
    latestIssue: { issueId: '2026-11-22', asOf: '2026-11-22' },
    sources: [],
    attribution: 'Coin Metrics',
    ...overrides,
  };
}

const files = (body = '<p>web</p>') => [
  { name: 'index.html', body },
  { name: 'alert.txt', body: 'text' },
  { name: 'charts/hashprice.png', body: PNG },
  { name: 'email.json', body: '{}' },
];

const deps = { renderFeeds: archiveFeeds('https://brief.example.org', clock), clock };

describe('archiving an alert edition', () => {
  it('writes every file, the record last, then lists it and rewrites the feeds', async () => {
    const store = recordingStore(createMemoryArchiveStore());

    const result = await archiveAlertEdition(
      store,
      { edition: edition('hashprice-low'), files: files() },
      deps,
    );

    expect(result.status).toBe('created');
    const keys = store.writes.map((w) => w.key);
    expect(keys.indexOf('alerts/2026-11-25-hashprice-low/alert.json')).toBe(4);
    expect(keys.slice(5)).toEqual(['alerts/index.json', 'feed.xml', 'feed.json']);
    expect(Object.keys(result.entry.files).sort()).toEqual([
      'alert.json',
      'alert.txt',
      'charts/hashprice.png',
      'index.html',
    ]);
    const feed = parseXml((await store.get('feed.xml'))?.body.toString() ?? '');
    expect(childrenNamed(feed, 'entry')).toHaveLength(1);
  });

  it('is a no-op on a rerun, keeping the original record', async () => {
    const store = recordingStore(createMemoryArchiveStore());
    await archiveAlertEdition(store, { edition: edition('hashprice-low'), files: files() }, deps);
    const before = store.writes.length;

    const again = await archiveAlertEdition(
      store,
      {
        edition: edition('hashprice-low', { createdAt: '2026-11-26T09:00:00.000Z' }),
        files: files('<p>other</p>'),
      },
      deps,
    );

    expect(again.status).toBe('already-archived');
    expect(again.edition.createdAt).toBe('2026-11-26T06:00:00.000Z');
    expect(store.writes.length).toBe(before);
  });

  it('replaces what an interrupted attempt left, since nothing was published without the record', async () => {
    const store = createMemoryArchiveStore();
    await store.putIfAbsent('alerts/2026-11-25-hashprice-low/index.html', '<p>half</p>', {
      contentType: 'text/html',
    });

    await archiveAlertEdition(store, { edition: edition('hashprice-low'), files: files() }, deps);

    expect((await store.get('alerts/2026-11-25-hashprice-low/index.html'))?.body.toString()).toBe(
      '<p>web</p>',
    );
    expect((await readAlertEdition(store, '2026-11-25-hashprice-low'))?.alertId).toBe('hashprice-low');
  });

  it('lists every edition once, newest first', async () => {
    const store = createMemoryArchiveStore();
    await archiveAlertEdition(
      store,
      { edition: edition('pool-top1', { createdAt: '2026-11-26T06:00:01.000Z' }), files: files() },
      deps,
    );
    await archiveAlertEdition(store, { edition: edition('hashprice-low'), files: files() }, deps);
    await archiveAlertEdition(store, { edition: edition('hashprice-low'), files: files() }, deps);

    expect((await readAlertsManifest(store)).map((e) => e.editionId)).toEqual([
      '2026-11-25-pool-top1',
      '2026-11-25-hashprice-low',
    ]);
  });
});

describe('repairing the alert editions’ manifest', () => {
  it('rebuilds a lost or corrupt alerts/index.json from the records, and names an incomplete edition', async () => {
    const store = createMemoryArchiveStore();
    await archiveAlertEdition(store, { edition: edition('hashprice-low'), files: files() }, deps);
    await archiveAlertEdition(store, { edition: edition('pool-top1'), files: files() }, deps);
    await store.putIfAbsent('alerts/2026-11-26-pool-top2/index.html', '<p>half</p>', {
      contentType: 'text/html',
    });
    const listed = await readAlertsManifest(store);
    const current = await store.get('alerts/index.json');
    await store.putIfMatch('alerts/index.json', '{ not json', current?.etag ?? null, {
      contentType: 'application/json',
    });

    const repair = await repairAlertsManifest(store, deps);

    expect(repair.editions).toEqual(['2026-11-25-hashprice-low', '2026-11-25-pool-top1']);
    expect(repair.incomplete).toEqual(['2026-11-26-pool-top2']);
    expect(repair.written).toContain('alerts/index.json');
    expect(await readAlertsManifest(store)).toEqual(listed);
    expect((await repairAlertsManifest(store, deps)).written).toEqual([]);
  });
});

describe('one alert mail per mail day', () => {
  it('gives the day to the first edition that claims it; another edition finds it taken', async () => {
    const store = createMemoryArchiveStore();

    const first = await claimMailDay(store, '2026-11-26', 'a', clock);
    const second = await claimMailDay(store, '2026-11-26', 'b', clock);
    const again = await claimMailDay(store, '2026-11-26', 'a', clock);

    expect(first.kind).toBe('ours');
    expect(second).toMatchObject({ kind: 'taken', record: { editionId: 'a' } });
    expect(again.kind).toBe('ours');
  });

  it('says "planned" once the enqueue was recorded, so a rerun enqueues nothing', async () => {
    const store = createMemoryArchiveStore();
    const claim = await claimMailDay(store, '2026-11-26', 'a', clock);
    if (claim.kind !== 'ours') throw new Error('not ours');

    await markMailDayPlanned(store, '2026-11-26', 'a', claim, { recipients: 3, queued: 1 }, clock);

    expect(await claimMailDay(store, '2026-11-26', 'a', clock)).toMatchObject({
      kind: 'planned',
      record: { planned: { recipients: 3, queued: 1 } },
    });
  });

  it('lets the sender mail a reader one alert a day, whatever the number of editions, and only readers who want alerts', async () => {
    const archive = createMemoryArchiveStore();
    const state = createMemoryArchiveStore();
    const subscribers = createSubscriberStore(state);
    const [alice, bob] = await seedSubscribers(subscribers, 2);
    await updateSubscriber(subscribers, bob?.hash ?? '', (s) => (s ? { ...s, alerts: false } : null));
    for (const id of ['2026-11-25-hashprice-low', '2026-11-25-pool-top1']) {
      const email = storedEmail(id, { images: [] });
      await archive.putIfAbsent(`alerts/${id}/email.json`, JSON.stringify(email), {
        contentType: 'application/json',
      });
    }
    const mailer = recordingMailer();
    const time = fakeClock();
    const sender = senderDeps({ archive, state, subscribers }, mailer, time);
    const recipients = [{ id: alice?.hash ?? '' }, { id: bob?.hash ?? '' }];

    const first = await deliverBatch(
      sendMessageSchema.parse({
        v: 1,
        issueId: '2026-11-25-hashprice-low',
        alertDay: '2026-11-26',
        recipients,
      }),
      sender,
      TEST_SETTINGS,
    );
    const second = await deliverBatch(
      sendMessageSchema.parse({ v: 1, issueId: '2026-11-25-pool-top1', alertDay: '2026-11-26', recipients }),
      sender,
      TEST_SETTINGS,
    );
    const nextDay = await deliverBatch(
      sendMessageSchema.parse({ v: 1, issueId: '2026-11-25-pool-top1', alertDay: '2026-11-27', recipients }),
      sender,
      TEST_SETTINGS,
    );

    expect(first.sent).toEqual([alice?.hash]);
    expect(first.skipped).toEqual([{ id: bob?.hash, reason: 'opted-out' }]);
    expect(second.sent).toEqual([]);
    expect(second.skipped).toContainEqual({ id: alice?.hash, reason: 'already-sent' });
    expect(nextDay.sent).toEqual([alice?.hash]);
    expect(mailer.sent.map((m) => [m.kind, m.issueId])).toEqual([
      ['alert', '2026-11-25-hashprice-low'],
      ['alert', '2026-11-25-pool-top1'],
    ]);
  });
});

describe('the alerts Lambda payload', () => {
  it('takes {}, an as-of day and a dry run', () => {
    expect(parseAlertPayload(undefined)).toEqual({});
    expect(parseAlertPayload({ asOf: '2026-11-25', dryRun: true })).toEqual({
      asOf: '2026-11-25',
      dryRun: true,
    });
  });

  it.each([
    [{ asOf: '2026-02-30' }, /field `asOf` must be a calendar day written YYYY-MM-DD/],
    [{ sendTo: ['a@b.c'] }, /unknown field\(s\) `sendTo`/],
    [{ dryRun: 'yes' }, /field `dryRun`/],
  ])('refuses %j, naming the field', (payload, message) => {
    expect(() => parseAlertPayload(payload)).toThrow(AlertPayloadError);
    expect(() => parseAlertPayload(payload)).toThrow(message);
  });
});
