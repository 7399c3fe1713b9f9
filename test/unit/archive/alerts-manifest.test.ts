/**
 * `alerts/index.json` and the feeds on their own (src/archive/manifest.ts): listing one alert edition,
 * replacing the whole list on repair, and redrawing the feeds only when they change.
 */
import { describe, expect, it } from 'vitest';
import {
  ALERTS_INDEX_KEY,
  ATOM_CONTENT_TYPE,
  FEED_JSON_KEY,
  FEED_XML_KEY,
  INDEX_JSON_KEY,
  MANIFEST_CACHE_CONTROL,
} from '../../../src/archive/keys';
import {
  listAlertEdition,
  MANIFEST_SCHEMA_VERSION,
  readAlertsManifest,
  replaceAlertsManifest,
  updateFeeds,
  updateManifests,
} from '../../../src/archive/manifest';
import { createMemoryArchiveStore } from '../../../src/archive/memory-store';
import type { AlertIndexEntry, IssueIndexEntry } from '../../../src/contracts/index-entry';
import { recordingStore } from '../../fixtures/archive/recording-store';

const edition = (
  asOf: string,
  alertId: string,
  overrides: Partial<AlertIndexEntry> = {},
): AlertIndexEntry => ({
  editionId: `${asOf}-${alertId}`,
  alertId,
  asOf,
  createdAt: `${asOf}T09:00:00Z`,
  severity: 'warning',
  title: `${alertId} on ${asOf}`,
  summary: `${alertId} tripped on ${asOf}.`,
  levels: { [alertId]: 1 },
  files: {},
  ...overrides,
});

const clock = () => new Date('2026-11-25T10:00:00Z');
/** Feeds that name every issue and edition, so a change to either shows in the bodies. */
const renderFeeds = (issues: IssueIndexEntry[], alerts: AlertIndexEntry[]) => ({
  atom: `atom:${issues.map((i) => i.issueId).join(',')}|${alerts.map((a) => a.editionId).join(',')}`,
  json: `json:${issues.map((i) => i.issueId).join(',')}|${alerts.map((a) => a.editionId).join(',')}`,
});
const deps = { clock, renderFeeds };

async function storedText(store: ReturnType<typeof createMemoryArchiveStore>, key: string) {
  return (await store.get(key))?.body.toString('utf8');
}

describe('listAlertEdition', () => {
  it('writes alerts/index.json (versioned, stamped by the clock, cacheable for a minute) and both feeds', async () => {
    const store = recordingStore(createMemoryArchiveStore());
    const first = edition('2026-11-24', 'hashprice-low');

    const written = await listAlertEdition(store, first, deps);

    expect(written).toEqual([ALERTS_INDEX_KEY, FEED_XML_KEY, FEED_JSON_KEY]);
    expect(JSON.parse((await storedText(store, ALERTS_INDEX_KEY)) ?? '')).toEqual({
      schemaVersion: MANIFEST_SCHEMA_VERSION,
      updatedAt: '2026-11-25T10:00:00.000Z',
      editions: [first],
    });
    expect(await storedText(store, FEED_XML_KEY)).toBe('atom:|2026-11-24-hashprice-low');
    expect(store.writes.find((w) => w.key === ALERTS_INDEX_KEY)?.options).toEqual({
      contentType: 'application/json',
      cacheControl: MANIFEST_CACHE_CONTROL,
    });
    expect(store.writes.find((w) => w.key === FEED_XML_KEY)?.options.contentType).toBe(ATOM_CONTENT_TYPE);
  });

  it('keeps an edition already listed as it was, and writes nothing again', async () => {
    const store = createMemoryArchiveStore();
    const first = edition('2026-11-24', 'hashprice-low');
    await listAlertEdition(store, first, deps);

    const again = await listAlertEdition(
      store,
      { ...first, title: 'a retried run words it differently' },
      deps,
    );

    expect(again).toEqual([]);
    expect(await readAlertsManifest(store)).toEqual([first]);
  });

  it('lists editions newest first, whatever order they arrive in', async () => {
    const store = createMemoryArchiveStore();
    await listAlertEdition(store, edition('2026-11-20', 'fee-spike'), deps);
    await listAlertEdition(store, edition('2026-11-24', 'hashprice-low'), deps);
    await listAlertEdition(store, edition('2026-11-22', 'hashrate-drop'), deps);

    expect((await readAlertsManifest(store)).map((e) => e.editionId)).toEqual([
      '2026-11-24-hashprice-low',
      '2026-11-22-hashrate-drop',
      '2026-11-20-fee-spike',
    ]);
  });

  it('leaves the feeds alone without a feed renderer', async () => {
    const store = createMemoryArchiveStore();

    const written = await listAlertEdition(store, edition('2026-11-24', 'hashprice-low'), { clock });

    expect(written).toEqual([ALERTS_INDEX_KEY]);
    expect(await store.get(FEED_XML_KEY)).toBeNull();
  });
});

describe('replaceAlertsManifest', () => {
  const a = edition('2026-11-20', 'fee-spike');
  const b = edition('2026-11-24', 'hashprice-low');

  it('writes nothing for an archive without a manifest and without editions', async () => {
    const store = createMemoryArchiveStore();

    expect(await replaceAlertsManifest(store, [], { clock })).toEqual([]);
    expect(await store.get(ALERTS_INDEX_KEY)).toBeNull();
  });

  it('writes the editions newest first when there is no manifest yet', async () => {
    const store = createMemoryArchiveStore();

    expect(await replaceAlertsManifest(store, [a, b], { clock })).toEqual([ALERTS_INDEX_KEY]);
    expect(await readAlertsManifest(store)).toEqual([b, a]);
  });

  it('writes nothing when the manifest already lists the same editions, in any order given', async () => {
    const store = createMemoryArchiveStore();
    await replaceAlertsManifest(store, [a, b], { clock });

    expect(
      await replaceAlertsManifest(store, [b, a], { clock: () => new Date('2027-01-01T00:00:00Z') }),
    ).toEqual([]);
  });

  it('replaces a manifest that lists other editions, or none', async () => {
    const store = createMemoryArchiveStore();
    await replaceAlertsManifest(store, [a, b], { clock });

    expect(await replaceAlertsManifest(store, [a], { clock })).toEqual([ALERTS_INDEX_KEY]);
    expect(await readAlertsManifest(store)).toEqual([a]);
    expect(await replaceAlertsManifest(store, [], { clock })).toEqual([ALERTS_INDEX_KEY]);
    expect(await readAlertsManifest(store)).toEqual([]);
  });

  it('replaces a corrupt manifest instead of failing, then redraws the feeds', async () => {
    const store = createMemoryArchiveStore();
    await store.putIfAbsent(ALERTS_INDEX_KEY, '{"editions": [', { contentType: 'application/json' });

    const written = await replaceAlertsManifest(store, [a], deps);

    expect(written).toEqual([ALERTS_INDEX_KEY, FEED_XML_KEY, FEED_JSON_KEY]);
    expect(await readAlertsManifest(store)).toEqual([a]);
  });
});

describe('updateFeeds', () => {
  it('returns only the feeds it changed: none when they already say the same', async () => {
    const store = createMemoryArchiveStore();
    await listAlertEdition(store, edition('2026-11-24', 'hashprice-low'), { clock });

    expect(await updateFeeds(store, deps)).toEqual([FEED_XML_KEY, FEED_JSON_KEY]);
    expect(await updateFeeds(store, deps)).toEqual([]);
  });
});

describe('updateManifests', () => {
  const issue: IssueIndexEntry = {
    issueId: '2026-11-23',
    asOf: '2026-11-23',
    generatedAt: '2026-11-24T07:00:00Z',
    sample: false,
    headline: { hashpriceUsdPerPhDay: 50, hashpriceChange7dPct: -1, priceUsd: 60_000, hashrateEhs7d: 1_000 },
    files: {},
  };
  const pageDeps = { clock, renderIndexPage: (list: IssueIndexEntry[]) => `<p>${list.length}</p>` };

  it('writes index.json as cacheable JSON', async () => {
    const store = recordingStore(createMemoryArchiveStore());

    await updateManifests(store, (list) => [...list, issue], pageDeps);

    expect(store.writes.find((w) => w.key === INDEX_JSON_KEY)?.options).toEqual({
      contentType: 'application/json',
      cacheControl: MANIFEST_CACHE_CONTROL,
    });
  });

  it('hands a corrupt index.json to the change as an empty list when asked to replace it', async () => {
    const store = createMemoryArchiveStore();
    await store.putIfAbsent(INDEX_JSON_KEY, 'not json', { contentType: 'application/json' });
    const seen: unknown[] = [];

    await updateManifests(
      store,
      (list) => {
        seen.push(list);
        return [issue];
      },
      pageDeps,
      { replaceCorrupt: true },
    );

    expect(seen).toEqual([[]]);
    expect(JSON.parse((await storedText(store, INDEX_JSON_KEY)) ?? '').issues).toEqual([issue]);
  });
});
