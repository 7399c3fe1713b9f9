/**
 * Bounded concurrency for I/O over many items (subscriber records, recipients, archive writes). Neutral:
 * any stage may use it, and it imports nothing.
 */

/**
 * Maps over `items` with at most `concurrency` promises in flight; keeps order. When one call rejects, no
 * further item starts, every call already started is awaited (settled), and then the first rejection is
 * rethrown: nothing is left running behind the caller's back.
 */
export async function mapConcurrent<T, R>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (next < items.length && !failure) {
      const index = next++;
      try {
        results[index] = await fn(items[index] as T, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.allSettled(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  if (failure) throw failure.error;
  return results;
}
