import { describe, expect, it } from 'vitest';
import { createMemoryArchiveStore } from '../../../src/archive/memory-store';
import { createLedger } from '../../../src/delivery/ledger';

const ISSUE = '2026-11-23';
const HASH = 'a'.repeat(64);
const at = (seconds: number) => new Date(Date.UTC(2026, 10, 24, 7, 0, seconds));

describe('send ledger', () => {
  it('lets a released claim be taken again at once, without waiting out the lease', async () => {
    const ledger = createLedger(createMemoryArchiveStore(), { leaseMs: 60_000 });
    const first = await ledger.claim(ISSUE, HASH, at(0));
    if (first.kind !== 'claimed') throw new Error('expected a claim');

    await ledger.release(ISSUE, HASH, first, at(1));
    const second = await ledger.claim(ISSUE, HASH, at(2));

    expect(second.kind).toBe('claimed');
  });

  it('never releases a claim another sender took over after the lease ran out', async () => {
    const ledger = createLedger(createMemoryArchiveStore(), { leaseMs: 60_000 });
    const slow = await ledger.claim(ISSUE, HASH, at(0));
    if (slow.kind !== 'claimed') throw new Error('expected a claim');
    const takeover = await ledger.claim(ISSUE, HASH, at(61));
    if (takeover.kind !== 'claimed') throw new Error('expected the takeover to claim');

    // The slow sender's refused send releases "its" claim: the takeover's must survive.
    await ledger.release(ISSUE, HASH, slow, at(62));

    expect(await ledger.read(ISSUE, HASH)).toMatchObject({
      state: 'sending',
      claimedAt: at(61).toISOString(),
    });
    expect((await ledger.claim(ISSUE, HASH, at(63))).kind).toBe('in-flight');
    expect(await ledger.markSent(ISSUE, HASH, takeover, { messageId: 'm1', at: at(64) })).toBe(true);
    expect((await ledger.claim(ISSUE, HASH, at(65))).kind).toBe('sent');
  });

  it('defers to a live claim inside the lease', async () => {
    const ledger = createLedger(createMemoryArchiveStore(), { leaseMs: 60_000 });
    await ledger.claim(ISSUE, HASH, at(0));

    expect((await ledger.claim(ISSUE, HASH, at(30))).kind).toBe('in-flight');
  });
});
