import { describe, expect, it } from 'vitest';
import { hashrateStory, priceStory } from '../../../src/metrics/stories/market';
import type { Story } from '../../../src/metrics/stories/types';
import type { Metrics } from '../../../src/snapshot/schema';
import { fixtureSnapshot } from '../../fixtures/render/fixture';

const AS_OF = '2026-11-23';
/** Each named figure unknown (null). */
const nothing = <K extends string>(...keys: K[]) =>
  Object.fromEntries(keys.map((key) => [key, null])) as Record<K, null>;

/** The fixture week with one group's figures replaced. */
const withGroup = <K extends keyof Metrics>(key: K, values: Partial<Metrics[K]>): Metrics => {
  const m = structuredClone(fixtureSnapshot().metrics);
  Object.assign(m[key], values);
  return m;
};

describe('priceStory', () => {
  /** A close of $95,000 and nothing else known, unless given. */
  const withPrice = (price: Partial<Metrics['price']>) =>
    withGroup('price', {
      usd: 95_000,
      ...nothing('change7dPct', 'change30dPct', 'drawdownFromAthPct', 'athUsd', 'athDate'),
      ...price,
    });

  it.each<{ name: string; price: Partial<Metrics['price']>; told: Story }>([
    {
      name: 'a close at a new all-time high',
      price: { usd: 126_000, athUsd: 126_000, athDate: AS_OF, change7dPct: 4.2 },
      told: {
        story: 'price-ath',
        score: 80,
        headline: 'Bitcoin at an all-time high',
        text: 'Bitcoin closed at a new all-time high of $126,000 on 23 November 2026, up 4.2% on the week.',
        metricKeys: ['price.usd', 'price.athUsd', 'price.athDate', 'price.change7dPct'],
      },
    },
    {
      name: 'a high set earlier in the week and the close after it',
      price: { usd: 121_000, athUsd: 126_000, athDate: '2026-11-17' },
      told: {
        story: 'price-ath',
        score: 80,
        headline: 'Bitcoin at an all-time high',
        text: 'Bitcoin set an all-time high of $126,000 on 17 November 2026 and closed the week at $121,000.',
        metricKeys: ['price.usd', 'price.athUsd', 'price.athDate'],
      },
    },
    {
      name: 'a high from before the week as a drawdown, not as news',
      price: { usd: 121_000, athUsd: 126_000, athDate: '2026-11-16', drawdownFromAthPct: -3.97 },
      told: {
        story: 'price',
        score: 35,
        headline: 'Bitcoin $121,000',
        text: 'Bitcoin closed at $121,000 and 4.0% below its all-time high of $126,000 (16 November 2026).',
        metricKeys: ['price.usd', 'price.drawdownFromAthPct', 'price.athUsd', 'price.athDate'],
      },
    },
  ])('tells $name', ({ price, told }) => {
    expect(priceStory(withPrice(price), AS_OF)).toEqual(told);
  });

  it('scores a crash or rally week by its size, and heads with the move from 10%', () => {
    const cases: [number, number, string][] = [
      [-15, 85, 'Bitcoin −15.0% on the week'],
      [-14.9, 65, 'Bitcoin −14.9% on the week'],
      [-10, 65, 'Bitcoin −10.0% on the week'],
      [-9.9, 35 + 9.9, 'Bitcoin $95,000'],
      [-3, 38, 'Bitcoin $95,000'],
      [9.9, 35 + 9.9, 'Bitcoin $95,000'],
      [10, 55, 'Bitcoin +10.0% on the week'],
      [14.9, 55, 'Bitcoin +14.9% on the week'],
      [15, 70, 'Bitcoin +15.0% on the week'],
    ];
    for (const [change, score, headline] of cases) {
      const story = priceStory(withPrice({ change7dPct: change }), AS_OF);
      expect(story?.score, `${change}%`).toBeCloseTo(score, 12);
      expect(story?.headline, `${change}%`).toBe(headline);
    }
    expect(priceStory(withPrice({ change7dPct: -3 }), AS_OF)?.text).toBe(
      'Bitcoin closed at $95,000, down 3.0% on the week.',
    );
  });

  it('leaves out a drawdown of half a percent or less, or one without its high', () => {
    expect(
      priceStory(withPrice({ drawdownFromAthPct: -0.5, athUsd: 95_400, athDate: '2026-10-01' }), AS_OF)?.text,
    ).toBe('Bitcoin closed at $95,000.');
    expect(
      priceStory(withPrice({ drawdownFromAthPct: -0.6, athUsd: 95_600, athDate: '2026-10-01' }), AS_OF)?.text,
    ).toBe('Bitcoin closed at $95,000 and 0.6% below its all-time high of $95,600 (1 October 2026).');
    for (const missing of [{ athUsd: null }, { athDate: null }]) {
      const m = withPrice({ drawdownFromAthPct: -20, athUsd: 118_750, athDate: '2025-10-06', ...missing });
      expect(priceStory(m, AS_OF)?.text).toBe('Bitcoin closed at $95,000.');
    }
  });

  it('tells no all-time high in the week without its level', () => {
    expect(priceStory(withPrice({ athUsd: null, athDate: '2026-11-20' }), AS_OF)).toMatchObject({
      story: 'price',
      text: 'Bitcoin closed at $95,000.',
    });
  });

  it('has no story without a price', () => {
    expect(priceStory(withPrice({ usd: null }), AS_OF)).toBeNull();
  });
});

describe('hashrateStory', () => {
  /** 1,000 EH/s at its peak of 1 September, no record, no drawdown, unless given. */
  const atPeak = { ehs7d: 1000, peakEhs7d: 1000, peakDate: '2026-09-01', fromPeakPct: 0 };
  const noDrawdown = { drawdownDeepestOnRecord: false, drawdownDeepest90dPct: 0 };
  const withHashrate = (hashrate: Partial<Metrics['hashrate']>) =>
    withGroup('hashrate', {
      ...atPeak,
      ...noDrawdown,
      ...nothing('change7dPct', 'change30dPct', 'drawdownDeepestSince'),
      ...hashrate,
    });

  it('tells a new high in the week', () => {
    expect(hashrateStory(withHashrate({ peakDate: '2026-11-20', change7dPct: 2 }), AS_OF)).toEqual({
      story: 'hashrate-high',
      score: 48,
      headline: 'Hashrate at a record 1,000 EH/s',
      text: "The network's hashrate averaged 1,000 EH/s over the 7 days, a new high (up 2.0% on the week).",
      metricKeys: ['hashrate.ehs7d', 'hashrate.change7dPct', 'hashrate.peakDate', 'hashrate.fromPeakPct'],
    });
    expect(hashrateStory(withHashrate({ peakDate: '2026-11-17' }), AS_OF)?.text).toBe(
      "The network's hashrate averaged 1,000 EH/s over the 7 days, a new high.",
    );
  });

  it('does not call a peak a week old, or 0.05% below, a new high', () => {
    expect(hashrateStory(withHashrate({ peakDate: '2026-11-16' }), AS_OF)).toEqual({
      story: 'hashrate',
      score: 30,
      headline: 'Hashrate 1,000 EH/s',
      text: "The network's hashrate averaged 1,000 EH/s over the 7 days.",
      metricKeys: ['hashrate.ehs7d'],
    });
    expect(hashrateStory(withHashrate({ peakDate: '2026-11-20', fromPeakPct: -0.05 }), AS_OF)?.story).toBe(
      'hashrate',
    );
  });

  it('scores a drawdown from 5%, 10% and 20% below the peak', () => {
    const cases: [number, number, string][] = [
      [-4.9, 30, 'Hashrate 950 EH/s'],
      [-5, 45, 'Hashrate 950 EH/s'],
      [-10, 60, 'Hashrate −10% from its peak'],
      [-20, 75, 'Hashrate −20% from its peak'],
    ];
    for (const [fromPeakPct, score, headline] of cases) {
      const story = hashrateStory(withHashrate({ ehs7d: 950, fromPeakPct }), AS_OF);
      expect(story?.score, `${fromPeakPct}%`).toBe(score);
      expect(story?.headline, `${fromPeakPct}%`).toBe(headline);
    }
    expect(
      hashrateStory(withHashrate({ ehs7d: 950, fromPeakPct: -5, change7dPct: -1 }), AS_OF),
    ).toMatchObject({
      text: "The network's hashrate averaged 950 EH/s over the 7 days, down 1.0% on the week, 5.0% below its peak of 1,000 EH/s (1 September 2026).",
      metricKeys: [
        'hashrate.ehs7d',
        'hashrate.change7dPct',
        'hashrate.fromPeakPct',
        'hashrate.peakEhs7d',
        'hashrate.peakDate',
      ],
    });
  });

  it('calls a drawdown of 10% or more the deepest on record or since a month, a year back worth more', () => {
    const onRecord = hashrateStory(
      withHashrate({ ehs7d: 880, fromPeakPct: -12, drawdownDeepestOnRecord: true }),
      AS_OF,
    );
    expect(onRecord?.score).toBe(75);
    expect(onRecord?.text).toBe(
      "The network's hashrate averaged 880 EH/s over the 7 days, 12.0% below its peak of 1,000 EH/s (1 September 2026), the deepest drawdown on record.",
    );
    expect(onRecord?.metricKeys).toContain('hashrate.drawdownDeepestOnRecord');
    // A record is not told for a drawdown under 10%.
    expect(
      hashrateStory(withHashrate({ fromPeakPct: -9, drawdownDeepestOnRecord: true }), AS_OF)?.text,
    ).not.toContain('deepest');

    const yearAgo = hashrateStory(
      withHashrate({ fromPeakPct: -12, drawdownDeepestSince: '2025-11-23' }),
      AS_OF,
    );
    expect(yearAgo?.score).toBe(70);
    expect(yearAgo?.text).toMatch(/, the deepest drawdown since November 2025\.$/);
    expect(yearAgo?.metricKeys).toContain('hashrate.drawdownDeepestSince');
    const monthsAgo = hashrateStory(
      withHashrate({ fromPeakPct: -12, drawdownDeepestSince: '2025-11-24' }),
      AS_OF,
    );
    expect(monthsAgo?.score).toBe(60);
    expect(monthsAgo?.text).toMatch(/, the deepest drawdown since November 2025\.$/);
    // Under 90 days back says nothing; nor does a drawdown under 10%.
    expect(
      hashrateStory(withHashrate({ fromPeakPct: -12, drawdownDeepestSince: '2026-09-01' }), AS_OF)?.text,
    ).not.toContain('deepest');
    expect(
      hashrateStory(withHashrate({ fromPeakPct: -9, drawdownDeepestSince: '2024-01-01' }), AS_OF)?.text,
    ).not.toContain('deepest');
  });

  it('tells a recovery of 5 points or more from a drawdown of 10% or more in the last 90 days', () => {
    const recovering = hashrateStory(withHashrate({ fromPeakPct: -6, drawdownDeepest90dPct: -11 }), AS_OF);
    expect(recovering?.text).toBe(
      "The network's hashrate averaged 1,000 EH/s over the 7 days, 6.0% below its peak of 1,000 EH/s (1 September 2026), recovering from an 11.0% drawdown within the last 90 days.",
    );
    expect(recovering?.score).toBe(45);
    expect(recovering?.metricKeys).toContain('hashrate.drawdownDeepest90dPct');
    // From the peak itself (no drawdown clause), a recovery still scores 45.
    expect(hashrateStory(withHashrate({ fromPeakPct: -1, drawdownDeepest90dPct: -10 }), AS_OF)?.score).toBe(
      45,
    );
    expect(
      hashrateStory(withHashrate({ fromPeakPct: -5.1, drawdownDeepest90dPct: -10 }), AS_OF)?.text,
    ).not.toContain('recovering');
    expect(
      hashrateStory(withHashrate({ fromPeakPct: -1, drawdownDeepest90dPct: -9.9 }), AS_OF)?.text,
    ).not.toContain('recovering');
  });

  it.each<{ name: string; hashrate: Partial<Metrics['hashrate']> }>([
    {
      name: 'a high without its distance from the peak',
      hashrate: { peakDate: '2026-11-20', fromPeakPct: null },
    },
    {
      name: 'a recovery without the distance from the peak',
      hashrate: { fromPeakPct: null, drawdownDeepest90dPct: -12 },
    },
    { name: 'a drawdown without the peak’s level', hashrate: { fromPeakPct: -12, peakEhs7d: null } },
    { name: 'a drawdown without the peak’s day', hashrate: { fromPeakPct: -12, peakDate: null } },
  ])('tells only the level for $name', ({ hashrate }) => {
    expect(hashrateStory(withHashrate(hashrate), AS_OF)).toEqual({
      story: 'hashrate',
      score: 30,
      headline: 'Hashrate 1,000 EH/s',
      text: "The network's hashrate averaged 1,000 EH/s over the 7 days.",
      metricKeys: ['hashrate.ehs7d'],
    });
  });

  it('calls a drawdown of exactly 10% the deepest on record, or since a year back', () => {
    // A drawdown of 10% scores 60: +15 on record (75), +10 for one a year back (70).
    const onRecord = hashrateStory(withHashrate({ fromPeakPct: -10, drawdownDeepestOnRecord: true }), AS_OF);
    expect(onRecord?.text).toMatch(/, the deepest drawdown on record\.$/);
    expect(onRecord?.score).toBe(75);
    const yearBack = hashrateStory(
      withHashrate({ fromPeakPct: -10, drawdownDeepestSince: '2025-11-23' }),
      AS_OF,
    );
    expect(yearBack?.text).toMatch(/, the deepest drawdown since November 2025\.$/);
    expect(yearBack?.score).toBe(70);
  });

  it('has no story without a 7-day hashrate', () => {
    expect(hashrateStory(withHashrate({ ehs7d: null }), AS_OF)).toBeNull();
  });
});
