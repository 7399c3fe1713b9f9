/**
 * Archiving an alert edition under `alerts/<editionId>/`, with the same crash safety as an issue:
 * every file first (write-once; bytes an interrupted earlier attempt left under a name are replaced, since
 * nothing was ever published from an edition without its record), `alert.json` last (its presence marks
 * the edition complete, so a rerun is a no-op), then `alerts/index.json` and the feeds by
 * compare-and-swap. One edition per alert event: the edition id is the alert id plus the event day.
 */
import { contentHeadersFor } from '../archive/content-types';
import { ArchiveStoreError } from '../archive/errors';
import { sha256Hex, toBuffer } from '../archive/hash';
import {
  ALERTS_PREFIX,
  alertKey,
  alertPrefix,
  foldersByRecord,
  IMMUTABLE_CACHE_CONTROL,
  isPublicKey,
  namesByFolder,
} from '../archive/keys';
import { listAlertEdition, type ManifestDeps, replaceAlertsManifest } from '../archive/manifest';
import type { ArchiveStore } from '../archive/store';
import { readStoredJson } from '../archive/stored-json';
import type { AlertIndexEntry, ArchivedFile } from '../contracts/index-entry';
import { ALERT_RECORD_FILE, type AlertEdition, alertEditionSchema } from './edition';

/** One file of an edition, named relative to its folder. */
export interface EditionFile {
  name: string;
  body: Buffer | string;
}

export interface ArchivedEdition {
  status: 'created' | 'already-archived';
  /** The edition as stored (on a rerun: the original record, not this run's). */
  edition: AlertEdition;
  entry: AlertIndexEntry;
  written: string[];
}

/** The stored record of an edition, or null when it is not complete. Throws when it is unreadable. */
export async function readAlertEdition(store: ArchiveStore, editionId: string): Promise<AlertEdition | null> {
  const read = await readStoredJson(
    store,
    alertKey(editionId, ALERT_RECORD_FILE),
    alertEditionSchema,
    (problem, options) =>
      new ArchiveStoreError(`alerts/${editionId}/${ALERT_RECORD_FILE}: ${problem}`, options),
  );
  return read?.value ?? null;
}

async function putReplacingIncomplete(store: ArchiveStore, key: string, body: Buffer): Promise<void> {
  const headers = contentHeadersFor(key);
  const options = { ...headers, cacheControl: IMMUTABLE_CACHE_CONTROL };
  if ((await store.putIfAbsent(key, body, options)) === 'created') return;
  const existing = await store.get(key);
  if (existing?.body.equals(body)) return;
  if ((await store.putIfMatch(key, body, existing?.etag ?? null, options)) === 'conflict') {
    throw new ArchiveStoreError(`${key} changed while this run was writing it; run the alerts again.`);
  }
}

async function publicFiles(store: ArchiveStore, editionId: string): Promise<Record<string, ArchivedFile>> {
  const prefix = alertPrefix(editionId);
  const files: Record<string, ArchivedFile> = {};
  for (const key of await store.list(prefix)) {
    if (!isPublicKey(key)) continue;
    const object = await store.get(key);
    if (!object) continue;
    files[key.slice(prefix.length)] = {
      key,
      bytes: object.body.length,
      sha256: sha256Hex(object.body),
      contentType: object.contentType ?? contentHeadersFor(key).contentType,
    };
  }
  return files;
}

function entryOf(edition: AlertEdition, files: Record<string, ArchivedFile>): AlertIndexEntry {
  return {
    editionId: edition.editionId,
    alertId: edition.alertId,
    asOf: edition.asOf,
    createdAt: edition.createdAt,
    severity: edition.severity,
    title: edition.title,
    summary: edition.message,
    levels: edition.levels,
    files,
  };
}

/** Archives one edition (idempotent, crash-safe); see the module comment for the order. */
export async function archiveAlertEdition(
  store: ArchiveStore,
  input: { edition: AlertEdition; files: EditionFile[] },
  deps: Pick<ManifestDeps, 'renderFeeds' | 'clock'>,
): Promise<ArchivedEdition> {
  const { editionId } = input.edition;
  const stored = await readAlertEdition(store, editionId);
  if (stored) return relist(store, stored, 'already-archived', deps);
  for (const file of input.files) {
    if (file.name === ALERT_RECORD_FILE) continue;
    await putReplacingIncomplete(store, alertKey(editionId, file.name), toBuffer(file.body));
  }
  const record = `${JSON.stringify(input.edition, null, 2)}\n`;
  const created = await store.putIfAbsent(alertKey(editionId, ALERT_RECORD_FILE), record, {
    contentType: 'application/json',
    cacheControl: IMMUTABLE_CACHE_CONTROL,
  });
  if (created === 'exists') {
    // Another run completed this edition first: what it stored is the edition.
    const winner = await readAlertEdition(store, editionId);
    if (winner) return relist(store, winner, 'already-archived', deps);
  }
  return relist(store, input.edition, 'created', deps);
}

async function relist(
  store: ArchiveStore,
  edition: AlertEdition,
  status: ArchivedEdition['status'],
  deps: Pick<ManifestDeps, 'renderFeeds' | 'clock'>,
): Promise<ArchivedEdition> {
  const entry = entryOf(edition, await publicFiles(store, edition.editionId));
  const written = await listAlertEdition(store, entry, deps);
  return { status, edition, entry, written };
}

/** What rebuilding the alert editions' manifest found. */
export interface AlertsRepair {
  editions: string[];
  /** Folders without a record (an interrupted run; the next alert run of that day completes them). */
  incomplete: string[];
  skipped: { editionId: string; reason: string }[];
  written: string[];
}

/**
 * Rebuilds `alerts/index.json` from the editions' own records (`hashbrief archive repair`), then the
 * feeds. Deletes nothing; an unreadable record is skipped with its reason.
 */
export async function repairAlertsManifest(
  store: ArchiveStore,
  deps: Pick<ManifestDeps, 'renderFeeds' | 'clock'>,
): Promise<AlertsRepair> {
  const { complete, incomplete } = foldersByRecord(
    namesByFolder(ALERTS_PREFIX, await store.list(ALERTS_PREFIX)),
    ALERT_RECORD_FILE,
  );
  const entries: AlertIndexEntry[] = [];
  const skipped: AlertsRepair['skipped'] = [];
  for (const [editionId] of complete) {
    try {
      const edition = await readAlertEdition(store, editionId);
      if (edition?.editionId !== editionId) {
        skipped.push({ editionId, reason: `${ALERT_RECORD_FILE} belongs to another edition` });
        continue;
      }
      entries.push(entryOf(edition, await publicFiles(store, editionId)));
    } catch (error) {
      if (!(error instanceof ArchiveStoreError)) throw error;
      skipped.push({ editionId, reason: error.message });
    }
  }
  const written = await replaceAlertsManifest(store, entries, deps);
  return {
    editions: entries.map((e) => e.editionId).sort(),
    incomplete,
    skipped,
    written,
  };
}
