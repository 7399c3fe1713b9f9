/**
 * The archive layout (docs/architecture.md and docs/archive.md, "Layout"): key builders and validators shared by every adapter
 * and by the publish/read functions, so the layout is spelled out in one place.
 */
import { InvalidArchiveKeyError, InvalidIssueIdError } from './errors';

export const INDEX_JSON_KEY = 'index.json';
export const LATEST_JSON_KEY = 'latest.json';
export const INDEX_HTML_KEY = 'index.html';
export const ISSUES_PREFIX = 'issues/';
/** The archive's Atom 1.0 and JSON Feed 1.1 feeds, rewritten with the manifests (feeds.ts in src/render). */
export const FEED_XML_KEY = 'feed.xml';
export const FEED_JSON_KEY = 'feed.json';
export const ATOM_CONTENT_TYPE = 'application/atom+xml; charset=utf-8';
export const JSON_FEED_CONTENT_TYPE = 'application/feed+json; charset=utf-8';
/** Mid-week alert editions: `alerts/<editionId>/…`, listed in `alerts/index.json`. */
export const ALERTS_PREFIX = 'alerts/';
export const ALERTS_INDEX_KEY = 'alerts/index.json';
/** Written last among an issue's objects: its presence marks the issue complete. */
export const SNAPSHOT_FILE = 'snapshot.json';
/** Issue (and alert edition) files that are stored but never served by the CDN nor listed in the manifest. */
export const PRIVATE_ISSUE_FILES: ReadonlySet<string> = new Set(['email.json']);

export const IMMUTABLE_CACHE_CONTROL = 'public, max-age=31536000, immutable';
/** Manifests change weekly; a minute of staleness at the CDN is fine. */
export const MANIFEST_CACHE_CONTROL = 'public, max-age=60';

const ISSUE_ID = /^[A-Za-z0-9._-]+$/;
const FILE_SEGMENT = /^[A-Za-z0-9._-]+$/;

/** Throws InvalidIssueIdError unless `id` is safe as one path segment on S3 and on every filesystem. */
export function assertIssueId(id: string): void {
  // A leading dot would make hidden folders (and `.`), `..` anywhere is a traversal smell.
  if (!ISSUE_ID.test(id) || id.includes('..') || id.startsWith('.') || id.length > 128) {
    throw new InvalidIssueIdError(
      `Invalid issue id ${JSON.stringify(id)}: use letters, digits, ".", "_" or "-" (no leading dot, no "..", at most 128 characters).`,
    );
  }
}

/** Throws InvalidArchiveKeyError unless `name` is a relative path of safe segments (e.g. `charts/pools.png`). */
export function assertIssueFileName(name: string): void {
  const segments = name.split('/');
  const ok =
    name.length > 0 &&
    name.length <= 512 &&
    segments.every((s) => FILE_SEGMENT.test(s) && s !== '.' && s !== '..' && !s.startsWith('.'));
  if (!ok) {
    throw new InvalidArchiveKeyError(
      `Invalid issue file name ${JSON.stringify(name)}: use a relative path of letters, digits, ".", "_" or "-" segments.`,
    );
  }
}

// Issues and alert editions share one layout, `<folder><id>/<name>`, with the same rules for ids and names.

function folderPrefix(folder: string, id: string): string {
  assertIssueId(id);
  return `${folder}${id}/`;
}

function folderKey(folder: string, id: string, name: string): string {
  assertIssueFileName(name);
  return `${folderPrefix(folder, id)}${name}`;
}

function parseFolderKey(folder: string, key: string): { id: string; name: string } | null {
  if (!key.startsWith(folder)) return null;
  const rest = key.slice(folder.length);
  const slash = rest.indexOf('/');
  if (slash <= 0 || slash === rest.length - 1) return null;
  return { id: rest.slice(0, slash), name: rest.slice(slash + 1) };
}

/** `issues/<issueId>/`. */
export function issuePrefix(issueId: string): string {
  return folderPrefix(ISSUES_PREFIX, issueId);
}

/** `issues/<issueId>/<name>`. */
export function issueKey(issueId: string, name: string): string {
  return folderKey(ISSUES_PREFIX, issueId, name);
}

/** Splits `issues/<id>/<name>` into its parts, or null for any other key. */
export function parseIssueKey(key: string): { issueId: string; name: string } | null {
  const parsed = parseFolderKey(ISSUES_PREFIX, key);
  return parsed && { issueId: parsed.id, name: parsed.name };
}

/** `alerts/<editionId>/`. */
export function alertPrefix(editionId: string): string {
  return folderPrefix(ALERTS_PREFIX, editionId);
}

/** `alerts/<editionId>/<name>`. */
export function alertKey(editionId: string, name: string): string {
  return folderKey(ALERTS_PREFIX, editionId, name);
}

/** Splits `alerts/<id>/<name>` into its parts, or null for any other key (`alerts/index.json` included). */
export function parseAlertKey(key: string): { editionId: string; name: string } | null {
  const parsed = parseFolderKey(ALERTS_PREFIX, key);
  return parsed && { editionId: parsed.id, name: parsed.name };
}

/**
 * The file names under each `<folder><id>/` among `keys` (as listed under `folder`, e.g. ISSUES_PREFIX or
 * ALERTS_PREFIX), by id in listing order; other keys under the folder (its index.json) are left out.
 */
export function namesByFolder(folder: string, keys: readonly string[]): Map<string, string[]> {
  const names = new Map<string, string[]>();
  for (const key of keys) {
    const parsed = parseFolderKey(folder, key);
    if (!parsed) continue;
    const files = names.get(parsed.id);
    if (files) files.push(parsed.name);
    else names.set(parsed.id, [parsed.name]);
  }
  return names;
}

/**
 * `namesByFolder`'s folders split by whether they hold `record` yet: the complete ones with their file
 * names (in listing order), and the ids of the rest, sorted (a run still writing, or one that died early).
 */
export function foldersByRecord(
  folders: ReadonlyMap<string, string[]>,
  record: string,
): { complete: [id: string, names: string[]][]; incomplete: string[] } {
  const complete: [string, string[]][] = [];
  const incomplete: string[] = [];
  for (const [id, names] of folders) {
    if (names.includes(record)) complete.push([id, names]);
    else incomplete.push(id);
  }
  return { complete, incomplete: incomplete.sort() };
}

/**
 * True for keys the CDN serves: the manifests, the feeds, and every issue and alert edition object except
 * the private ones (`email.json` carries the per-recipient template and is read only by the sender).
 */
export function isPublicKey(key: string): boolean {
  if (
    key === INDEX_JSON_KEY ||
    key === LATEST_JSON_KEY ||
    key === INDEX_HTML_KEY ||
    key === FEED_XML_KEY ||
    key === FEED_JSON_KEY ||
    key === ALERTS_INDEX_KEY
  ) {
    return true;
  }
  const parsed = parseIssueKey(key) ?? parseAlertKey(key);
  return parsed !== null && !PRIVATE_ISSUE_FILES.has(parsed.name);
}

/**
 * Validates a store key: relative, `/`-separated, no empty, `.` or `..` segments, no backslashes or
 * control characters. Adapters call it before touching storage so a key can never escape the root.
 */
export function assertStoreKey(key: string): void {
  const segments = key.split('/');
  const ok =
    key.length > 0 &&
    key.length <= 1024 &&
    !key.includes('\\') &&
    ![...key].some((c) => c.charCodeAt(0) < 0x20) &&
    segments.every((s) => s.length > 0 && s !== '.' && s !== '..');
  if (!ok) throw new InvalidArchiveKeyError(`Invalid archive key ${JSON.stringify(key)}.`);
}

/** Joins a public base URL and a key, percent-encoding each segment. */
export function publicUrl(baseUrl: string, key: string): string {
  const base = baseUrl.replace(/\/+$/, '');
  return `${base}/${key.split('/').map(encodeURIComponent).join('/')}`;
}

/** Byte order of UTF-8 keys, the order S3 lists in; every adapter lists in this order. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
