import { describe, expect, it } from 'vitest';
import { addressHash } from '../../../src/delivery/address';
import { handleSesNotification, sesNotificationSchema } from '../../../src/delivery/feedback';
import { unsubscribeConfirmPage } from '../../../src/delivery/pages';
import { confirmSubscription, requestSubscription } from '../../../src/delivery/subscribe';
import { signToken } from '../../../src/delivery/tokens';
import { isValidUnsubscribeToken, unsubscribe } from '../../../src/delivery/unsubscribe';
import {
  decodeQuotedPrintable,
  requestInTurn,
  seedSubscribers,
  signupWorld,
  TEST_SECRET,
  TEST_SETTINGS,
} from '../../support/delivery-fixtures';

const confirmLink = (raw: Buffer) => {
  const match = /confirm\?token=([A-Za-z0-9._-]+)/.exec(decodeQuotedPrintable(raw));
  if (!match?.[1]) throw new Error('no confirmation link');
  return match[1];
};

describe('double opt-in', () => {
  it('sends a confirmation link that activates the subscriber', async () => {
    const w = signupWorld();

    await requestSubscription('Alice@Example.com', w.deps, TEST_SETTINGS);
    const outcome = await confirmSubscription(
      confirmLink(w.mailer.sent[0]?.raw ?? Buffer.alloc(0)),
      w.deps,
      TEST_SETTINGS,
    );

    expect(outcome).toBe('confirmed');
    expect((await w.subscribers.get(addressHash('Alice@example.com')))?.subscriber).toMatchObject({
      status: 'active',
      source: 'web',
    });
  });

  it('sends at most one confirmation per address within the resend window', async () => {
    const w = signupWorld();
    const bob = 'bob@example.com';

    const outcomes = await requestInTurn(w, [bob, bob, { advanceMs: 16 * 60_000 }, bob]);

    expect(outcomes).toEqual(['confirmation-sent', 'rate-limited', 'confirmation-sent']);
    expect(w.mailer.sent).toHaveLength(2);
  });

  it('neither mails nor changes an active or complained subscriber', async () => {
    const w = signupWorld();
    const [active, complained] = await seedSubscribers(w.subscribers, 2, (i) =>
      i === 0 ? 'active' : 'complained',
    );

    const a = await requestSubscription(active?.address ?? '', w.deps, TEST_SETTINGS);
    const c = await requestSubscription(complained?.address ?? '', w.deps, TEST_SETTINGS);

    expect([a.outcome, c.outcome]).toEqual(['already-active', 'suppressed']);
    expect(w.mailer.sent).toHaveLength(0);
  });

  it('rejects an expired confirmation link', async () => {
    const w = signupWorld();
    await requestSubscription('carol@example.com', w.deps, TEST_SETTINGS);
    w.time.advance(49 * 3600_000);

    const outcome = await confirmSubscription(
      confirmLink(w.mailer.sent[0]?.raw ?? Buffer.alloc(0)),
      w.deps,
      TEST_SETTINGS,
    );

    expect(outcome).toBe('invalid-link');
    expect((await w.subscribers.get(addressHash('carol@example.com')))?.subscriber.status).toBe('pending');
  });
});

describe('unsubscribe', () => {
  it('unsubscribes on a one-click POST and is idempotent', async () => {
    const w = signupWorld();
    const [person] = await seedSubscribers(w.subscribers, 1);
    const token = signToken({
      secret: TEST_SECRET,
      purpose: 'unsubscribe',
      subscriberHash: person?.hash ?? '',
    });

    const first = await unsubscribe(token, w.deps, TEST_SETTINGS);
    const second = await unsubscribe(token, w.deps, TEST_SETTINGS);

    expect([first, second]).toEqual(['unsubscribed', 'unsubscribed']);
    expect((await w.subscribers.get(person?.hash ?? ''))?.subscriber).toMatchObject({
      status: 'unsubscribed',
      statusReason: 'unsubscribe link',
    });
  });

  it('answers an unknown subscriber like a known one and rejects a tampered token', async () => {
    const w = signupWorld();
    const token = signToken({
      secret: TEST_SECRET,
      purpose: 'unsubscribe',
      subscriberHash: addressHash('x@example.com'),
    });

    expect(await unsubscribe(token, w.deps, TEST_SETTINGS)).toBe('unsubscribed');
    expect(await unsubscribe(`${token.slice(0, -2)}AA`, w.deps, TEST_SETTINGS)).toBe('invalid-link');
    expect(isValidUnsubscribeToken(`${token}x`, TEST_SETTINGS, w.time.clock())).toBe(false);
  });

  it('shows a confirmation page whose form POSTs back with the token', () => {
    const page = unsubscribeConfirmPage('u.abc.0.sig');

    expect(page).toContain('method="post"');
    expect(page).toContain('action="?token=u.abc.0.sig"');
  });
});

describe('SES feedback', () => {
  const bounce = (address: string, bounceType: string) =>
    sesNotificationSchema.parse({
      notificationType: 'Bounce',
      bounce: { bounceType, bounceSubType: 'General', bouncedRecipients: [{ emailAddress: address }] },
      mail: { messageId: 'x' },
    });

  it('suppresses a hard bounce at once', async () => {
    const w = signupWorld();
    const [person] = await seedSubscribers(w.subscribers, 1);

    const result = await handleSesNotification(bounce(person?.address ?? '', 'Permanent'), w.deps);

    expect(result.actions).toEqual([{ subscriber: person?.hash, action: 'suppressed-bounce' }]);
    expect((await w.subscribers.get(person?.hash ?? ''))?.subscriber.status).toBe('bounced');
  });

  it('suppresses a complaint at once (event publishing shape)', async () => {
    const w = signupWorld();
    const [person] = await seedSubscribers(w.subscribers, 1);
    const notification = sesNotificationSchema.parse({
      eventType: 'Complaint',
      complaint: { complainedRecipients: [{ emailAddress: `Someone <${person?.address}>` }] },
    });

    await handleSesNotification(notification, w.deps);

    expect((await w.subscribers.get(person?.hash ?? ''))?.subscriber.status).toBe('complained');
  });

  it('suppresses soft bounces only after three within the window', async () => {
    const w = signupWorld();
    const [person] = await seedSubscribers(w.subscribers, 1);
    const soft = bounce(person?.address ?? '', 'Transient');

    await handleSesNotification(soft, w.deps);
    w.time.advance(40 * 24 * 3600_000); // the first one falls out of the 30-day window
    await handleSesNotification(soft, w.deps);
    await handleSesNotification(soft, w.deps);
    const before = (await w.subscribers.get(person?.hash ?? ''))?.subscriber;
    await handleSesNotification(soft, w.deps);
    const after = (await w.subscribers.get(person?.hash ?? ''))?.subscriber;

    expect(before).toMatchObject({ status: 'active', softBounces: 2 });
    expect(after).toMatchObject({ status: 'bounced', softBounces: 3 });
  });
});
