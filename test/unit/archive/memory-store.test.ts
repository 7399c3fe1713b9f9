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
