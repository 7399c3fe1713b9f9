import { describe, expect, it } from 'vitest';
import { createMemoryArchiveStore } from '../../../src/archive/memory-store';
import { describeArchiveStoreContract } from './store-contract';

describeArchiveStoreContract('memory', async (options) => createMemoryArchiveStore(options));

describe('memory store URLs', () => {
  const clock = () => new Date('2026-01-05T12:00:00Z');

  it('gives a private key a fake presigned URL that expires an hour from now, or when asked', async () => {
    const store = createMemoryArchiveStore({ clock, publicBaseUrl: 'https://cdn.example.org' });

    expect(await store.url('issues/a/email.json')).toEqual({
      url: 'memory:///issues/a/email.json?expires=2026-01-05T13%3A00%3A00.000Z',
      expiresAt: '2026-01-05T13:00:00.000Z',
    });
    expect((await store.url('issues/a/email.json', { expiresInSeconds: 60 })).expiresAt).toBe(
      '2026-01-05T12:01:00.000Z',
    );
  });

  it('gives a public key the CDN URL only when a public base URL is set', async () => {
    const withCdn = createMemoryArchiveStore({ clock, publicBaseUrl: 'https://cdn.example.org' });
    const without = createMemoryArchiveStore({ clock });

    expect((await withCdn.url('index.json')).url).toBe('https://cdn.example.org/index.json');
    expect((await without.url('index.json')).url).toMatch(/^memory:\/\/\/index\.json\?expires=/);
  });
});

describe('memory store', () => {
  const json = { contentType: 'application/json' };

  it('says where it keeps things', () => {
    expect(createMemoryArchiveStore().location).toBe('memory://');
  });

  it('checks the key of every operation, not only of writes and reads', async () => {
    const store = createMemoryArchiveStore();
    await expect(store.putIfMatch('../x.json', '{}', null, json)).rejects.toThrow(/Invalid archive key/);
    await expect(store.delete('issues//x')).rejects.toThrow(/Invalid archive key/);
    await expect(store.url('/etc/passwd')).rejects.toThrow(/Invalid archive key/);
  });

  it('keeps its own copy of a body and its options, so a caller changing them later changes nothing', async () => {
    const store = createMemoryArchiveStore();
    const body = Buffer.from('{"v":1}');
    const options = { contentType: 'application/json', contentEncoding: 'gzip' };
    await store.putIfAbsent('issues/a/x.json', body, options);
    body.write('{"v":9}');
    options.contentType = 'text/plain';
    options.contentEncoding = 'br';

    const read = await store.get('issues/a/x.json');
    expect(read?.body.toString()).toBe('{"v":1}');
    expect(read?.contentType).toBe('application/json');
    expect(read?.contentEncoding).toBe('gzip');
  });

  it('hands out a copy, so a reader changing it changes nothing stored', async () => {
    const store = createMemoryArchiveStore();
    await store.putIfAbsent('issues/a/x.json', '{"v":1}', json);
    const first = await store.get('issues/a/x.json');
    first?.body.write('{"v":9}');
    expect((await store.get('issues/a/x.json'))?.body.toString()).toBe('{"v":1}');
  });

  it('reports no content encoding for an object stored without one', async () => {
    const store = createMemoryArchiveStore();
    await store.putIfAbsent('issues/a/x.json', '{}', json);
    expect(await store.get('issues/a/x.json')).not.toHaveProperty('contentEncoding');
  });

  it('gives a private link that expires an hour after the system clock’s now by default', async () => {
    const before = Date.now();
    const { expiresAt } = await createMemoryArchiveStore().url('issues/a/email.json');
    const expires = Date.parse(expiresAt as string);
    expect(expires).toBeGreaterThanOrEqual(before + 3_600_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 3_600_000);
  });
});
