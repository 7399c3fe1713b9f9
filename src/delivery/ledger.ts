/**
 * The send ledger: one object per (issue, subscriber) at `ledger/<issueId>/<subscriberHash>`, written with
 * conditional writes only, so at most one sender ever owns a recipient at a time.
 *
 * Protocol (one recipient):
 *   1. claim: create the object `{ state: 'sending' }` only if absent (`putIfMatch(..., null)`, i.e.
 *      If-None-Match: *). Exists and `sent` → skip. Exists and `sending` younger than the lease → another
 *      sender is on it → defer (the SQS message returns later). Older than the lease → the previous owner
 *      died; take the claim over with If-Match on the version read.
 *   2. send through SES.
 *   3. mark sent: replace the claim with `{ state: 'sent', messageId }`, If-Match on the claim's version.
 *   On a refused send the claim is marked `released`, If-Match on the claim's version: a claim another
 *   sender has taken over meanwhile is left alone. A released entry can be claimed again at once.
 * The one window that can still duplicate: SES accepted the message but the sender never learned it,
 * because the process died before step 3 or the connection failed before SES's answer arrived (an
 * ambiguous error: the claim is kept, not released). After the lease, a redelivery sends again (with the
 * same Message-ID header).
 */
import { z } from 'zod';
import type { ArchiveStore } from '../archive/store';
import { readStoredJson } from '../archive/stored-json';
import { CorruptRecordError } from './errors';

const ledgerEntrySchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('sending'), claimedAt: z.iso.datetime() }),
  z.object({ state: z.literal('released'), claimedAt: z.iso.datetime(), releasedAt: z.iso.datetime() }),
  z.object({
    state: z.literal('sent'),
    claimedAt: z.iso.datetime(),
    sentAt: z.iso.datetime(),
    messageId: z.string().max(500),
  }),
]);

export type LedgerEntry = z.infer<typeof ledgerEntrySchema>;

/** Outcome of a claim: ours to send (with the version to finish), already sent, or someone else's. */
export type ClaimResult =
  | { kind: 'claimed'; etag: string; claimedAt: string }
  | { kind: 'sent' }
  | { kind: 'in-flight' };

/** The ledger port. */
export interface Ledger {
  claim(issueId: string, subscriberHash: string, now: Date): Promise<ClaimResult>;
  /** Records the send; returns false if the claim was lost meanwhile (the send still happened). */
  markSent(
    issueId: string,
    subscriberHash: string,
    claim: { etag: string; claimedAt: string },
    sent: { messageId: string; at: Date },
  ): Promise<boolean>;
  /** Gives our claim back after a refused send, so a retry may send; never touches someone else's claim. */
  release(
    issueId: string,
    subscriberHash: string,
    claim: { etag: string; claimedAt: string },
    now: Date,
  ): Promise<void>;
  /** The recorded entry, if any. */
  read(issueId: string, subscriberHash: string): Promise<LedgerEntry | null>;
}

/** The key of a ledger entry. */
export function ledgerKey(issueId: string, subscriberHash: string): string {
  return `ledger/${issueId}/${subscriberHash}`;
}

const JSON_TYPE = { contentType: 'application/json' };

/**
 * How long a `sending` claim is honoured before another sender may take it over. A live sender must never
 * hold a claim longer than this, so the sender Lambda's timeout may not exceed it (enforced at synth time).
 */
export const LEDGER_LEASE_MS = 60_000;

/** A Ledger on any ArchiveStore; `leaseMs` is how long a `sending` claim is honoured. */
export function createLedger(store: ArchiveStore, options: { leaseMs?: number } = {}): Ledger {
  const leaseMs = options.leaseMs ?? LEDGER_LEASE_MS;
  const read = (key: string) =>
    readStoredJson(
      store,
      key,
      ledgerEntrySchema,
      (problem, options) => new CorruptRecordError(`ledger entry ${key}: ${problem}`, options),
    );
  return {
    async claim(issueId, subscriberHash, now) {
      const key = ledgerKey(issueId, subscriberHash);
      const claimedAt = now.toISOString();
      const body = JSON.stringify({ state: 'sending', claimedAt } satisfies LedgerEntry);
      const created = await store.putIfMatch(key, body, null, JSON_TYPE);
      if (created !== 'conflict') return { kind: 'claimed', etag: created, claimedAt };
      const current = await read(key);
      if (!current) {
        // Released between our write and read: try once more, else let the retry handle it.
        const again = await store.putIfMatch(key, body, null, JSON_TYPE);
        return again === 'conflict' ? { kind: 'in-flight' } : { kind: 'claimed', etag: again, claimedAt };
      }
      if (current.value.state === 'sent') return { kind: 'sent' };
      const released = current.value.state === 'released';
      if (!released && now.getTime() - Date.parse(current.value.claimedAt) < leaseMs)
        return { kind: 'in-flight' };
      const taken = await store.putIfMatch(key, body, current.etag, JSON_TYPE);
      return taken === 'conflict' ? { kind: 'in-flight' } : { kind: 'claimed', etag: taken, claimedAt };
    },
    async markSent(issueId, subscriberHash, claim, sent) {
      const entry: LedgerEntry = {
        state: 'sent',
        claimedAt: claim.claimedAt,
        sentAt: sent.at.toISOString(),
        messageId: sent.messageId,
      };
      const result = await store.putIfMatch(
        ledgerKey(issueId, subscriberHash),
        JSON.stringify(entry),
        claim.etag,
        JSON_TYPE,
      );
      return result !== 'conflict';
    },
    async release(issueId, subscriberHash, claim, now) {
      const entry: LedgerEntry = {
        state: 'released',
        claimedAt: claim.claimedAt,
        releasedAt: now.toISOString(),
      };
      // A conflict means another sender took the claim over (our lease ran out): it is theirs now.
      await store.putIfMatch(
        ledgerKey(issueId, subscriberHash),
        JSON.stringify(entry),
        claim.etag,
        JSON_TYPE,
      );
    },
    async read(issueId, subscriberHash) {
      return (await read(ledgerKey(issueId, subscriberHash)))?.value ?? null;
    },
  };
}
