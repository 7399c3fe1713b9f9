import { describe, expect, it } from 'vitest';
import {
  AlertCooldownError,
  alertBaseline,
  alertEvents,
  DEFAULT_ALERT_COOLDOWN_DAYS,
  parseAlertCooldowns,
} from '../../../src/alerts/events';
import type { AlertIndexEntry } from '../../../src/contracts/index-entry';
import type { AlertView } from '../../../src/metrics/alerts';
import { defaultAssumptions } from '../../../src/metrics/assumptions';
import { fixtureSnapshot } from '../../fixtures/render/fixture';

const ZERO = {
  'hashprice-low': 0,
  'hashrate-drawdown': 0,
  'difficulty-drop': 0,
  'pool-top2': 0,
  'nakamoto-low': 0,
  'pool-top1': 0,
};

function edition(asOf: string, alertId: string, levels: Record<string, number> = {}): AlertIndexEntry {
  return {
    editionId: `${asOf}-${alertId}`,
    alertId,
    asOf,
    createdAt: `${asOf}T09:00:00.000Z`,
    severity: 'critical',
    title: 't',
    summary: 's',
    levels: { ...ZERO, ...levels },
    files: {},
  };
}

/** The fixture's figures: hashprice at a record low (level 3), Foundry above 30% (pool-top1 level 1). */
function view(): AlertView {
  const { metrics } = fixtureSnapshot();
  return metrics;
}

const issue = (asOf: string, levels: Record<string, number> = {}) => ({
  issueId: asOf,
  asOf,
  levels: { ...ZERO, ...levels },
});

describe('the baseline of an alert run', () => {
  it('is the weekly issue when no alert edition came after it', () => {
    const baseline = alertBaseline(issue('2026-11-22'), [edition('2026-11-18', 'pool-top1')], '2026-11-25');

    expect(baseline).toMatchObject({ kind: 'issue', id: '2026-11-22', asOf: '2026-11-22' });
  });

  it('is the latest alert edition before the day, never one of the day itself', () => {
    const editions = [
      edition('2026-11-25', 'pool-top2'),
      edition('2026-11-24', 'hashprice-low', { 'hashprice-low': 3 }),
    ];

    const baseline = alertBaseline(issue('2026-11-22'), editions, '2026-11-25');

    expect(baseline).toMatchObject({ kind: 'alert', id: '2026-11-24-hashprice-low', asOf: '2026-11-24' });
    expect(baseline?.levels['hashprice-low']).toBe(3);
  });

  it('takes each rule’s highest level when an issue and an edition share the day', () => {
    const baseline = alertBaseline(
      issue('2026-11-24', { 'pool-top1': 1 }),
      [edition('2026-11-24', 'hashprice-low', { 'hashprice-low': 3 })],
      '2026-11-26',
    );

    expect(baseline?.levels).toMatchObject({ 'hashprice-low': 3, 'pool-top1': 1 });
  });

  it('ignores an issue after the day judged', () => {
    expect(alertBaseline(issue('2026-11-29'), [], '2026-11-25')).toBeNull();
  });
});

describe('the alerts of a day', () => {
  type Baseline = NonNullable<ReturnType<typeof alertBaseline>>;
  /** The baseline a run on the day judges against; a test that expects one fails without it. */
  const baselineOf = (...args: Parameters<typeof alertBaseline>): Baseline => {
    const baseline = alertBaseline(...args);
    if (!baseline) throw new Error('no baseline');
    return baseline;
  };
  /**
   * The alerts of 2026-11-25 for the fixture's figures, with no earlier editions and the default
   * cooldowns; `options` change any of these.
   */
  const judge = (baseline: Baseline, options: Partial<Parameters<typeof alertEvents>[0]> = {}) =>
    alertEvents({
      view: view(),
      assumptions: defaultAssumptions(),
      baseline,
      asOf: '2026-11-25',
      editions: [],
      cooldownDays: DEFAULT_ALERT_COOLDOWN_DAYS,
      ...options,
    });

  it('fires the rules whose level rose above the baseline, and records every rule’s level', () => {
    const baseline = baselineOf(issue('2026-11-22'), [], '2026-11-25');

    const events = judge(baseline);

    expect(events.fired.map((a) => a.id)).toEqual(['hashprice-low', 'pool-top1']);
    expect(events.levels).toMatchObject({ 'hashprice-low': 3, 'pool-top1': 1 });
  });

  it('does not fire what the baseline already told, except a new record low', () => {
    const baseline = baselineOf(
      issue('2026-11-22', { 'hashprice-low': 3, 'pool-top1': 1 }),
      [],
      '2026-11-25',
    );

    const events = judge(baseline);

    expect(events.fired.map((a) => a.id)).toEqual(['hashprice-low']);
  });

  it('finds nothing new on a day the baseline already covers (the weekly issue of that very day)', () => {
    const baseline = baselineOf(issue('2026-11-25'), [], '2026-11-25');

    const events = judge(baseline);

    expect(events.fired).toEqual([]);
  });

  it('holds an alert back within its cooldown and keeps the baseline’s level for it, so it can fire later', () => {
    const last = edition('2026-11-20', 'hashprice-low', { 'hashprice-low': 3 });
    const baseline = baselineOf(issue('2026-11-22', { 'hashprice-low': 3 }), [last], '2026-11-25');

    const within = judge(baseline, { editions: [last] });
    const after = judge(baseline, { asOf: '2026-11-27', editions: [last] });
    const shorter = judge(baseline, {
      editions: [last],
      cooldownDays: parseAlertCooldowns('{"hashprice-low":3}'),
    });

    expect(within.fired.map((a) => a.id)).toEqual(['pool-top1']);
    expect(within.suppressed).toEqual([
      expect.objectContaining({ lastEditionId: '2026-11-20-hashprice-low', cooldownDays: 7 }),
    ]);
    expect(after.fired.map((a) => a.id)).toEqual(['hashprice-low', 'pool-top1']);
    expect(shorter.fired.map((a) => a.id)).toEqual(['hashprice-low', 'pool-top1']);
  });

  it('keeps the baseline level of a held-back rule in the levels an edition records', () => {
    const last = edition('2026-11-24', 'pool-top1', { 'pool-top1': 1 });
    const baseline = baselineOf(issue('2026-11-22'), [], '2026-11-25');

    const events = judge(baseline, { editions: [last] });

    expect(events.suppressed.map((s) => s.alert.id)).toEqual(['pool-top1']);
    expect(events.levels['pool-top1']).toBe(0);
    expect(events.levels['hashprice-low']).toBe(3);
  });
});

describe('HASHBRIEF_ALERT_COOLDOWN_DAYS', () => {
  it('overrides the days of the alerts it names and keeps the defaults of the others', () => {
    expect(parseAlertCooldowns('{"pool-top1": 2}')).toEqual({
      ...DEFAULT_ALERT_COOLDOWN_DAYS,
      'pool-top1': 2,
    });
    expect(parseAlertCooldowns(undefined)).toEqual(DEFAULT_ALERT_COOLDOWN_DAYS);
  });

  it.each([
    ['{"hashprice-lows": 2}', /^hashprice-lows: unknown alert/],
    ['{"pool-top1": -1}', /^pool-top1: must be >= 0/],
    ['{"pool-top1": 1.5}', /^pool-top1: must be whole days/],
    ['[1]', /must be a JSON object/],
    ['{', /not valid JSON/],
  ])('refuses %s, naming the problem', (json, message) => {
    expect(() => parseAlertCooldowns(json)).toThrow(AlertCooldownError);
    expect(() => parseAlertCooldowns(json)).toThrow(message);
  });
});
