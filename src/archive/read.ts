/**
 * Reading the archive: the manifest for the list and metadata, the issue objects for contents. Every
 * failure is a named error a person can act on (unknown id with suggestions, corrupt manifest → repair,
 * missing object with the issue's files listed).
 */

import type { IssueIndexEntry } from '../contracts/index-entry';
import { type Snapshot, snapshotSchema } from '../snapshot/schema';
import { parseJsonOrThrow } from '../validated-json';
import { CorruptObjectError, IssueNotFoundError, MissingObjectError } from './errors';
import { assertIssueId, issueKey, SNAPSHOT_FILE } from './keys';
import { readIndexManifest } from './manifest';
import type { ArchiveStore, StoredObject } from './store';

/** Every archived issue, newest first (from index.json; an archive without one is empty). */
export function listIssues(store: ArchiveStore): Promise<IssueIndexEntry[]> {
  return readIndexManifest(store);
}

/** The newest issue, or null for an empty archive. */
export async function latestIssue(store: ArchiveStore): Promise<IssueIndexEntry | null> {
  return (await listIssues(store))[0] ?? null;
}

/** The manifest entry of one issue; IssueNotFoundError (with the nearest ids) when it is not listed. */
export async function getIssueEntry(store: ArchiveStore, issueId: string): Promise<IssueIndexEntry> {
  assertIssueId(issueId);
  const entries = await listIssues(store);
  const found = entries.find((e) => e.issueId === issueId);
  if (found) return found;
  throw await notFound(store, issueId, entries);
}

/**
 * One object of an issue, e.g. `metrics.csv` or `raw/x.json.gz` (bytes as stored: still gzip for
 * `.json.gz`). Private files such as `email.json` are readable too. IssueNotFoundError when the issue
 * does not exist at all, MissingObjectError when it does but the file does not.
 */
export async function readIssueFile(
  store: ArchiveStore,
  issueId: string,
  name: string,
): Promise<StoredObject> {
  const key = issueKey(issueId, name);
  const object = await store.get(key);
  if (object) return object;
  const entries = await listIssues(store);
  const entry = entries.find((e) => e.issueId === issueId);
  if (!entry && !(await store.get(issueKey(issueId, SNAPSHOT_FILE))))
    throw await notFound(store, issueId, entries);
  throw new MissingObjectError(key, entry ? Object.keys(entry.files) : []);
}

/**
 * A download URL for one issue file: the CDN URL for public files when the store has a public base
 * URL, else presigned (S3, with `expiresAt`) or file:// (filesystem). Checks the issue exists and, for
 * public files, that the manifest lists the file.
 */
export async function issueFileUrl(
  store: ArchiveStore,
  issueId: string,
  name: string,
  options: { expiresInSeconds?: number } = {},
): Promise<{ url: string; expiresAt: string | null }> {
  const key = issueKey(issueId, name);
  const entry = await getIssueEntry(store, issueId);
  if (!entry.files[name] && !(await store.get(key)))
    throw new MissingObjectError(key, Object.keys(entry.files));
  return store.url(key, options);
}

/** The issue's snapshot.json, validated with the snapshot schema (CorruptObjectError when invalid). */
export async function readSnapshot(store: ArchiveStore, issueId: string): Promise<Snapshot> {
  const object = await readIssueFile(store, issueId, SNAPSHOT_FILE);
  return parseSnapshot(issueKey(issueId, SNAPSHOT_FILE), object.body);
}

/**
 * The snapshot of the newest issue strictly before `asOf` (YYYY-MM-DD), or null. The pipeline uses it
 * for week-over-week changes. `sample` restricts to live (false) or sample (true) issues, so live
 * figures are never compared with sample data.
 */
export async function previousIssueBefore(
  store: ArchiveStore,
  asOf: string,
  options: { sample?: boolean } = {},
): Promise<Snapshot | null> {
  const entries = await listIssues(store);
  const previous = entries.find(
    (e) => e.asOf < asOf && (options.sample === undefined || e.sample === options.sample),
  );
  return previous ? readSnapshot(store, previous.issueId) : null;
}

function parseSnapshot(key: string, body: Buffer): Snapshot {
  return parseJsonOrThrow(
    body,
    snapshotSchema,
    (problem, options) => new CorruptObjectError(key, problem, options),
  );
}

async function notFound(
  store: ArchiveStore,
  issueId: string,
  entries: IssueIndexEntry[],
): Promise<IssueNotFoundError> {
  const nearest = nearestIds(
    issueId,
    entries.map((e) => e.issueId),
  );
  const orphaned = await store.get(issueKey(issueId, SNAPSHOT_FILE));
  const hint = orphaned
    ? 'Its objects exist but the manifest does not list it: run "hashbrief archive repair".'
    : undefined;
  return new IssueNotFoundError(issueId, nearest, hint);
}

/** Up to `limit` ids closest to `id` by edit distance (ties: newest first, as listed). */
export function nearestIds(id: string, ids: string[], limit = 3): string[] {
  return ids
    .map((candidate, order) => ({ candidate, order, distance: editDistance(id, candidate) }))
    .sort((a, b) => a.distance - b.distance || a.order - b.order)
    .slice(0, limit)
    .map((x) => x.candidate);
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
