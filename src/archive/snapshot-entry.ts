/**
 * The manifest line of an issue derived from its snapshot, for when the snapshot is the only source of
 * truth (repair, re-runs of an archived issue).
 */
import { z } from 'zod';
import type { IssueIndexEntry } from '../contracts/index-entry';
import { type Snapshot, snapshotSchema } from '../snapshot/schema';
import { parseJsonAs } from '../validated-json';
import { issueKey } from './keys';
import type { ArchiveStore } from './store';

/** Longest feed summary drawn from the narrative, characters; whole sentences only. */
const SUMMARY_MAX = 400;

/**
 * The narrative's first sentences for the feeds: the lead story's text, and the next ones while they fit
 * in {@link SUMMARY_MAX} characters. Undefined when the snapshot has no narrative.
 */
export function narrativeSummary(snapshot: Snapshot): string | undefined {
  const [lead, ...rest] = snapshot.narrative;
  if (!lead) return undefined;
  let summary = lead.text;
  for (const next of rest) {
    if (summary.length + 1 + next.text.length > SUMMARY_MAX) break;
    summary += ` ${next.text}`;
  }
  return summary;
}

/**
 * The index entry (without files) that a snapshot implies; `title` is the issue's subject line when the
 * caller has it (the renderer makes it, so a snapshot alone does not say).
 */
export function entryFromSnapshot(snapshot: Snapshot, title?: string): Omit<IssueIndexEntry, 'files'> {
  const { metrics } = snapshot;
  const summary = narrativeSummary(snapshot);
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
    ...(title ? { title } : {}),
    ...(summary ? { summary } : {}),
  };
}

/** Parses stored snapshot bytes; null when they are not a valid snapshot of `issueId`. */
export function parseSnapshotBody(body: Buffer): Snapshot | null {
  const parsed = parseJsonAs(body, snapshotSchema);
  return parsed.ok ? parsed.value : null;
}

/** The entry implied by stored snapshot bytes, or null when they are absent, invalid or for another id. */
export function entryFromSnapshotBody(
  body: Buffer | null,
  issueId: string,
): Omit<IssueIndexEntry, 'files'> | null {
  const snapshot = body ? parseSnapshotBody(body) : null;
  return snapshot && snapshot.issueId === issueId ? entryFromSnapshot(snapshot) : null;
}

const subjectOnly = z.object({ subject: z.string().min(1) });

/**
 * The subject line an archived issue was mailed with (its private `email.json`), for index entries rebuilt
 * from the stored files; undefined when there is no readable one.
 */
export async function storedSubject(store: ArchiveStore, issueId: string): Promise<string | undefined> {
  const object = await store.get(issueKey(issueId, 'email.json'));
  if (!object) return undefined;
  const parsed = parseJsonAs(object.body, subjectOnly);
  return parsed.ok ? parsed.value.subject : undefined;
}
