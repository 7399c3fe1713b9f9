/**
 * The per-mailbox records (src/delivery/mailbox.ts) and the feedback ledger (src/delivery/feedback-ledger.ts)
 * rely on conditional writes to stay right when requests race. These cases run on the memory store, the
 * filesystem store and S3 through a client mock that enforces If-None-Match / If-Match with S3's ETags
 * (test/unit/archive/s3-fake.ts), so the S3 path is proven against something that refuses a stale write.
 */
import { describe, expect, it } from 'vitest';
import { createMemoryArchiveStore } from '../../../src/archive/memory-store';
import type { ArchiveStore } from '../../../src/archive/store';
import { mailboxHash } from '../../../src/delivery/address';
import { ConcurrentUpdateError, CorruptRecordError } from '../../../src/delivery/errors';
import { createFeedbackLedger, feedbackLedgerKey } from '../../../src/delivery/feedback-ledger';
import {
  claimConfirmation,
  liftMailboxSuppression,
  rateLimitKey,
  readSuppression,
  releaseConfirmation,
  scanSuppressedMailboxes,
  suppressMailbox,
} from '../../../src/delivery/mailbox';
import { createSubscriberStore } from '../../../src/delivery/subscribers';
import { losingStore } from '../../fixtures/archive/losing-store';
import { storeVariants } from '../archive/store-variants';

const NOW = new Date('2026-11-24T07:00:00Z');
const later = (ms: number) => new Date(NOW.getTime() + ms);
const FIFTEEN_MINUTES = 15 * 60_000;

const STORES = storeVariants('hashbrief-records-');

describe.each(STORES)('mailbox records on %s', (_name, makeStore) => {
  it('lets exactly one of six simultaneous sign-ups of one mailbox (any spelling or tag) send a confirmation', async () => {
    // Arrange
    const subscribers = createSubscriberStore(await makeStore());
    const spellings = [
      'reader@example.com',
      'Reader@example.com',
      'reader+a@example.com',
      'READER+b@example.com',
    ];
    // Act
    const gates = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        claimConfirmation(subscribers, spellings[i % spellings.length] as string, NOW, FIFTEEN_MINUTES),
      ),
    );
    // Assert
    expect(gates.filter((g) => g === 'claimed')).toHaveLength(1);
    expect(gates.filter((g) => g === 'rate-limited')).toHaveLength(5);
  });

  it('rate-limits a mailbox until the resend interval has passed, to the millisecond', async () => {
    const subscribers = createSubscriberStore(await makeStore());
    await claimConfirmation(subscribers, 'reader@example.com', NOW, FIFTEEN_MINUTES);

    expect(
      await claimConfirmation(subscribers, 'reader@example.com', later(FIFTEEN_MINUTES - 1), FIFTEEN_MINUTES),
    ).toBe('rate-limited');
    expect(
      await claimConfirmation(subscribers, 'reader@example.com', later(FIFTEEN_MINUTES), FIFTEEN_MINUTES),
    ).toBe('claimed');
  });

  it('gives back only its own confirmation claim, never a newer one', async () => {
    // Arrange: a claim, then (after the interval) a newer claim by another request.
    const subscribers = createSubscriberStore(await makeStore());
    await claimConfirmation(subscribers, 'reader@example.com', NOW, FIFTEEN_MINUTES);
    await claimConfirmation(subscribers, 'reader@example.com', later(FIFTEEN_MINUTES), FIFTEEN_MINUTES);
    // Act: the first request's failed mail releases "its" claim.
    await releaseConfirmation(subscribers, 'reader@example.com', NOW);
    // Assert: the newer claim still rate-limits.
    expect(
      await claimConfirmation(subscribers, 'reader@example.com', later(FIFTEEN_MINUTES + 1), FIFTEEN_MINUTES),
    ).toBe('rate-limited');
    const stored = await subscribers.store.get(rateLimitKey(mailboxHash('reader@example.com')));
    expect(JSON.parse(stored?.body.toString('utf8') ?? '{}')).toEqual({
      schemaVersion: 1,
      confirmationSentAt: later(FIFTEEN_MINUTES).toISOString(),
    });
  });

  it('keeps the stronger suppression when a bounce and a complaint arrive at once', async () => {
    const subscribers = createSubscriberStore(await makeStore());

    const [bounced, complained] = await Promise.all([
      suppressMailbox(subscribers, 'victim@example.com', 'bounced', { suppressedAt: NOW }),
      suppressMailbox(subscribers, 'victim+x@example.com', 'complained', { suppressedAt: NOW }),
    ]);

    expect(complained).toBe(true);
    expect(typeof bounced).toBe('boolean');
    expect(await readSuppression(subscribers, 'Victim@example.com')).toMatchObject({
      suppression: 'complained',
      suppressedAt: NOW.toISOString(),
    });
  });

  it('does not apply a suppression dated before an operator lifted it, and applies a later one', async () => {
    const subscribers = createSubscriberStore(await makeStore());
    await suppressMailbox(subscribers, 'victim@example.com', 'bounced', { suppressedAt: NOW });
    const lifted = await liftMailboxSuppression(subscribers, 'victim@example.com', later(1_000), {
      overriding: false,
    });

    const stale = await suppressMailbox(subscribers, 'victim@example.com', 'complained', {
      suppressedAt: later(1_000),
    });
    const fresh = await suppressMailbox(subscribers, 'victim@example.com', 'bounced', {
      suppressedAt: later(1_001),
    });

    expect(lifted).toBe('bounced');
    expect([stale, fresh]).toEqual([false, true]);
    expect(await readSuppression(subscribers, 'victim@example.com')).toEqual({
      schemaVersion: 1,
      suppression: 'bounced',
      suppressedAt: later(1_001).toISOString(),
      liftedAt: later(1_000).toISOString(),
    });
  });
});

describe('mailbox records on a store where every conditional write loses', () => {
  it('gives up with ConcurrentUpdateError naming the record after five attempts', async () => {
    const losing = losingStore();
    const subscribers = createSubscriberStore(losing);

    const claim = claimConfirmation(subscribers, 'reader@example.com', NOW, FIFTEEN_MINUTES);

    await expect(claim).rejects.toThrow(ConcurrentUpdateError);
    await expect(claim).rejects.toThrow(
      `${rateLimitKey(mailboxHash('reader@example.com'))} kept changing under us (5 attempts)`,
    );
    expect(losing.attempts).toBe(5);
  });
});

describe.each(STORES)('feedback ledger on %s', (_name, makeStore) => {
  it('lets exactly one of six simultaneous deliveries of one notification apply it first', async () => {
    const ledger = createFeedbackLedger(await makeStore());

    const begun = await Promise.all(Array.from({ length: 6 }, () => ledger.begin('ses-feedback-1', NOW)));

    expect(begun.filter((b) => b.kind === 'new')).toHaveLength(1);
    expect(begun.filter((b) => b.kind === 'retry')).toHaveLength(5);
  });

  it('records the notification done once: a stale attempt cannot finish over it', async () => {
    // Arrange: two attempts both read the entry as "applying" (the first one's version).
    const ledger = createFeedbackLedger(await makeStore());
    const first = await ledger.begin('ses-feedback-2', NOW);
    const second = await ledger.begin('ses-feedback-2', later(1_000));
    if (first.kind !== 'new' || second.kind !== 'retry') throw new Error('unexpected begin');
    // Act
    const secondFinished = await ledger.finish('ses-feedback-2', second, later(2_000));
    const firstFinished = await ledger.finish('ses-feedback-2', first, later(3_000));
    // Assert
    expect(secondFinished).toBe(true);
    expect(firstFinished).toBe(false);
    expect(await ledger.read('ses-feedback-2')).toEqual({
      state: 'done',
      startedAt: NOW.toISOString(),
      doneAt: later(2_000).toISOString(),
    });
    expect(await ledger.begin('ses-feedback-2', later(4_000))).toEqual({ kind: 'done' });
  });
});

describe('feedback ledger when its entry keeps vanishing or is unreadable', () => {
  /** A store whose every create collides with an entry that is gone again by the time it is read. */
  const vanishing = (): ArchiveStore => {
    const inner = createMemoryArchiveStore();
    return {
      ...inner,
      async putIfMatch(key, body, etag, options) {
        return etag === null ? 'conflict' : inner.putIfMatch(key, body, etag, options);
      },
    };
  };

  it('applies the notification without an entry after three tries, and cannot record it', async () => {
    const ledger = createFeedbackLedger(vanishing());

    const begun = await ledger.begin('ses-feedback-3', NOW);

    expect(begun).toEqual({ kind: 'retry', etag: null, startedAt: NOW.toISOString() });
    if (begun.kind !== 'retry') throw new Error('unexpected begin');
    expect(await ledger.finish('ses-feedback-3', begun, later(1_000))).toBe(false);
  });

  it('creates its entry on a second try when the one it collided with is gone', async () => {
    const inner = createMemoryArchiveStore();
    let creates = 0;
    const ledger = createFeedbackLedger({
      ...inner,
      async putIfMatch(key, body, etag, options) {
        if (etag === null && creates++ === 0) return 'conflict';
        return inner.putIfMatch(key, body, etag, options);
      },
    });

    const begun = await ledger.begin('ses-feedback-4', NOW);

    expect(begun).toMatchObject({ kind: 'new', startedAt: NOW.toISOString() });
    expect(await ledger.read('ses-feedback-4')).toEqual({ state: 'applying', startedAt: NOW.toISOString() });
  });

  it.each([
    ['not JSON', '{"state":', /^feedback ledger entry feedback\/[0-9a-f]{64}\.json: not JSON$/],
    ['of an unknown state', '{"state":"lost","startedAt":"2026-11-24T07:00:00Z"}', /: field `state` /],
  ])('refuses an entry that is %s', async (_label, body, message) => {
    const store = createMemoryArchiveStore();
    await store.putIfAbsent(feedbackLedgerKey('ses-feedback-5'), body, { contentType: 'application/json' });
    const ledger = createFeedbackLedger(store);

    await expect(ledger.begin('ses-feedback-5', NOW)).rejects.toThrow(CorruptRecordError);
    await expect(ledger.read('ses-feedback-5')).rejects.toThrow(message);
  });
});

describe('mailbox suppressions that cannot be read', () => {
  const unreadable = async () => {
    const subscribers = createSubscriberStore(createMemoryArchiveStore());
    const key = `subscribers/suppressed/${mailboxHash('victim@example.com')}.json`;
    await subscribers.store.putIfAbsent(key, '{"schemaVersion":1,"suppression":"compl', {
      contentType: 'application/json',
    });
    const warnings: unknown[] = [];
    const reporter = {
      info: () => {},
      warn: (message: string, fields?: unknown) => warnings.push({ message, fields }),
    };
    return { subscribers, key, warnings, reporter };
  };

  it('counts an unreadable record as suppressed in a scan, and names it', async () => {
    const { subscribers, key, warnings, reporter } = await unreadable();
    await suppressMailbox(subscribers, 'other@example.com', 'bounced', { suppressedAt: NOW });

    const scan = await scanSuppressedMailboxes(subscribers, reporter);

    expect(scan.suppressed).toEqual(
      new Set([mailboxHash('victim@example.com'), mailboxHash('other@example.com')]),
    );
    expect(scan.unreadable).toEqual([{ record: key, reason: 'not JSON' }]);
    expect(warnings).toHaveLength(1);
  });

  it('lifts an unreadable record (reported as "unreadable") and leaves a clean one behind', async () => {
    const { subscribers, warnings, reporter } = await unreadable();

    const lifted = await liftMailboxSuppression(subscribers, 'victim@example.com', NOW, {
      overriding: false,
      reporter,
    });

    expect(lifted).toBe('unreadable');
    expect(warnings).toHaveLength(1);
    expect(await readSuppression(subscribers, 'victim@example.com')).toMatchObject({
      suppression: null,
      liftedAt: NOW.toISOString(),
    });
  });

  it('lifts nothing for a mailbox never suppressed unless overriding, which records the lift', async () => {
    const subscribers = createSubscriberStore(createMemoryArchiveStore());

    expect(await liftMailboxSuppression(subscribers, 'a@example.com', NOW, { overriding: false })).toBeNull();
    expect(await readSuppression(subscribers, 'a@example.com')).toBeNull();
    expect(await liftMailboxSuppression(subscribers, 'a@example.com', NOW, { overriding: true })).toBeNull();
    expect(await readSuppression(subscribers, 'a@example.com')).toMatchObject({
      liftedAt: NOW.toISOString(),
    });
  });
});
