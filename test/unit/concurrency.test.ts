import { describe, expect, it } from 'vitest';
import { createMemoryArchiveStore } from '../../src/archive/memory-store';
import { archiveRawFiles } from '../../src/archive/publish';
import type { ArchiveStore } from '../../src/archive/store';
import { mapConcurrent } from '../../src/concurrency';

/** A promise with its resolvers, to hold calls in flight. */
function gate() {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

describe('mapConcurrent', () => {
  it('keeps the order of the items and never runs more than the limit at once', async () => {
    // Arrange
    let running = 0;
    let most = 0;
    const items = [30, 5, 20, 1, 10, 2, 8];

    // Act
    const out = await mapConcurrent(items, 3, async (ms, i) => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, ms));
      running--;
      return `${i}:${ms}`;
    });

    // Assert
    expect(out).toEqual(items.map((ms, i) => `${i}:${ms}`));
    expect(most).toBe(3);
  });

  it('after a rejection starts nothing new, waits for the calls in flight, then rethrows the first', async () => {
    // Arrange
    const started: number[] = [];
    const slow = gate();
    let slowSettled = false;
    const failure = new Error('item 1 failed');

    // Act
    const run = mapConcurrent([0, 1, 2, 3, 4], 2, async (item) => {
      started.push(item);
      if (item === 0) {
        await slow.opened;
        slowSettled = true;
        return item;
      }
      throw failure;
    });
    const outcome = run.catch((error: unknown) => ({ error, slowSettled }));
    await new Promise((r) => setTimeout(r, 10));
    slow.open();

    // Assert
    expect(await outcome).toEqual({ error: failure, slowSettled: true });
    expect(started).toEqual([0, 1]);
  });
});

describe('archive writes after a failed one', () => {
  it('start no further file once one write fails', async () => {
    // Arrange
    const memory = createMemoryArchiveStore();
    const attempted: string[] = [];
    const store: ArchiveStore = {
      ...memory,
      putIfAbsent: async (key, body, options) => {
        attempted.push(key.split('/').pop() ?? key);
        if (key.endsWith('raw/a.json.gz')) throw new Error('disk full');
        await new Promise((r) => setTimeout(r, 5));
        return memory.putIfAbsent(key, body, options);
      },
    };
    const files = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((n) => ({
      name: `raw/${n}.json.gz`,
      body: Buffer.from(n),
      contentType: 'application/json',
    }));

    // Act
    const attempt = archiveRawFiles(store, '2026-11-23', files);

    // Assert: the four writers that were running finish; nobody picks up e…h after the failure.
    await expect(attempt).rejects.toThrow('disk full');
    await new Promise((r) => setTimeout(r, 30));
    expect(attempted.sort()).toEqual(['a.json.gz', 'b.json.gz', 'c.json.gz', 'd.json.gz']);
  });
});
