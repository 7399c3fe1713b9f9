/**
 * Publishing one issue into the archive. Write order is what makes a crash at any point safe:
 *   1. every issue object except snapshot.json, write-once (putIfAbsent), immutable Cache-Control;
 *   2. snapshot.json, write-once: its presence marks the issue complete;
 *   3. index.json, latest.json, index.html, each by compare-and-swap (see manifest.ts).
 * A re-run after a crash finds the objects already there, writes the missing ones and the manifests.
 * A re-run of a complete issue writes nothing and reports "already-archived"; differing bytes are kept
 * (the original wins) and reported as warnings.
 */

import { mapConcurrent } from '../concurrency';
import type { ArchivedFile, IssueIndexEntry } from '../contracts/index-entry';
import { ArchiveInputError, ArchiveStoreError } from './errors';
import { sha256Hex, toBuffer } from './hash';
import {
  assertIssueFileName,
  assertIssueId,
  IMMUTABLE_CACHE_CONTROL,
  isPublicKey,
  issueKey,
  issuePrefix,
  SNAPSHOT_FILE,
} from './keys';
import { type ManifestDeps, updateManifests } from './manifest';
import { entryFromSnapshotBody, storedSubject } from './snapshot-entry';

const withTitle = (title: string | undefined) => (title ? { title } : {});

import type { ArchiveStore, PutOptions } from './store';

export { previousIssueBefore } from './read';

/** One object of an issue, named relative to `issues/<issueId>/`. */
export interface IssueFile {
  /** e.g. `snapshot.json`, `metrics.csv`, `charts/pools.png`, `raw/coinmetrics-asset-metrics-p0.json.gz`. */
  name: string;
  body: Buffer | string;
  contentType: string;
  /** `gzip` for `.json.gz` raw responses. */
  contentEncoding?: string;
}

export interface ArchiveIssueInput {
  issueId: string;
  /** Must include `snapshot.json`; order does not matter (snapshot.json is always written last). */
  files: IssueFile[];
  entry: Omit<IssueIndexEntry, 'files'>;
  /**
   * Called after every other object is stored and before snapshot.json makes the issue complete; a
   * throw stops there (the pipeline checks that it still holds the issue's lease).
   */
  beforeSnapshot?: () => Promise<void>;
}

export type ArchiveIssueDeps = ManifestDeps;

export interface ArchiveIssueResult {
  /** `already-archived` when snapshot.json was already there: nothing of the issue was overwritten. */
  status: 'created' | 'already-archived';
  /** The issue's entry as it now stands in index.json. */
  entry: IssueIndexEntry;
  /** Every key of the issue (written or found) and the manifest keys written by this call. */
  keys: string[];
  /** Objects that existed with different bytes (kept as they were), and similar notes. */
  warnings: string[];
}

/** Writes issue objects with limited parallelism: fast on S3, gentle on a small disk. */
const WRITE_CONCURRENCY = 4;

/** Archives one issue (idempotent, crash-safe, concurrency-safe); see the module comment for the order. */
export async function archiveIssue(
  store: ArchiveStore,
  input: ArchiveIssueInput,
  deps: ArchiveIssueDeps,
): Promise<ArchiveIssueResult> {
  const { issueId } = input;
  assertIssueId(issueId);
  validateFiles(input);

  const snapshotFile = input.files.find((f) => f.name === SNAPSHOT_FILE);
  if (!snapshotFile) throw new ArchiveInputError(`Issue ${issueId} has no ${SNAPSHOT_FILE}.`);
  const others = input.files.filter((f) => f !== snapshotFile).sort((a, b) => (a.name < b.name ? -1 : 1));

  const warnings: string[] = [];
  const stored = new Map<string, ArchivedFile>();
  await mapConcurrent(others, WRITE_CONCURRENCY, async (file) => {
    const { file: archived } = await putOnce(store, issueId, file, warnings);
    stored.set(file.name, archived);
  });
  await input.beforeSnapshot?.();
  const snapshotResult = await putOnce(store, issueId, snapshotFile, warnings);
  stored.set(SNAPSHOT_FILE, snapshotResult.file);
  const status = snapshotResult.created ? 'created' : 'already-archived';

  const files = Object.fromEntries(
    [...stored.entries()].filter(([, f]) => isPublicKey(f.key)).sort(([a], [b]) => (a < b ? -1 : 1)),
  );
  // On a re-run, the stored snapshot (not this run's input) says what the issue is: its generatedAt
  // and headline figures are the ones the archived files were made from.
  const storedEntry =
    status === 'created' ? null : entryFromSnapshotBody(snapshotResult.existingBody, issueId);
  const metadata = storedEntry
    ? { ...storedEntry, ...withTitle(await storedSubject(store, issueId)) }
    : input.entry;
  const candidate: IssueIndexEntry = { ...metadata, issueId, files };

  const { written, entries } = await updateManifests(
    store,
    (current) => {
      const existing = current.find((e) => e.issueId === issueId);
      // A complete issue that is already listed keeps its entry; only a fresh issue replaces one.
      if (existing && status === 'already-archived') return current;
      return [...current.filter((e) => e.issueId !== issueId), candidate];
    },
    deps,
  );
  const entry = entries.find((e) => e.issueId === issueId) ?? candidate;
  return {
    status,
    entry,
    keys: [...input.files.map((f) => issueKey(issueId, f.name)), ...written],
    warnings,
  };
}

/** What {@link archiveRawFiles} stored: every file with its hash, and what it had to replace. */
export interface ArchivedRaw {
  files: { name: string; sha256: string; bytes: number }[];
  /** Files an interrupted earlier attempt left with other bytes, replaced (they were never committed). */
  replaced: string[];
  /** Files under raw/ that are not part of this set (left by an interrupted attempt; not committed). */
  strays: string[];
}

/**
 * Stores an issue's upstream responses ahead of everything else, for a run that holds the issue's lease
 * and has no committed inputs yet. Bytes an interrupted earlier attempt left under the same name were
 * never committed, so nothing was made from them: they are replaced (If-Match on the version read). A
 * conflict means another writer is active despite the lease, and fails the run.
 */
export async function archiveRawFiles(
  store: ArchiveStore,
  issueId: string,
  files: readonly IssueFile[],
): Promise<ArchivedRaw> {
  const stored: ArchivedRaw['files'] = [];
  const replaced: string[] = [];
  await mapConcurrent(files, WRITE_CONCURRENCY, async (file) => {
    assertIssueFileName(file.name);
    const { key, body, sha256, options } = toWrite(issueId, file);
    if ((await store.putIfAbsent(key, body, options)) === 'exists') {
      const existing = await store.get(key);
      if (!existing || sha256Hex(existing.body) !== sha256) {
        const result = await store.putIfMatch(key, body, existing?.etag ?? null, options);
        if (result === 'conflict') {
          throw new ArchiveStoreError(`${key} changed while this run held the issue; run the issue again.`);
        }
        replaced.push(file.name);
      }
    }
    stored.push({ name: file.name, sha256, bytes: body.length });
  });
  const prefix = issuePrefix(issueId);
  const names = new Set(files.map((f) => f.name));
  const strays = (await store.list(`${prefix}raw/`))
    .map((key) => key.slice(prefix.length))
    .filter((name) => !names.has(name));
  stored.sort((a, b) => (a.name < b.name ? -1 : 1));
  return { files: stored, replaced: replaced.sort(), strays };
}

/** An issue file as it is written: its key, bytes and their hash, and the write-once object options. */
function toWrite(
  issueId: string,
  file: IssueFile,
): { key: string; body: Buffer; sha256: string; options: PutOptions } {
  const body = toBuffer(file.body);
  return {
    key: issueKey(issueId, file.name),
    body,
    sha256: sha256Hex(body),
    options: {
      contentType: file.contentType,
      ...(file.contentEncoding ? { contentEncoding: file.contentEncoding } : {}),
      cacheControl: IMMUTABLE_CACHE_CONTROL,
    },
  };
}

async function putOnce(
  store: ArchiveStore,
  issueId: string,
  file: IssueFile,
  warnings: string[],
): Promise<{ created: boolean; file: ArchivedFile; existingBody: Buffer | null }> {
  const { key, body, sha256, options } = toWrite(issueId, file);
  // Two rounds: S3 may answer "exists" for a concurrent conditional write that then fails.
  for (let round = 0; round < 2; round++) {
    if ((await store.putIfAbsent(key, body, options)) === 'created') {
      return {
        created: true,
        file: { key, bytes: body.length, sha256, contentType: file.contentType },
        existingBody: null,
      };
    }
    const existing = await store.get(key);
    if (!existing) continue;
    const existingSha = sha256Hex(existing.body);
    if (existingSha !== sha256) {
      warnings.push(
        `${key} is already archived with different content (sha256 ${existingSha.slice(0, 12)}…, ${existing.body.length} bytes; new ${sha256.slice(0, 12)}…, ${body.length} bytes); kept the original.`,
      );
    }
    return {
      created: false,
      file: {
        key,
        bytes: existing.body.length,
        sha256: existingSha,
        contentType: existing.contentType ?? file.contentType,
      },
      existingBody: existing.body,
    };
  }
  throw new ArchiveInputError(`${key} was reported as existing but could not be read back; try again.`);
}

function validateFiles(input: ArchiveIssueInput): void {
  const seen = new Set<string>();
  for (const file of input.files) {
    assertIssueFileName(file.name);
    if (seen.has(file.name)) throw new ArchiveInputError(`Issue ${input.issueId} lists ${file.name} twice.`);
    seen.add(file.name);
  }
  if (input.entry.issueId !== input.issueId) {
    throw new ArchiveInputError(
      `The index entry is for issue ${input.entry.issueId}, but the files are for ${input.issueId}.`,
    );
  }
}
