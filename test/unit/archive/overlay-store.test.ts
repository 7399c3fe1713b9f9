import { describe, expect, it } from 'vitest';
import { createMemoryArchiveStore } from '../../../src/archive/memory-store';
import { createOverlayArchiveStore } from '../../../src/archive/overlay-store';
import { describeArchiveStoreContract } from './store-contract';

describeArchiveStoreContract('overlay on memory', async (options) =>
  createOverlayArchiveStore(createMemoryArchiveStore(options)),
);

const json = { contentType: 'application/json' };

describe('overlay store (dry runs)', () => {
  async function seeded() {
    const base = createMemoryArchiveStore();
    await base.putIfAbsent('issues/a/snapshot.json', '{"a":1}', json);
    return { base, overlay: createOverlayArchiveStore(base) };
  }

  it('reads what the real archive holds', async () => {
    const { overlay } = await seeded();

    expect((await overlay.get('issues/a/snapshot.json'))?.body.toString()).toBe('{"a":1}');
    expect(await overlay.putIfAbsent('issues/a/snapshot.json', '{"a":2}', json)).toBe('exists');
  });

  it('keeps every write and delete away from the real archive', async () => {
    const { base, overlay } = await seeded();
    const etag = (await base.get('issues/a/snapshot.json'))?.etag ?? null;

    await overlay.putIfAbsent('issues/b/snapshot.json', '{"b":1}', json);
    const replaced = await overlay.putIfMatch('issues/a/snapshot.json', '{"a":3}', etag, json);
    await overlay.delete('issues/a/snapshot.json');

    expect(replaced).not.toBe('conflict');
    expect(await base.list('')).toEqual(['issues/a/snapshot.json']);
    expect((await base.get('issues/a/snapshot.json'))?.body.toString()).toBe('{"a":1}');
    expect(await overlay.list('')).toEqual(['issues/b/snapshot.json']);
  });

  it('compares and swaps against the version it shows', async () => {
    const { overlay } = await seeded();
    const first = await overlay.putIfMatch('issues/a/snapshot.json', '{"a":2}', 'stale', json);
    const shown = (await overlay.get('issues/a/snapshot.json'))?.etag ?? null;

    const second = await overlay.putIfMatch('issues/a/snapshot.json', '{"a":2}', shown, json);
    const third = await overlay.putIfMatch(
      'issues/a/snapshot.json',
      '{"a":3}',
      second === 'conflict' ? null : second,
      json,
    );

    expect(first).toBe('conflict');
    expect(second).not.toBe('conflict');
    expect(third).not.toBe('conflict');
    expect((await overlay.get('issues/a/snapshot.json'))?.body.toString()).toBe('{"a":3}');
  });
});
