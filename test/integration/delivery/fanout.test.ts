import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryArchiveStore } from '../../../src/archive/memory-store';
import { deliverBatch, type SenderDeps } from '../../../src/delivery/deliver';
import { createEmailLoader } from '../../../src/delivery/email';
import { createLedger } from '../../../src/delivery/ledger';
import type { Mailer } from '../../../src/delivery/mailer';
import { planDelivery } from '../../../src/delivery/plan';
import { createSqsSendQueue } from '../../../src/delivery/queue';
import { unlimited } from '../../../src/delivery/rate-limiter';
import { createSesMailer } from '../../../src/delivery/ses-mailer';
import { processSendEvent } from '../../../src/delivery/sqs-batch';
import { createSubscriberStore, type SubscriberStatus } from '../../../src/delivery/subscribers';
import { verifyToken } from '../../../src/delivery/tokens';
import { startSes, startSqs } from '../../support/delivery-emulators';
import {
  archiveIssue,
  decodeQuotedPrintable,
  seedSubscribers,
  storedEmail,
  TEST_SECRET,
  TEST_SETTINGS,
} from '../../support/delivery-fixtures';

class CrashError extends Error {
  override name = 'CrashError';
}

let sqs: Awaited<ReturnType<typeof startSqs>>;
let ses: Awaited<ReturnType<typeof startSes>>;

beforeAll(async () => {
  [sqs, ses] = await Promise.all([startSqs(), startSes()]);
});
afterAll(async () => {
  await Promise.all([sqs?.stop(), ses?.stop()]);
});

const SUPPRESSED: SubscriberStatus[] = ['unsubscribed', 'bounced', 'complained', 'pending'];

describe('fan-out through SQS to SES', () => {
  it('delivers exactly one message to every active subscriber despite sender crashes mid-batch', async () => {
    // Arrange: 1,000 subscribers, every 10th suppressed in some way; one archived issue.
    const issueId = '2026-11-23';
    const archive = createMemoryArchiveStore();
    const state = createMemoryArchiveStore();
    await archiveIssue(archive, storedEmail(issueId));
    const subscribers = createSubscriberStore(state);
    const people = await seedSubscribers(subscribers, 1000, (i) =>
      i % 10 === 3 ? (SUPPRESSED[i % SUPPRESSED.length] ?? 'bounced') : 'active',
    );
    let offsetMs = 0;
    const clock = () => new Date(Date.now() + offsetMs);
    const ses0 = createSesMailer({ client: ses.client });
    const raws = new Map<string, string>();
    let sends = 0;
    const crashAt = new Set([137, 611]);
    const mailer: Mailer = {
      async send(mail) {
        sends++;
        if (crashAt.delete(sends)) throw new CrashError(`injected crash before send ${sends}`);
        const result = await ses0.send(mail);
        raws.set(mail.recipientHash, mail.raw.toString('utf8'));
        return result;
      },
    };
    const deps: SenderDeps = {
      emails: createEmailLoader(archive),
      subscribers,
      ledger: createLedger(state, { leaseMs: 60_000 }),
      mailer,
      limiter: unlimited,
      clock,
      sleep: async () => {},
      random: () => 0,
    };

    // Act: plan into the SQS emulator, then run "Lambda invocations" until the queue is empty.
    const plan = await planDelivery({
      issueId,
      subscribers,
      queue: createSqsSendQueue({ client: sqs.client, queueUrl: sqs.queueUrl }),
      recipientsPerMessage: 50,
    });
    let crashes = 0;
    for (let idle = 0; idle < 5; ) {
      const event = await sqs.receive();
      if (event.Records.length === 0) {
        idle++;
        await new Promise((r) => setTimeout(r, 300)); // let the 1 s visibility timeout of returned messages pass
        continue;
      }
      idle = 0;
      let crashed = false;
      const response = await processSendEvent(event, async (message) => {
        try {
          return await deliverBatch(message, deps, { ...TEST_SETTINGS, concurrency: 8 });
        } catch (error) {
          if (error instanceof CrashError) crashed = true;
          throw error;
        }
      });
      if (crashed) {
        // The process died: nothing is deleted, every message of this invocation comes back later, and
        // the dead sender's claim must age past its lease before anyone takes it over.
        crashes++;
        offsetMs += 61_000;
        continue;
      }
      const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
      await sqs.delete(event.Records.filter((r) => !failed.has(r.messageId)).map((r) => r.receiptHandle));
    }

    // Assess: the SES store has exactly one message per active subscriber, none for suppressed ones.
    const active = people.filter((p) => p.status === 'active');
    expect(plan).toMatchObject({ recipients: active.length, queued: Math.ceil(active.length / 50) });
    expect(crashes).toBe(2);
    const emails = await ses.emails();
    const perAddress = new Map<string, number>();
    for (const email of emails) {
      for (const to of email.destination.to) perAddress.set(to, (perAddress.get(to) ?? 0) + 1);
    }
    expect(emails).toHaveLength(active.length);
    for (const p of active) expect(perAddress.get(p.address)).toBe(1);
    for (const p of people.filter((x) => x.status !== 'active'))
      expect(perAddress.has(p.address)).toBe(false);
    for (const email of emails.slice(0, 50)) {
      const link = /unsubscribe\?token=([A-Za-z0-9._-]+)/.exec(email.body.text ?? '')?.[1] ?? '';
      const owner = people.find((p) => p.address === email.destination.to[0]);
      expect(
        verifyToken({ secret: TEST_SECRET, token: link, purpose: 'unsubscribe', now: new Date() }),
      ).toEqual({
        subscriberHash: owner?.hash,
      });
    }
    // Headers are asserted on the raw MIME we built (the emulator drops custom headers from its store).
    for (const p of active.slice(0, 50)) {
      const raw = raws.get(p.hash) ?? '';
      const unfolded = decodeQuotedPrintable(raw.replace(/\r\n[ \t]+/g, ' '));
      expect(raw).toContain(`To: ${p.address}\r\n`);
      expect(unfolded).toMatch(
        /List-Unsubscribe: <https:\/\/links\.example\.com\/unsubscribe\?token=u\.[^>]+>/,
      );
      expect(raw).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n');
      expect(raw).toContain(`Message-ID: <${issueId}.${p.hash.slice(0, 32)}@example.com>`);
    }
  }, 180_000);
});
