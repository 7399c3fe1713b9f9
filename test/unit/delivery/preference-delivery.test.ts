import { describe, expect, it } from 'vitest';
import { PERSONAL_TOKENS } from '../../../src/contracts/placeholders';
import { deliverBatch } from '../../../src/delivery/deliver';
import { planDelivery } from '../../../src/delivery/plan';
import { createMemorySendQueue } from '../../../src/delivery/queue';
import { updateSubscriber } from '../../../src/delivery/subscribers';
import { verifyToken } from '../../../src/delivery/tokens';
import {
  archiveIssue,
  decodeQuotedPrintable,
  deliveryWorld,
  fakeClock,
  recordingMailer,
  seedSubscribers,
  senderDeps,
  storedEmail,
  TEST_SECRET,
  TEST_SETTINGS,
} from '../../support/delivery-fixtures';

const ISSUE = '2026-11-30';

async function world() {
  const w = await deliveryWorld('2026-11-23');
  await archiveIssue(
    w.archive,
    storedEmail(ISSUE, {
      html: `<p>${PERSONAL_TOKENS.greeting}</p><a href="${PERSONAL_TOKENS.unsubscribeUrl}">Unsubscribe</a> <a href="${PERSONAL_TOKENS.preferencesUrl}">Preferences</a>`,
      text: `${PERSONAL_TOKENS.greeting}\n\nUnsubscribe: ${PERSONAL_TOKENS.unsubscribeUrl}\nPreferences: ${PERSONAL_TOKENS.preferencesUrl}\n`,
    }),
  );
  const people = await seedSubscribers(w.subscribers, 4);
  const time = fakeClock();
  const mailer = recordingMailer();
  const deps = senderDeps(w, mailer, time);
  return { ...w, people, mailer, deps };
}

describe('delivery follows reader preferences', () => {
  it('plans the weekly issue only for readers who want it', async () => {
    const w = await world();
    const [, quitter] = w.people;
    await updateSubscriber(w.subscribers, quitter?.hash ?? '', (s) => (s ? { ...s, weekly: false } : null));
    const queue = createMemorySendQueue();

    const plan = await planDelivery({ issueId: ISSUE, subscribers: w.subscribers, queue });

    expect(plan.recipients).toBe(3);
    const planned = queue.drain().flatMap((m) => m.recipients.map((r) => r.id));
    expect(planned).not.toContain(quitter?.hash);
  });

  it('skips a reader who turned the weekly issue off after the plan was made', async () => {
    const w = await world();
    const [first, second] = w.people;
    const message = {
      v: 1 as const,
      issueId: ISSUE,
      recipients: [{ id: first?.hash ?? '' }, { id: second?.hash ?? '' }],
    };
    await updateSubscriber(w.subscribers, second?.hash ?? '', (s) => (s ? { ...s, weekly: false } : null));

    const outcome = await deliverBatch(message, w.deps, TEST_SETTINGS);

    expect(outcome.sent).toEqual([first?.hash]);
    expect(outcome.skipped).toEqual([{ id: second?.hash, reason: 'opted-out' }]);
  });

  it('puts a signed preferences link for the reader beside unsubscribe, in both parts', async () => {
    const w = await world();
    const [reader] = w.people;

    await deliverBatch(
      { v: 1, issueId: ISSUE, recipients: [{ id: reader?.hash ?? '' }] },
      w.deps,
      TEST_SETTINGS,
    );

    const raw = decodeQuotedPrintable(w.mailer.sent[0]?.raw ?? '');
    const links = [...raw.matchAll(/https:\/\/links\.example\.com\/preferences\?token=([A-Za-z0-9._-]+)/g)];
    expect(links.length).toBeGreaterThanOrEqual(2);
    for (const [, token] of links) {
      expect(
        verifyToken({ secret: TEST_SECRET, token: token ?? '', purpose: 'preferences', now: new Date() }),
      ).toEqual({ subscriberHash: reader?.hash });
    }
    expect(raw).not.toContain('%%HB_');
  });
});
