/**
 * The manifests at the archive root: `index.json` (every issue's entry, live issues first, each group
 * newest first), `latest.json` (the first entry: the newest live issue, or the newest sample issue when
 * there is no live one), `index.html` (drawn by the caller's renderIndexPage), `alerts/index.json` (every
 * mid-week alert edition) and the feeds `feed.xml` and `feed.json` (drawn by the caller's renderFeeds from
 * both lists). They are the only mutable objects; each is rewritten with compare-and-swap so concurrent
 * runs never lose an entry, and only when its content changes, so re-running an archived issue writes
 * nothing.
 */
import { z } from 'zod';
import {
  type AlertIndexEntry,
  alertIndexEntrySchema,
  type IssueIndexEntry,
  issueIndexEntrySchema,
  type RenderedFeeds,
  sortAlertEntries,
  sortEntries,
} from '../contracts/index-entry';
import type { Clock } from '../ports';
import { parseJsonOrThrow } from '../validated-json';
import { CorruptManifestError, ManifestConflictError } from './errors';
import {
  ALERTS_INDEX_KEY,
  ATOM_CONTENT_TYPE,
  FEED_JSON_KEY,
  FEED_XML_KEY,
  INDEX_HTML_KEY,
  INDEX_JSON_KEY,
  JSON_FEED_CONTENT_TYPE,
  LATEST_JSON_KEY,
  MANIFEST_CACHE_CONTROL,
} from './keys';
import type { ArchiveStore, PutOptions, StoredObject } from './store';

export const MANIFEST_SCHEMA_VERSION = 1;

export const indexManifestSchema = z.object({
  schemaVersion: z.literal(MANIFEST_SCHEMA_VERSION),
  /** When the list of entries last changed. */
  updatedAt: z.string().datetime({ offset: true }),
  /** Live issues before sample issues; each group newest first (asOf, generatedAt, issueId, descending). */
  issues: z.array(issueIndexEntrySchema),
});
export type IndexManifest = z.infer<typeof indexManifestSchema>;

export const latestManifestSchema = z.object({
  schemaVersion: z.literal(MANIFEST_SCHEMA_VERSION),
  issue: issueIndexEntrySchema.nullable(),
});
export type LatestManifest = z.infer<typeof latestManifestSchema>;

export const alertsManifestSchema = z.object({
  schemaVersion: z.literal(MANIFEST_SCHEMA_VERSION),
  updatedAt: z.string().datetime({ offset: true }),
  /** Newest first (asOf, createdAt, editionId, descending). */
  editions: z.array(alertIndexEntrySchema),
});
export type AlertsManifest = z.infer<typeof alertsManifestSchema>;

/** What manifest writers need from the caller. */
export interface ManifestDeps {
  /** Draws `index.html` from the entries, newest first (src/render owns the page). */
  renderIndexPage: (entries: IssueIndexEntry[]) => string;
  /**
   * Draws `feed.xml` and `feed.json` (src/render/feeds.ts). Without it the feeds are left as they are
   * (callers that only fix the index, with settings that may not be the deployment's).
   */
  renderFeeds?: (issues: IssueIndexEntry[], alerts: AlertIndexEntry[]) => RenderedFeeds;
  clock: Clock;
}

/** Compare-and-swap retries before giving up; each retry re-reads, so only a storm of writers hits it. */
const MAX_CAS_ATTEMPTS = 10;

const manifestPut = (contentType: string): PutOptions => ({
  contentType,
  cacheControl: MANIFEST_CACHE_CONTROL,
});

/** Parses `index.json`; throws CorruptManifestError (suggesting repair) on bad JSON or shape. */
export function parseIndexManifest(body: Buffer): IndexManifest {
  return parseManifest(INDEX_JSON_KEY, body, indexManifestSchema);
}

/** Parses `latest.json`; throws CorruptManifestError on bad JSON or shape. */
export function parseLatestManifest(body: Buffer): LatestManifest {
  return parseManifest(LATEST_JSON_KEY, body, latestManifestSchema);
}

/** How every manifest is written: indented JSON ending in a newline. */
function manifestJson(manifest: IndexManifest | LatestManifest | AlertsManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** `alerts/index.json` listing `editions` (already in manifest order), stamped now. */
function alertsManifestJson(editions: AlertIndexEntry[], clock: Clock): string {
  return manifestJson({ schemaVersion: MANIFEST_SCHEMA_VERSION, updatedAt: clock().toISOString(), editions });
}

function parseManifest<T>(key: string, body: Buffer, schema: z.ZodType<T>): T {
  return parseJsonOrThrow(
    body,
    schema,
    (problem, options) => new CorruptManifestError(key, problem, options),
  );
}

/** Parses `alerts/index.json`; throws CorruptManifestError on bad JSON or shape. */
export function parseAlertsManifest(body: Buffer): AlertsManifest {
  return parseManifest(ALERTS_INDEX_KEY, body, alertsManifestSchema);
}

/** Reads `alerts/index.json`, newest first; an absent manifest means no alert edition yet. */
export async function readAlertsManifest(store: ArchiveStore): Promise<AlertIndexEntry[]> {
  const current = await store.get(ALERTS_INDEX_KEY);
  return current ? parseAlertsManifest(current.body).editions : [];
}

/** Reads `index.json`; an absent manifest is an empty archive. */
export async function readIndexManifest(store: ArchiveStore): Promise<IssueIndexEntry[]> {
  const current = await store.get(INDEX_JSON_KEY);
  return current ? parseIndexManifest(current.body).issues : [];
}

/**
 * Writes `key` with optimistic concurrency: read (etag), build the new body from what was read,
 * putIfMatch; on conflict, read again and rebuild. `build` returns null when nothing needs writing.
 * Returns whether it wrote.
 */
export async function compareAndSwap(
  store: ArchiveStore,
  key: string,
  build: (current: StoredObject | null) => Promise<string | null>,
  options: PutOptions,
): Promise<boolean> {
  for (let attempt = 1; attempt <= MAX_CAS_ATTEMPTS; attempt++) {
    const current = await store.get(key);
    const body = await build(current);
    if (body === null) return false;
    if (current?.body.equals(Buffer.from(body, 'utf8'))) return false;
    const result = await store.putIfMatch(key, body, current?.etag ?? null, options);
    if (result !== 'conflict') return true;
  }
  throw new ManifestConflictError(
    `Gave up updating ${key} in ${store.location} after ${MAX_CAS_ATTEMPTS} conflicting writes; run the command again.`,
  );
}

export interface ManifestUpdateOptions {
  /** Treat an unreadable index.json as empty instead of failing (repair only). */
  replaceCorrupt?: boolean;
  /** Leave index.html as it is (it is drawn with the caller's settings, which may not be the deployment's). */
  keepIndexPage?: boolean;
}

/**
 * Applies `change` to the entries in `index.json`, then brings `latest.json` and `index.html` in line
 * with the index as it is after the write (re-read, so a concurrent run's entry is never dropped from
 * them either). Returns the manifest keys actually written and the entries now in the index.
 */
export async function updateManifests(
  store: ArchiveStore,
  change: (entries: IssueIndexEntry[]) => IssueIndexEntry[],
  deps: ManifestDeps,
  options: ManifestUpdateOptions = {},
): Promise<{ written: string[]; entries: IssueIndexEntry[] }> {
  const written: string[] = [];
  const indexChanged = await compareAndSwap(
    store,
    INDEX_JSON_KEY,
    async (current) => {
      const before = current ? readEntriesOrCorrupt(current.body, options) : null;
      const list = before === 'corrupt' ? [] : (before ?? []);
      const next = sortEntries(change(list));
      if (Array.isArray(before) && JSON.stringify(next) === JSON.stringify(sortEntries(before))) return null;
      return manifestJson({
        schemaVersion: MANIFEST_SCHEMA_VERSION,
        updatedAt: deps.clock().toISOString(),
        issues: next,
      } satisfies IndexManifest);
    },
    manifestPut('application/json'),
  );
  if (indexChanged) written.push(INDEX_JSON_KEY);

  // The target's etag is read before the index (inside compareAndSwap), so if another run changes the
  // index after we read it, that run's write of this target comes later and our stale write conflicts.
  let entries: IssueIndexEntry[] = [];
  const derived: [string, string, (list: IssueIndexEntry[]) => string][] = [
    [
      LATEST_JSON_KEY,
      'application/json',
      (list) =>
        manifestJson({
          schemaVersion: MANIFEST_SCHEMA_VERSION,
          issue: list[0] ?? null,
        } satisfies LatestManifest),
    ],
    [INDEX_HTML_KEY, 'text/html; charset=utf-8', (list) => deps.renderIndexPage(list)],
  ];
  for (const [key, contentType, render] of derived) {
    if (key === INDEX_HTML_KEY && options.keepIndexPage) continue;
    const changed = await compareAndSwap(
      store,
      key,
      async () => {
        entries = await readIndexManifest(store);
        return render(entries);
      },
      manifestPut(contentType),
    );
    if (changed) written.push(key);
  }
  written.push(...(await updateFeeds(store, deps)));
  return { written, entries };
}

/**
 * Redraws `feed.xml` and `feed.json` from `index.json` and `alerts/index.json` as they are now (each read
 * inside the compare-and-swap, like latest.json). Writes nothing when `deps.renderFeeds` is absent or the
 * feeds already say the same. Returns the keys written.
 */
export async function updateFeeds(
  store: ArchiveStore,
  deps: Pick<ManifestDeps, 'renderFeeds'>,
): Promise<string[]> {
  const render = deps.renderFeeds;
  if (!render) return [];
  const written: string[] = [];
  const feeds: [string, string, (f: RenderedFeeds) => string][] = [
    [FEED_XML_KEY, ATOM_CONTENT_TYPE, (f) => f.atom],
    [FEED_JSON_KEY, JSON_FEED_CONTENT_TYPE, (f) => f.json],
  ];
  for (const [key, contentType, pick] of feeds) {
    const changed = await compareAndSwap(
      store,
      key,
      async () => pick(render(await readIndexManifest(store), await readAlertsManifest(store))),
      manifestPut(contentType),
    );
    if (changed) written.push(key);
  }
  return written;
}

/**
 * Adds (or keeps) one alert edition in `alerts/index.json` by compare-and-swap, then redraws the feeds.
 * An edition already listed keeps its entry. Returns the keys written.
 */
export async function listAlertEdition(
  store: ArchiveStore,
  entry: AlertIndexEntry,
  deps: Pick<ManifestDeps, 'renderFeeds' | 'clock'>,
): Promise<string[]> {
  const written: string[] = [];
  const changed = await compareAndSwap(
    store,
    ALERTS_INDEX_KEY,
    async (current) => {
      const before = current ? parseAlertsManifest(current.body).editions : [];
      if (before.some((e) => e.editionId === entry.editionId)) return null;
      return alertsManifestJson(sortAlertEntries([...before, entry]), deps.clock);
    },
    manifestPut('application/json'),
  );
  if (changed) written.push(ALERTS_INDEX_KEY);
  written.push(...(await updateFeeds(store, deps)));
  return written;
}

function readEntriesOrCorrupt(body: Buffer, options: ManifestUpdateOptions): IssueIndexEntry[] | 'corrupt' {
  try {
    return parseIndexManifest(body).issues;
  } catch (error) {
    if (options.replaceCorrupt && error instanceof CorruptManifestError) return 'corrupt';
    throw error;
  }
}

/**
 * Replaces `alerts/index.json` with exactly these editions (repair: rebuilt from the editions' records,
 * whatever the manifest held, corrupt or not), then redraws the feeds. Writes nothing that is unchanged.
 */
export async function replaceAlertsManifest(
  store: ArchiveStore,
  editions: readonly AlertIndexEntry[],
  deps: Pick<ManifestDeps, 'renderFeeds' | 'clock'>,
): Promise<string[]> {
  const written: string[] = [];
  const sorted = sortAlertEntries(editions);
  const changed = await compareAndSwap(
    store,
    ALERTS_INDEX_KEY,
    async (current) => {
      if (current) {
        try {
          if (JSON.stringify(parseAlertsManifest(current.body).editions) === JSON.stringify(sorted))
            return null;
        } catch (error) {
          if (!(error instanceof CorruptManifestError)) throw error;
        }
      } else if (sorted.length === 0) {
        return null;
      }
      return alertsManifestJson(sorted, deps.clock);
    },
    manifestPut('application/json'),
  );
  if (changed) written.push(ALERTS_INDEX_KEY);
  written.push(...(await updateFeeds(store, deps)));
  return written;
}
