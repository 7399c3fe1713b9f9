/**
 * The send ledger's protocol (src/delivery/ledger.ts) on each store it runs on: memory, the filesystem
 * (exclusive link, per-key lock) and S3 through a client mock that enforces If-None-Match / If-Match
 * with S3's MD5 ETags (test/unit/archive/s3-fake.ts). Every case that depends on a conditional write
 * failing runs against the two real adapters, not only against the memory store.
 */
import { describe, expect, it } from 'vitest';
import { createMemoryArchiveStore } from '../../../src/archive/memory-store';
import type { ArchiveStore } from '../../../src/archive/store';
import { CorruptRecordError } from '../../../src/delivery/errors';
import { createLedger, LEDGER_LEASE_MS, ledgerKey } from '../../../src/delivery/ledger';
import { storeVariants } from '../archive/store-variants';

const ISSUE = '2026-11-23';
const HASH = 'a'.repeat(64);
const T0 = Date.UTC(2026, 10, 24, 7, 0, 0);
const at = (ms: number) => new Date(T0 + ms);
const json = { contentType: 'application/json' };

const STORES = storeVariants('hashbrief-ledger-');

const claimed = (result: Awaited<ReturnType<ReturnType<typeof createLedger>['claim']>>) => {
  if (result.kind !== 'claimed') throw new Error(`expected a claim, got ${result.kind}`);
  return result;
};

describe.each(STORES)('send ledger on %s', (_name, makeStore) => {
  it('claims an unclaimed recipient, records the send, and then reports it sent', async () => {
    // Arrange
    const store = await makeStore();
    const ledger = createLedger(store, { leaseMs: 60_000 });
    // Act
    const claim = claimed(await ledger.claim(ISSUE, HASH, at(0)));
    const recorded = await ledger.markSent(ISSUE, HASH, claim, { messageId: 'ses-1', at: at(1_500) });
    // Assert
    expect(claim.claimedAt).toBe(at(0).toISOString());
    expect(recorded).toBe(true);
    expect(await ledger.read(ISSUE, HASH)).toEqual({
      state: 'sent',
      claimedAt: at(0).toISOString(),
      sentAt: at(1_500).toISOString(),
      messageId: 'ses-1',
    });
    expect(await ledger.claim(ISSUE, HASH, at(3_600_000))).toEqual({ kind: 'sent' });
  });

  it('keeps each recipient of each issue under its own key', async () => {
    const store = await makeStore();
    const ledger = createLedger(store);
    const other = 'b'.repeat(64);
    claimed(await ledger.claim(ISSUE, HASH, at(0)));

    expect(claimed(await ledger.claim(ISSUE, other, at(0))).kind).toBe('claimed');
    expect(claimed(await ledger.claim('2026-11-30', HASH, at(0))).kind).toBe('claimed');
    expect(await store.list('ledger/')).toEqual([
      ledgerKey(ISSUE, HASH),
      ledgerKey(ISSUE, other),
      ledgerKey('2026-11-30', HASH),
    ]);
  });

  it('defers to a live claim up to the last millisecond of the lease, and takes it over exactly at the lease', async () => {
    // Arrange
    const ledger = createLedger(await makeStore(), { leaseMs: 60_000 });
    claimed(await ledger.claim(ISSUE, HASH, at(0)));
    // Act
    const justInside = await ledger.claim(ISSUE, HASH, at(59_999));
    const atTheLease = await ledger.claim(ISSUE, HASH, at(60_000));
    // Assert
    expect(justInside).toEqual({ kind: 'in-flight' });
    expect(atTheLease).toMatchObject({ kind: 'claimed', claimedAt: at(60_000).toISOString() });
    expect(await ledger.read(ISSUE, HASH)).toEqual({ state: 'sending', claimedAt: at(60_000).toISOString() });
  });

  it(`honours a claim for ${LEDGER_LEASE_MS} ms when no lease is given`, async () => {
    const ledger = createLedger(await makeStore());
    claimed(await ledger.claim(ISSUE, HASH, at(0)));

    expect(await ledger.claim(ISSUE, HASH, at(LEDGER_LEASE_MS - 1))).toEqual({ kind: 'in-flight' });
    expect((await ledger.claim(ISSUE, HASH, at(LEDGER_LEASE_MS))).kind).toBe('claimed');
  });

  it('reports a stale claim’s markSent as lost and keeps the claim of the sender that took over', async () => {
    // Arrange: the slow sender's lease ran out and another sender took the recipient over.
    const ledger = createLedger(await makeStore(), { leaseMs: 60_000 });
    const slow = claimed(await ledger.claim(ISSUE, HASH, at(0)));
    const takeover = claimed(await ledger.claim(ISSUE, HASH, at(61_000)));
    // Act: the slow sender's send completes and it tries to record it.
    const slowRecorded = await ledger.markSent(ISSUE, HASH, slow, { messageId: 'slow', at: at(62_000) });
    // Assert: its write is refused; the takeover's claim stands and is the one that records its send.
    expect(slowRecorded).toBe(false);
    expect(await ledger.read(ISSUE, HASH)).toEqual({ state: 'sending', claimedAt: at(61_000).toISOString() });
    expect(await ledger.markSent(ISSUE, HASH, takeover, { messageId: 'fresh', at: at(63_000) })).toBe(true);
    expect(await ledger.read(ISSUE, HASH)).toMatchObject({ state: 'sent', messageId: 'fresh' });
  });

  it('refuses a markSent after the entry was already recorded sent', async () => {
    const ledger = createLedger(await makeStore());
    const claim = claimed(await ledger.claim(ISSUE, HASH, at(0)));
    await ledger.markSent(ISSUE, HASH, claim, { messageId: 'first', at: at(1) });

    expect(await ledger.markSent(ISSUE, HASH, claim, { messageId: 'second', at: at(2) })).toBe(false);
    expect(await ledger.read(ISSUE, HASH)).toMatchObject({ messageId: 'first' });
  });

  it('refuses a markSent whose entry was deleted meanwhile', async () => {
    const store = await makeStore();
    const ledger = createLedger(store);
    const claim = claimed(await ledger.claim(ISSUE, HASH, at(0)));
    await store.delete(ledgerKey(ISSUE, HASH));

    expect(await ledger.markSent(ISSUE, HASH, claim, { messageId: 'm', at: at(1) })).toBe(false);
    expect(await ledger.read(ISSUE, HASH)).toBeNull();
  });

  it('lets a released claim be taken again at once, without waiting out the lease', async () => {
    const ledger = createLedger(await makeStore(), { leaseMs: 60_000 });
    const first = claimed(await ledger.claim(ISSUE, HASH, at(0)));

    await ledger.release(ISSUE, HASH, first, at(1_000));
    const released = await ledger.read(ISSUE, HASH);
    const second = await ledger.claim(ISSUE, HASH, at(2_000));

    expect(released).toEqual({
      state: 'released',
      claimedAt: at(0).toISOString(),
      releasedAt: at(1_000).toISOString(),
    });
    expect(second).toMatchObject({ kind: 'claimed', claimedAt: at(2_000).toISOString() });
  });

  it('never releases a claim another sender took over after the lease ran out', async () => {
    const ledger = createLedger(await makeStore(), { leaseMs: 60_000 });
    const slow = claimed(await ledger.claim(ISSUE, HASH, at(0)));
    const takeover = claimed(await ledger.claim(ISSUE, HASH, at(61_000)));

    // The slow sender's refused send releases "its" claim: the takeover's must survive.
    await ledger.release(ISSUE, HASH, slow, at(62_000));

    expect(await ledger.read(ISSUE, HASH)).toEqual({ state: 'sending', claimedAt: at(61_000).toISOString() });
    expect((await ledger.claim(ISSUE, HASH, at(63_000))).kind).toBe('in-flight');
    expect(await ledger.markSent(ISSUE, HASH, takeover, { messageId: 'm1', at: at(64_000) })).toBe(true);
    expect((await ledger.claim(ISSUE, HASH, at(65_000))).kind).toBe('sent');
  });

  it('lets exactly one of many senders claim a new recipient at once', async () => {
    const ledger = createLedger(await makeStore());

    const results = await Promise.all(Array.from({ length: 6 }, () => ledger.claim(ISSUE, HASH, at(0))));

    expect(results.filter((r) => r.kind === 'claimed')).toHaveLength(1);
    expect(results.filter((r) => r.kind === 'in-flight')).toHaveLength(5);
  });

  it('lets exactly one of many senders take over the same expired claim', async () => {
    // Arrange: the first owner died; six redeliveries arrive after the lease.
    const ledger = createLedger(await makeStore(), { leaseMs: 60_000 });
    claimed(await ledger.claim(ISSUE, HASH, at(0)));
    // Act: each one takes over with its own time, so each writes a different body.
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => ledger.claim(ISSUE, HASH, at(60_000 + i))),
    );
    // Assert
    const winners = results.filter((r) => r.kind === 'claimed');
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => r.kind === 'in-flight')).toHaveLength(5);
    expect(await ledger.read(ISSUE, HASH)).toEqual({
      state: 'sending',
      claimedAt: winners[0]?.kind === 'claimed' ? winners[0].claimedAt : 'none',
    });
  });

  it.each([
    ['not JSON', '{"state":"sent",', /^ledger entry ledger\/2026-11-23\/a{64}: not JSON$/],
    [
      'an unknown state',
      '{"state":"queued","claimedAt":"2026-11-24T07:00:00.000Z"}',
      /^ledger entry ledger\/2026-11-23\/a{64}: field `state` /,
    ],
    ['a claim without its time', '{"state":"sending"}', /: field `claimedAt` /],
    [
      'a claim time that is not a date',
      '{"state":"sending","claimedAt":"yesterday"}',
      /: field `claimedAt` /,
    ],
    [
      'a sent entry without a message id',
      '{"state":"sent","claimedAt":"2026-11-24T07:00:00.000Z","sentAt":"2026-11-24T07:00:01.000Z"}',
      /: field `messageId` /,
    ],
    [
      'a message id longer than 500 characters',
      JSON.stringify({
        state: 'sent',
        claimedAt: '2026-11-24T07:00:00.000Z',
        sentAt: '2026-11-24T07:00:01.000Z',
        messageId: 'x'.repeat(501),
      }),
      /: field `messageId` /,
    ],
    ['a JSON array', '[]', /: field `\(object\)` /],
  ])('refuses to claim over a corrupt entry (%s) and leaves it as it is', async (_label, body, message) => {
    // Arrange
    const store = await makeStore();
    await store.putIfAbsent(ledgerKey(ISSUE, HASH), body, json);
    const ledger = createLedger(store, { leaseMs: 60_000 });
    // Act
    const claim = ledger.claim(ISSUE, HASH, at(3_600_000));
    // Assert: an entry nobody can read is never taken as "free to send".
    await expect(claim).rejects.toThrow(CorruptRecordError);
    await expect(claim).rejects.toThrow(message);
    // The parser's own error travels along as the cause, for the operator's log.
    await expect(claim).rejects.toHaveProperty('cause', expect.any(Error));
    await expect(ledger.read(ISSUE, HASH)).rejects.toThrow(CorruptRecordError);
    expect((await store.get(ledgerKey(ISSUE, HASH)))?.body.toString('utf8')).toBe(body);
  });
});

describe('send ledger, between a claim that found an entry and the read of it', () => {
  it('claims on a second try when the entry it collided with is gone by the time it reads', async () => {
    // Arrange: a store whose first create collides with an entry that disappears before the read.
    const inner = createMemoryArchiveStore();
    let creates = 0;
    const store: ArchiveStore = {
      ...inner,
      async putIfMatch(key, body, etag, options) {
        if (etag === null && creates++ === 0) return 'conflict';
        return inner.putIfMatch(key, body, etag, options);
      },
    };
    // Act
    const result = await createLedger(store).claim(ISSUE, HASH, at(0));
    // Assert
    expect(result).toMatchObject({ kind: 'claimed', claimedAt: at(0).toISOString() });
    expect(creates).toBe(2);
  });

  it('leaves the recipient to a retry when the second create collides too', async () => {
    const inner = createMemoryArchiveStore();
    const store: ArchiveStore = {
      ...inner,
      async putIfMatch(key, body, etag, options) {
        if (etag === null) return 'conflict';
        return inner.putIfMatch(key, body, etag, options);
      },
    };

    expect(await createLedger(store).claim(ISSUE, HASH, at(0))).toEqual({ kind: 'in-flight' });
    expect(await inner.get(ledgerKey(ISSUE, HASH))).toBeNull();
  });
});
