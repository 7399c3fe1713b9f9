/**
 * Reading one JSON record from a store: the object at a key, parsed and checked by its schema, with the
 * version it was read at for a conditional write back.
 */
import type { z } from 'zod';
import { parseJsonOrThrow } from '../validated-json';
import type { ArchiveStore } from './store';

/**
 * The JSON object at `key`, checked by `schema`, and its etag; null when there is none. A body that is not
 * JSON or breaks the schema throws what `fail` makes of the problem (the caller's own error, naming the
 * key; see parseJsonOrThrow).
 */
export async function readStoredJson<T>(
  store: ArchiveStore,
  key: string,
  schema: z.ZodType<T>,
  fail: (problem: string, options: { cause: unknown }) => Error,
): Promise<{ value: T; etag: string } | null> {
  const object = await store.get(key);
  if (!object) return null;
  return { value: parseJsonOrThrow(object.body, schema, fail), etag: object.etag };
}
