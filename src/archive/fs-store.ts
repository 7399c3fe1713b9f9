/**
 * Filesystem ArchiveStore (the CLI's default): keys map to files under `root`, same layout as S3.
 *
 * Crash and concurrency safety, without any daemon:
 * - Every write goes to a temp file in `<root>/.hashbrief/tmp/` first (fsynced), so a reader never sees
 *   half a file.
 * - putIfAbsent publishes the temp file with `link()`, which is atomic and fails with EEXIST when the
 *   key exists: exclusive create and "never a partial file" in one step (a plain rename would silently
 *   overwrite).
 * - putIfMatch holds a per-key lock file (`<root>/.hashbrief/locks/<sha256(key)>.lock`, created with
 *   O_EXCL `wx`) while it compares the current SHA-256 with the expected etag and renames the new file
 *   over the old one. Locks older than `staleLockMs` are taken to belong to a crashed process and broken.
 * - Content-Type/Encoding/Cache-Control live in a JSON sidecar under `<root>/.hashbrief/meta/`, written
 *   after the object; when a sidecar is missing (crash in between) the type is inferred from the name.
 * The etag is the SHA-256 of the content, so it is stable across processes and restarts.
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { parseJsonAs } from '../validated-json';
import { contentHeadersFor } from './content-types';
import { ArchiveStoreError, InvalidArchiveKeyError } from './errors';
import { sha256Hex, toBuffer } from './hash';
import { assertStoreKey, compareKeys, isPublicKey, publicUrl } from './keys';
import type { ArchiveStore, PutOptions, StoredObject } from './store';

/** Folder under the root for the store's own bookkeeping; never a key, never listed. */
export const FS_STORE_INTERNAL_DIR = '.hashbrief';

export interface FsArchiveStoreOptions {
  /** When set, url() returns `<publicBaseUrl>/<key>` for public keys; otherwise a file:// URL. */
  publicBaseUrl?: string;
  /** How long a putIfMatch waits for another process's lock before failing. Default 10 s. */
  lockTimeoutMs?: number;
  /** A lock file older than this is considered left by a crashed process. Default 30 s. */
  staleLockMs?: number;
}

const metaSchema = z.object({
  contentType: z.string(),
  contentEncoding: z.string().optional(),
  cacheControl: z.string().optional(),
});

/** Filesystem store rooted at `root` (created on first write). */
export function createFsArchiveStore(root: string, options: FsArchiveStoreOptions = {}): ArchiveStore {
  const base = path.resolve(root);
  const internal = path.join(base, FS_STORE_INTERNAL_DIR);
  const tmpDir = path.join(internal, 'tmp');
  const metaDir = path.join(internal, 'meta');
  const lockDir = path.join(internal, 'locks');
  const lockTimeoutMs = options.lockTimeoutMs ?? 10_000;
  const staleLockMs = options.staleLockMs ?? 30_000;

  const fileOf = (key: string): string => {
    assertStoreKey(key);
    if (key === FS_STORE_INTERNAL_DIR || key.startsWith(`${FS_STORE_INTERNAL_DIR}/`)) {
      throw new InvalidArchiveKeyError(`Archive key ${JSON.stringify(key)} is reserved for the store.`);
    }
    return path.join(base, ...key.split('/'));
  };
  const metaOf = (key: string): string => path.join(metaDir, ...`${key}.json`.split('/'));

  /** Writes `body` to a fresh temp file, fsynced, and returns its path. */
  const writeTemp = async (body: Buffer): Promise<string> => {
    await mkdir(tmpDir, { recursive: true });
    const tmp = path.join(tmpDir, `${process.pid}-${randomBytes(8).toString('hex')}.tmp`);
    const handle = await open(tmp, 'wx');
    try {
      await handle.writeFile(body);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return tmp;
  };

  const writeMeta = async (key: string, putOptions: PutOptions): Promise<void> => {
    const target = metaOf(key);
    await mkdir(path.dirname(target), { recursive: true });
    const meta = metaSchema.parse(putOptions);
    const tmp = await writeTemp(Buffer.from(JSON.stringify(meta)));
    await rename(tmp, target);
  };

  const readMeta = async (key: string): Promise<z.infer<typeof metaSchema>> => {
    // A missing or unreadable sidecar falls back to the name-based default.
    const text = await readFile(metaOf(key), 'utf8').catch(() => null);
    const parsed = text === null ? null : parseJsonAs(text, metaSchema);
    return parsed?.ok ? parsed.value : contentHeadersFor(key);
  };

  /** Publishes `tmp` at `file` only if nothing is there yet. */
  const linkExclusive = async (tmp: string, file: string): Promise<boolean> => {
    await mkdir(path.dirname(file), { recursive: true });
    try {
      await link(tmp, file);
      return true;
    } catch (error) {
      if (errorCode(error) === 'EEXIST') return false;
      throw error;
    } finally {
      await unlink(tmp).catch(() => {});
    }
  };

  const withKeyLock = async <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    await mkdir(lockDir, { recursive: true });
    const lock = path.join(lockDir, `${sha256Hex(key)}.lock`);
    const deadline = performance.now() + lockTimeoutMs;
    for (;;) {
      try {
        const handle = await open(lock, 'wx');
        await handle.writeFile(`${process.pid}\n`);
        await handle.close();
        break;
      } catch (error) {
        if (errorCode(error) !== 'EEXIST') throw error;
        const age = await stat(lock).then(
          (s) => Date.now() - s.mtimeMs,
          () => 0,
        );
        if (age > staleLockMs) {
          await unlink(lock).catch(() => {});
          continue;
        }
        if (performance.now() > deadline) {
          throw new ArchiveStoreError(
            `Timed out after ${lockTimeoutMs} ms waiting for the lock on ${key} (${lock}); if no other hashbrief process is running, delete that file.`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 5 + Math.floor(Math.random() * 20)));
      }
    }
    try {
      return await fn();
    } finally {
      await unlink(lock).catch(() => {});
    }
  };

  const readCurrent = async (file: string): Promise<Buffer | null> => {
    try {
      return await readFile(file);
    } catch (error) {
      const code = errorCode(error);
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return null;
      throw error;
    }
  };

  const wrap = async <T>(operation: string, key: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof InvalidArchiveKeyError || error instanceof ArchiveStoreError) throw error;
      throw new ArchiveStoreError(`Filesystem archive ${operation} of ${key} under ${base} failed`, {
        cause: error,
      });
    }
  };

  return {
    location: base,

    async putIfAbsent(key, body, putOptions) {
      const file = fileOf(key);
      return wrap('write', key, async () => {
        const tmp = await writeTemp(toBuffer(body));
        if (!(await linkExclusive(tmp, file))) return 'exists';
        await writeMeta(key, putOptions);
        return 'created';
      });
    },

    async putIfMatch(key, body, etag, putOptions) {
      const file = fileOf(key);
      return wrap('conditional write', key, () =>
        withKeyLock(key, async () => {
          const current = await readCurrent(file);
          const currentEtag = current ? sha256Hex(current) : null;
          if (currentEtag !== etag) return 'conflict';
          const bytes = toBuffer(body);
          const tmp = await writeTemp(bytes);
          if (etag === null) {
            // putIfAbsent does not take the lock, so creation must still be exclusive.
            if (!(await linkExclusive(tmp, file))) return 'conflict';
          } else {
            await rename(tmp, file);
          }
          await writeMeta(key, putOptions);
          return sha256Hex(bytes);
        }),
      );
    },

    async get(key) {
      const file = fileOf(key);
      return wrap('read', key, async (): Promise<StoredObject | null> => {
        const body = await readCurrent(file);
        if (!body) return null;
        const meta = await readMeta(key);
        return {
          body,
          etag: sha256Hex(body),
          contentType: meta.contentType,
          ...(meta.contentEncoding ? { contentEncoding: meta.contentEncoding } : {}),
        };
      });
    },

    async list(prefix) {
      return wrap('listing', prefix || '(root)', async () => {
        // Walk only the deepest folder the prefix names, then filter by the rest of it.
        const folder = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
        if (folder) fileOf(folder);
        const keys: string[] = [];
        await walk(path.join(base, ...folder.split('/').filter(Boolean)), folder, keys);
        return keys.filter((k) => k.startsWith(prefix)).sort(compareKeys);
      });
    },

    async delete(key) {
      const file = fileOf(key);
      return wrap('delete', key, async () => {
        await unlink(file).catch(ignoreMissing);
        await unlink(metaOf(key)).catch(ignoreMissing);
      });
    },

    async url(key) {
      const file = fileOf(key);
      if (options.publicBaseUrl && isPublicKey(key)) {
        return { url: publicUrl(options.publicBaseUrl, key), expiresAt: null };
      }
      return { url: pathToFileURL(file).href, expiresAt: null };
    },
  };
}

async function walk(dir: string, keyPrefix: string, out: string[]): Promise<void> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return;
    throw error;
  }
  for (const entry of entries) {
    if (!keyPrefix && entry.name === FS_STORE_INTERNAL_DIR) continue;
    const key = keyPrefix ? `${keyPrefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) await walk(path.join(dir, entry.name), key, out);
    else if (entry.isFile()) out.push(key);
  }
}

function errorCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

function ignoreMissing(error: unknown): void {
  if (errorCode(error) !== 'ENOENT') throw error;
}
