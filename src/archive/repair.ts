/**
 * Rebuilds index.json, latest.json and index.html from the issue objects themselves: every
 * `issues/<id>/snapshot.json` that parses is a complete issue, and its files are hashed again. Deletes
 * nothing; issues without a snapshot (a crash mid-write) and unreadable snapshots are reported.
 * Reads every object once, so it is O(archive size): a recovery tool, not part of publishing.
 */
import { contentHeadersFor } from './content-types';
import { sha256Hex } from './hash';
import type { ArchivedFile, IssueIndexEntry } from './index-entry';
import { ISSUES_PREFIX, isPublicKey, parseIssueKey, SNAPSHOT_FILE } from './keys';
import { type ManifestDeps, updateManifests } from './manifest';
import { entryFromSnapshot, parseSnapshotBody } from './snapshot-entry';
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

/** Rebuilds the manifests from the issue objects (see module comment). */
export async function repairManifests(store: ArchiveStore, deps: ManifestDeps): Promise<RepairResult> {
  const byIssue = new Map<string, string[]>();
  for (const key of await store.list(ISSUES_PREFIX)) {
    const parsed = parseIssueKey(key);
    if (!parsed) continue;
    const names = byIssue.get(parsed.issueId) ?? [];
    names.push(parsed.name);
    byIssue.set(parsed.issueId, names);
  }

  const rebuilt: IssueIndexEntry[] = [];
  const incomplete: string[] = [];
  const skipped: RepairResult['skipped'] = [];
  for (const [issueId, names] of byIssue) {
    if (!names.includes(SNAPSHOT_FILE)) {
      incomplete.push(issueId);
      continue;
    }
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
    const files: Record<string, ArchivedFile> = {};
    for (const name of names) {
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
    rebuilt.push({ ...entryFromSnapshot(snapshot), files });
  }

  const { written, entries } = await updateManifests(store, () => rebuilt, deps, { replaceCorrupt: true });
  return { issues: entries, incomplete: incomplete.sort(), skipped, written };
}
