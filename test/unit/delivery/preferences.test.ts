import { describe, expect, it } from 'vitest';
import { createMemoryArchiveStore } from '../../../src/archive/memory-store';
import { hashNormalizedAddress } from '../../../src/delivery/address';
import { notSubscribedPage, preferencesPage } from '../../../src/delivery/pages';
import {
  csvCells,
  PreferenceValueError,
  parsePowerPrice,
  preferencesFromCells,
} from '../../../src/delivery/preference-fields';
import {
  parsePreferencesForm,
  preferencesUrl,
  savePreferences,
  showPreferences,
} from '../../../src/delivery/preferences';
import {
  createSubscriberStore,
  newSubscriber,
  type SubscriberStatus,
  subscriberSchema,
} from '../../../src/delivery/subscribers';
import { signToken } from '../../../src/delivery/tokens';
import { parseFleet } from '../../../src/metrics/machines';
import { TEST_SECRET, TEST_SETTINGS } from '../../support/delivery-fixtures';

const NOW = new Date('2026-11-25T10:00:00Z');
const ADDRESS = 'reader@example.com';
const HASH = hashNormalizedAddress(ADDRESS);

async function world(status: SubscriberStatus = 'active') {
  const subscribers = createSubscriberStore(createMemoryArchiveStore());
  await subscribers.put(newSubscriber(ADDRESS, status, 'web', new Date('2026-11-01T00:00:00Z')), null);
  const deps = { subscribers, clock: () => NOW };
  const settings = { tokenSecret: TEST_SECRET };
  const token = new URL(preferencesUrl(TEST_SETTINGS, HASH)).searchParams.get('token') ?? '';
  return { subscribers, deps, settings, token };
}

describe('subscriber preferences', () => {
  it('reads a record from before preferences existed as wanting both mails and no personal numbers', () => {
    const old = {
      schemaVersion: 1,
      address: ADDRESS,
      status: 'active',
      createdAt: '2025-01-01T00:00:00.000Z',
      updatedAt: '2025-01-01T00:00:00.000Z',
      source: 'web',
      softBounces: 0,
    };

    expect(subscriberSchema.parse(old)).toMatchObject({
      weekly: true,
      alerts: true,
      powerPriceUsdPerKwh: null,
      fleet: [],
    });
  });

  it('refuses a stored power price or fleet out of range, naming the field', () => {
    const base = newSubscriber(ADDRESS, 'active', 'web', NOW);

    const price = subscriberSchema.safeParse({ ...base, powerPriceUsdPerKwh: 60 });
    const fleet = subscriberSchema.safeParse({ ...base, fleet: ['Antminer S21!'] });

    expect(price.success).toBe(false);
    expect(price.error?.issues[0]?.path).toEqual(['powerPriceUsdPerKwh']);
    expect(fleet.success).toBe(false);
    expect(fleet.error?.issues[0]?.path).toEqual(['fleet', 0]);
  });

  it('parses fleets of machine ids and J/TH values, and names an unknown machine', () => {
    expect(parseFleet('antminer-s21, antminer-s19-xp;25')).toEqual(['antminer-s21', 'antminer-s19-xp', 25]);
    expect(() => parseFleet('antminer-s99')).toThrow(/unknown machine "antminer-s99"/);
    expect(() => parseFleet('0')).toThrow(/out of range/);
  });

  it('parses power prices in USD/kWh and refuses cents typed as dollars', () => {
    expect(parsePowerPrice('0.06')).toBe(0.06);
    expect(parsePowerPrice('$0.045')).toBe(0.045);
    expect(() => parsePowerPrice('6', '--power-price')).toThrow(PreferenceValueError);
    expect(() => parsePowerPrice('6', '--power-price')).toThrow(/^--power-price: /);
    expect(() => parsePowerPrice('abc')).toThrow(PreferenceValueError);
  });

  it('reads preference columns of an import row, leaving empty cells alone', () => {
    expect(
      preferencesFromCells({
        weekly: 'no',
        alerts: '',
        powerpriceusdperkwh: '0.05',
        fleet: 'antminer-s21;30',
      }),
    ).toEqual({ weekly: false, powerPriceUsdPerKwh: 0.05, fleet: ['antminer-s21', 30] });
    expect(() => preferencesFromCells({ alerts: 'maybe' })).toThrow(/^alerts: must be yes or no/);
    expect(csvCells('a@x.org,"antminer-s21,25", yes ,"say ""hi"""')).toEqual([
      'a@x.org',
      'antminer-s21,25',
      'yes',
      'say "hi"',
    ]);
  });
});

describe('the preferences page', () => {
  it('shows the current choices for a valid link and changes nothing on GET', async () => {
    const { subscribers, deps, settings, token } = await world();
    const before = await subscribers.get(HASH);

    const outcome = await showPreferences(token, deps, settings);

    expect(outcome).toEqual({
      kind: 'form',
      preferences: { weekly: true, alerts: true, powerPriceUsdPerKwh: null, fleet: [] },
    });
    expect((await subscribers.get(HASH))?.etag).toBe(before?.etag);
  });

  it('saves the weekly and alert choices and the power price from a form POST', async () => {
    const { subscribers, deps, settings, token } = await world();

    const outcome = await savePreferences(
      token,
      { preferences: '1', alerts: 'on', powerPrice: '0,055' },
      deps,
      settings,
    );

    expect(outcome.kind).toBe('saved');
    expect((await subscribers.get(HASH))?.subscriber).toMatchObject({
      status: 'active',
      weekly: false,
      alerts: true,
      powerPriceUsdPerKwh: 0.055,
      updatedAt: NOW.toISOString(),
    });
  });

  it('rejects a bad power price, naming the field, and keeps what was stored', async () => {
    const { subscribers, deps, settings, token } = await world();
    const before = await subscribers.get(HASH);

    const outcome = await savePreferences(token, { preferences: '1', powerPrice: '60' }, deps, settings);

    expect(outcome.kind).toBe('invalid-form');
    expect(outcome.kind === 'invalid-form' && outcome.problem).toMatch(/^Power price: /);
    expect((await subscribers.get(HASH))?.etag).toBe(before?.etag);
  });

  it('changes nothing for a POST that is not the form (no marker field), such as a link scanner', async () => {
    const { subscribers, deps, settings, token } = await world();
    const before = await subscribers.get(HASH);

    const outcome = await savePreferences(token, {}, deps, settings);

    expect(outcome.kind).toBe('invalid-form');
    expect((await subscribers.get(HASH))?.etag).toBe(before?.etag);
  });

  it('refuses an unsubscribe token, a forged token and a token for another purpose', async () => {
    const { deps, settings } = await world();
    const unsubscribe = signToken({ secret: TEST_SECRET, purpose: 'unsubscribe', subscriberHash: HASH });
    const forged = signToken({
      secret: 'another-secret-0123456789',
      purpose: 'preferences',
      subscriberHash: HASH,
    });

    for (const token of [unsubscribe, forged, 'p.abc.0.def', '']) {
      expect((await showPreferences(token, deps, settings)).kind).toBe('invalid-link');
      expect((await savePreferences(token, { preferences: '1' }, deps, settings)).kind).toBe('invalid-link');
    }
  });

  it('keeps working for an old link: preferences links never expire', async () => {
    const { deps, settings, token } = await world();

    const outcome = await showPreferences(
      token,
      { ...deps, clock: () => new Date('2036-01-01T00:00:00Z') },
      settings,
    );

    expect(outcome.kind).toBe('form');
  });

  it('changes nothing for a reader who unsubscribed, and says so', async () => {
    const { subscribers, deps, settings, token } = await world('unsubscribed');

    const outcome = await savePreferences(token, { preferences: '1', weekly: 'on' }, deps, settings);

    expect(outcome.kind).toBe('not-subscribed');
    expect((await subscribers.get(HASH))?.subscriber.status).toBe('unsubscribed');
    expect(notSubscribedPage()).toContain('not subscribed');
  });

  it('is a plain form that works without JavaScript and posts back to its own signed link', () => {
    const html = preferencesPage('p.tok&en.0.sig', {
      weekly: false,
      alerts: true,
      powerPriceUsdPerKwh: 0.06,
    });

    expect(html).not.toMatch(/<script|\son[a-z]+=/i);
    expect(html).toContain('<form method="post" action="?token=p.tok%26en.0.sig">');
    expect(html).toContain('<input type="hidden" name="preferences" value="1">');
    expect(html).toMatch(/name="weekly" value="on">/);
    expect(html).toMatch(/name="alerts" value="on" checked>/);
    expect(html).toContain('value="0.06"');
  });

  it('reads an unticked box as off and an empty power price as none', () => {
    expect(parsePreferencesForm({ preferences: '1', weekly: 'on', powerPrice: ' ' })).toEqual({
      ok: true,
      change: { weekly: true, alerts: false, powerPriceUsdPerKwh: null },
    });
  });
});
