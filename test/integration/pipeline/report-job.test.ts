import { describe, expect, it } from 'vitest';
import { createMemoryArchiveStore } from '../../../src/archive/memory-store';
import { createEmailLoader } from '../../../src/delivery/email';
import type { Mailer, OutgoingMail } from '../../../src/delivery/mailer';
import { createMemorySendQueue } from '../../../src/delivery/queue';
import { createSubscriberStore, newSubscriber } from '../../../src/delivery/subscribers';
import { sampleDataset } from '../../../src/emulator/dataset';
import { createEmulatorFetch } from '../../../src/emulator/server';
import { defaultAssumptions } from '../../../src/metrics/assumptions';
import { runReportJob } from '../../../src/pipeline/report-job';
import { parseReportPayload } from '../../../src/pipeline/report-payload';
import { realSleep, silentReporter } from '../../../src/ports';
import { liveLikeDataset } from '../../support/datasets';

const NOW = new Date('2026-11-24T07:00:00Z');
const BASE = 'http://upstream.test';

async function setup() {
  const archive = createMemoryArchiveStore({ publicBaseUrl: 'https://cdn.example.com' });
  const subscribers = createSubscriberStore(archive);
  for (const address of ['a@example.com', 'b@example.com', 'c@example.com']) {
    await subscribers.put(newSubscriber(address, 'active', 'operator', NOW), null);
  }
  const queue = createMemorySendQueue();
  const sent: OutgoingMail[] = [];
  const mailer: Mailer = {
    send: async (mail) => {
      sent.push(mail);
      return { messageId: `m${sent.length}` };
    },
  };
  const deps = {
    fetch: createEmulatorFetch({ dataset: liveLikeDataset({ endDate: '2026-11-23' }) }),
    clock: () => NOW,
    sleep: realSleep,
    random: () => 0.5,
    reporter: silentReporter,
    archive,
    subscribers,
    queue,
    mailer,
    emails: createEmailLoader,
    messageSettings: async () => ({
      from: 'hashbrief <briefing@example.com>',
      linksBaseUrl: 'https://links.example.com',
      tokenSecret: 'a-test-secret-of-enough-length',
    }),
  };
  const settings = {
    coinMetricsUrl: `${BASE}/coinmetrics/v4`,
    mempoolUrl: `${BASE}/mempool/api`,
    assumptions: defaultAssumptions(),
    postalAddress: 'hashbrief, 1 Test Street',
    publicBaseUrl: 'https://cdn.example.com',
    linksBaseUrl: 'https://links.example.com',
    recipientsPerMessage: 2,
  };
  return { archive, queue, sent, deps, settings };
}

describe('runReportJob', () => {
  it('archives this week and enqueues one message per batch of recipients for the schedule payload', async () => {
    const { archive, queue, sent, deps, settings } = await setup();

    const result = await runReportJob(parseReportPayload({}), deps, settings);

    expect(result).toMatchObject({ issueId: '2026-11-23', asOf: '2026-11-23', status: 'created' });
    expect(result.delivery).toEqual({ queued: 2, recipients: 3, testSends: 0, alreadyPlanned: false });
    expect(queue.drain().map((m) => m.recipients.length)).toEqual([2, 1]);
    expect(sent).toHaveLength(0);
    expect(await archive.get('issues/2026-11-23/snapshot.json')).not.toBeNull();
    expect(result.urls['newsletter.html']).toBe('https://cdn.example.com/issues/2026-11-23/newsletter.html');
  });

  it('a backfill ({ asOf }) archives that day and mails nobody', async () => {
    const { queue, sent, deps, settings } = await setup();

    const result = await runReportJob(parseReportPayload({ asOf: '2026-06-30' }), deps, settings);

    expect(result.issueId).toBe('2026-06-30');
    expect(result.delivery.queued).toBe(0);
    expect(queue.drain()).toHaveLength(0);
    expect(sent).toHaveLength(0);
  });

  it('a test send mails only the given addresses and never the list', async () => {
    const { queue, sent, deps, settings } = await setup();

    const result = await runReportJob(parseReportPayload({ sendTo: ['tester@example.com'] }), deps, settings);

    expect(result.delivery).toEqual({ queued: 0, recipients: 0, testSends: 1, alreadyPlanned: false });
    expect(queue.drain()).toHaveLength(0);
    expect(sent.map((m) => m.to)).toEqual(['tester@example.com']);
    expect(sent[0]?.raw.toString('utf8')).toMatch(/^Subject: .*test/im);
  });

  it('a dry run builds everything but writes and sends nothing', async () => {
    const { archive, queue, sent, deps, settings } = await setup();
    const before = await archive.list('');

    const result = await runReportJob(parseReportPayload({ dryRun: true }), deps, settings);

    expect(result.status).toBe('dry-run');
    expect(result.files['snapshot.json']).toBe('issues/2026-11-23/snapshot.json');
    expect(await archive.list('')).toEqual(before);
    expect(queue.drain()).toHaveLength(0);
    expect(sent).toHaveLength(0);
  });

  it('never mails an issue built from synthetic sample data to the list', async () => {
    const { queue, deps, settings } = await setup();
    const synthetic = {
      ...deps,
      fetch: createEmulatorFetch({ dataset: sampleDataset({ endDate: '2026-11-23' }) }),
    };

    const result = await runReportJob(parseReportPayload({}), synthetic, settings);

    expect(result.issueId).toBe('2026-11-23-sample');
    expect(result.delivery.queued).toBe(0);
    expect(queue.drain()).toHaveLength(0);
    expect(result.warnings).toContain('sample data: this issue was archived but not mailed to subscribers');
  });

  it('a repeated schedule event fetches nothing, rewrites nothing and enqueues nothing again', async () => {
    const { archive, queue, deps, settings } = await setup();
    let requests = 0;
    const counted = {
      ...deps,
      fetch: (url: string) => {
        requests++;
        return deps.fetch(url);
      },
    };
    // Every object in the archive with its version: a rewrite of the same key changes nothing in a listing.
    const versions = async () =>
      Object.fromEntries(
        await Promise.all(
          (await archive.list('')).map(async (key) => [key, (await archive.get(key))?.etag] as const),
        ),
      );
    await runReportJob(parseReportPayload({}), counted, settings);
    const firstQueued = queue.drain().length;
    const before = await versions();
    requests = 0;

    // Every write that lands, whatever its bytes (a content-hash etag cannot show a same-bytes rewrite).
    const writes: string[] = [];
    const watched: typeof archive = {
      ...archive,
      async putIfAbsent(key, body, options) {
        const result = await archive.putIfAbsent(key, body, options);
        if (result === 'created') writes.push(key);
        return result;
      },
      async putIfMatch(key, body, etag, options) {
        const result = await archive.putIfMatch(key, body, etag, options);
        if (result !== 'conflict') writes.push(key);
        return result;
      },
      async delete(key) {
        writes.push(`delete ${key}`);
        return archive.delete(key);
      },
    };

    const again = await runReportJob(
      parseReportPayload({}),
      { ...counted, archive: watched, subscribers: createSubscriberStore(watched) },
      settings,
    );

    expect(again.status).toBe('already-archived');
    expect(requests).toBe(0);
    expect(writes).toEqual([]);
    expect(Object.keys(before)).toContain('issues/2026-11-23/snapshot.json');
    expect(await versions()).toEqual(before);
    expect(firstQueued).toBe(2);
    expect(queue.drain()).toHaveLength(0);
    expect(again.delivery).toEqual({ queued: 0, recipients: 3, testSends: 0, alreadyPlanned: true });
  });
});
