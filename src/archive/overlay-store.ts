/**
 * A read-through, write-aside ArchiveStore for dry runs: reads see the real archive, writes (and deletes)
 * land in memory only. A dry run therefore makes exactly the decisions a real run would (last week's
 * issue for week-over-week figures, "already archived"), and the real archive is never touched.
 */
import { compareKeys } from './keys';
import { createMemoryArchiveStore } from './memory-store';
import type { ArchiveStore, StoredObject } from './store';

/** An ArchiveStore over `base` whose writes stay in memory; `location` is the base's. */
export function createOverlayArchiveStore(base: ArchiveStore): ArchiveStore {
  const aside = createMemoryArchiveStore();
  /** Keys deleted in the overlay: the base still has them, the overlay hides them. */
  const deleted = new Set<string>();

  const read = async (key: string): Promise<StoredObject | null> => {
    const mine = await aside.get(key);
    if (mine) return mine;
    return deleted.has(key) ? null : base.get(key);
  };

  return {
    location: base.location,
    async putIfAbsent(key, body, options) {
      if (await read(key)) return 'exists';
      deleted.delete(key);
      return aside.putIfAbsent(key, body, options);
    },
    async putIfMatch(key, body, etag, options) {
      const current = await read(key);
      if ((current?.etag ?? null) !== etag) return 'conflict';
      // The aside copy's own version is what the next compare-and-swap must name.
      const mine = await aside.get(key);
      const result = await aside.putIfMatch(key, body, mine?.etag ?? null, options);
      if (result !== 'conflict') deleted.delete(key);
      return result;
    },
    get: read,
    async list(prefix) {
      const kept = (await base.list(prefix)).filter((k) => !deleted.has(k));
      return [...new Set([...kept, ...(await aside.list(prefix))])].sort(compareKeys);
    },
    async delete(key) {
      await aside.delete(key);
      deleted.add(key);
    },
    url: (key, options) => base.url(key, options),
  };
}
