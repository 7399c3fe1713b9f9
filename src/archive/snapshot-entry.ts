/**
 * The manifest line of an issue derived from its snapshot, for when the snapshot is the only source of
 * truth (repair, re-runs of an archived issue).
 */
import { type Snapshot, snapshotSchema } from '../snapshot/schema';
import type { IssueIndexEntry } from './index-entry';

/** The index entry (without files) that a snapshot implies. */
export function entryFromSnapshot(snapshot: Snapshot): Omit<IssueIndexEntry, 'files'> {
  const { metrics } = snapshot;
  return {
    issueId: snapshot.issueId,
    asOf: snapshot.asOf,
    generatedAt: snapshot.generatedAt,
    sample: snapshot.sample,
    headline: {
      hashpriceUsdPerPhDay: metrics.hashprice.usdPerPhDay,
      hashpriceChange7dPct: metrics.hashprice.change7dPct,
      priceUsd: metrics.price.usd,
      hashrateEhs7d: metrics.hashrate.ehs7d,
    },
  };
}

/** Parses stored snapshot bytes; null when they are not a valid snapshot of `issueId`. */
export function parseSnapshotBody(body: Buffer): Snapshot | null {
  try {
    const parsed = snapshotSchema.safeParse(JSON.parse(body.toString('utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The entry implied by stored snapshot bytes, or null when they are absent, invalid or for another id. */
export function entryFromSnapshotBody(
  body: Buffer | null,
  issueId: string,
): Omit<IssueIndexEntry, 'files'> | null {
  const snapshot = body ? parseSnapshotBody(body) : null;
  return snapshot && snapshot.issueId === issueId ? entryFromSnapshot(snapshot) : null;
}
