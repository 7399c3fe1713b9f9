/**
 * Rebuilds index.json, latest.json and index.html from the issue objects themselves: every
 * `issues/<id>/snapshot.json` that parses is a complete issue, and its files are hashed again. Deletes
 * nothing; issues without a snapshot (a crash mid-write) and unreadable snapshots are reported.
 * Reads every object once, so it is O(archive size): a recovery tool, not part of publishing.
 */

import type { ArchivedFile, IssueIndexEntry } from '../contracts/index-entry';
import type { Snapshot } from '../snapshot/schema';
import { contentHeadersFor } from './content-types';
import { sha256Hex } from './hash';
import {
  foldersByRecord,
  INDEX_HTML_KEY,
  ISSUES_PREFIX,
  isPublicKey,
  namesByFolder,
  SNAPSHOT_FILE,
} from './keys';
import { type ManifestDeps, readIndexManifest, updateManifests } from './manifest';
import { entryFromSnapshot, parseSnapshotBody, storedSubject } from './snapshot-entry';
import type { ArchiveStore } from './store';

export interface RepairResult {
  /** Entries now in index.json, newest first. */
  issues: IssueIndexEntry[];
  /** Issue folders without snapshot.json: incomplete, left as they are (re-run the issue to finish). */
  incomplete: string[];
  /** Issues whose snapshot.json is not a valid snapshot of that issue, with why. */
  skipped: { issueId: string; reason: string }[];
  /** Manifest keys rewritten (none when they were already right). */
  written: string[];
}

/** The manifest's `files` of one issue: each public object among `names`, hashed as stored. */
export async function hashPublicFiles(
  store: ArchiveStore,
  issueId: string,
  names: readonly string[],
): Promise<Record<string, ArchivedFile>> {
  const files: Record<string, ArchivedFile> = {};
  for (const name of [...names].sort()) {
    const key = `${ISSUES_PREFIX}${issueId}/${name}`;
    if (!isPublicKey(key)) continue;
    const object = await store.get(key);
    if (!object) continue;
    files[name] = {
      key,
      bytes: object.body.length,
      sha256: sha256Hex(object.body),
      contentType: object.contentType ?? contentHeadersFor(name).contentType,
    };
  }
  return files;
}

/**
 * Makes sure a complete issue is listed: adds its entry (from its stored snapshot and files) when the
 * manifests lack it (a run died after snapshot.json), and brings latest.json in line with the index.
 * index.html is redrawn only when it does not show the issue yet: it also carries the caller's settings
 * (the sign-up link), and a rerun from another machine must not redraw it with its own. Writes nothing
 * when everything is already right.
 */
export async function relistIssue(
  store: ArchiveStore,
  issueId: string,
  snapshot: Snapshot,
  deps: ManifestDeps,
): Promise<{ written: string[] }> {
  const listed = (await readIndexManifest(store)).some((e) => e.issueId === issueId);
  let entry: IssueIndexEntry | null = null;
  if (!listed) {
    const prefix = `${ISSUES_PREFIX}${issueId}/`;
    const names = (await store.list(prefix)).map((key) => key.slice(prefix.length));
    entry = {
      ...entryFromSnapshot(snapshot, await storedSubject(store, issueId)),
      files: await hashPublicFiles(store, issueId, names),
    };
  }
  const page = await store.get(INDEX_HTML_KEY);
  const pageShowsIssue = page ? mentionsId(page.body.toString('utf8'), issueId) : false;
  const { written } = await updateManifests(
    store,
    (current) => (entry && !current.some((e) => e.issueId === issueId) ? [...current, entry] : current),
    deps,
    { keepIndexPage: listed && pageShowsIssue },
  );
  return { written };
}

/** True when `text` has `issueId` as a whole token (not as part of a longer id). */
function mentionsId(text: string, issueId: string): boolean {
  const escaped = issueId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^A-Za-z0-9._-])${escaped}($|[^A-Za-z0-9._-])`).test(text);
}

/** Rebuilds the manifests from the issue objects (see module comment). */
export async function repairManifests(store: ArchiveStore, deps: ManifestDeps): Promise<RepairResult> {
  const { complete, incomplete } = foldersByRecord(
    namesByFolder(ISSUES_PREFIX, await store.list(ISSUES_PREFIX)),
    SNAPSHOT_FILE,
  );

  const rebuilt: IssueIndexEntry[] = [];
  const skipped: RepairResult['skipped'] = [];
  for (const [issueId, names] of complete) {
    const snapshotObject = await store.get(`${ISSUES_PREFIX}${issueId}/${SNAPSHOT_FILE}`);
    const snapshot = snapshotObject ? parseSnapshotBody(snapshotObject.body) : null;
    if (!snapshot || snapshot.issueId !== issueId) {
      skipped.push({
        issueId,
        reason: snapshot
          ? `snapshot.json belongs to issue ${snapshot.issueId}`
          : 'snapshot.json is not a valid snapshot',
      });
      continue;
    }
    rebuilt.push({
      ...entryFromSnapshot(snapshot, await storedSubject(store, issueId)),
      files: await hashPublicFiles(store, issueId, names),
    });
  }

  const { written, entries } = await updateManifests(store, () => rebuilt, deps, { replaceCorrupt: true });
  return { issues: entries, incomplete, skipped, written };
}
