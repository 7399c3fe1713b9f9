import { describe, expect, it } from 'vitest';
import { driversSentence, hashpriceStory } from '../../../src/metrics/stories/hashprice';
import type { Metrics } from '../../../src/snapshot/schema';
import { fixtureSnapshot } from '../../fixtures/render/fixture';

const AS_OF = '2026-11-23';
type Drivers = NonNullable<Metrics['hashprice']['drivers']>;
const quiet: Drivers = {
  avgPriceChangePct: 0,
  btcRevenueChangePct: 0,
  subsidyBtcChangePct: 0,
  feesBtcChangePct: 0,
  hashrateChangePct: 0,
};
/** The week's change that the drivers imply: (1 + price)(1 + revenue) ÷ (1 + hashrate) − 1. */
const implied = (d: Drivers) =>
  (((1 + d.avgPriceChangePct / 100) * (1 + d.btcRevenueChangePct / 100)) / (1 + d.hashrateChangePct / 100) -
    1) *
  100;
const withHashprice = (
  hashprice: Partial<Metrics['hashprice']>,
  daysSinceHalving: number | null = null,
): Metrics => {
  const m = structuredClone(fixtureSnapshot().metrics);
  Object.assign(m.hashprice, {
    usdPerPhDay: 30,
    btcPerPhDay: null,
    change7dPct: null,
    recordLow: false,
    lowestSince: null,
    lowestSinceDays: null,
    spotUsdPerPhDay: null,
    drivers: null,
    ...hashprice,
  });
  m.halving.daysSincePrevious = daysSinceHalving;
  return m;
};
const drivers = (d: Partial<Drivers>, daysSinceHalving: number | null = null) => {
  const all = { ...quiet, ...d };
  return driversSentence(withHashprice({ drivers: all, change7dPct: implied(all) }, daysSinceHalving));
};

describe('driversSentence: what BTC revenue did', () => {
  it('blames the halving for less revenue when one lies in the two weeks compared', () => {
    const s = drivers({ btcRevenueChangePct: -40, subsidyBtcChangePct: -45 }, 13);
    expect(s?.text).toBe(
      'Hashprice fell 40.0% on 40.0% less BTC revenue per day (the halving cut the subsidy).',
    );
    expect(s?.metricKeys).toEqual([
      'hashprice.change7dPct',
      'hashprice.drivers.btcRevenueChangePct',
      'hashprice.drivers.subsidyBtcChangePct',
      'halving.daysSincePrevious',
    ]);
    // Fourteen days back the halving is outside both weeks: fewer blocks is all the data says.
    expect(drivers({ btcRevenueChangePct: -40, subsidyBtcChangePct: -45 }, 14)?.text).toBe(
      'Hashprice fell 40.0% on 40.0% less BTC revenue per day (fewer blocks mined).',
    );
  });

  // Revenue ±3% with nothing else moving: hashprice moves the same 3%, and the clause says why.
  it.each<[string, number, Partial<Drivers>, string]>([
    ['fees that moved 20% the same way', 3, { feesBtcChangePct: 20 }, ' (fees up 20.0%)'],
    ['no fees that moved 19.9%', 3, { feesBtcChangePct: 19.9 }, ''],
    ['no fees that moved against revenue', 3, { feesBtcChangePct: -30 }, ''],
    ['more blocks when the subsidy rose 1%', 3, { subsidyBtcChangePct: 1 }, ' (more blocks mined)'],
    ['no blocks when the subsidy rose 0.9%', 3, { subsidyBtcChangePct: 0.9 }, ''],
    ['no blocks when the subsidy moved against revenue', -3, { subsidyBtcChangePct: 1.5 }, ''],
    ['fewer blocks when the subsidy fell 1%', -3, { subsidyBtcChangePct: -1 }, ' (fewer blocks mined)'],
  ])('names %s', (_name, revenue, d, clause) => {
    const moved = revenue > 0 ? 'rose 3.0% on 3.0% more' : 'fell 3.0% on 3.0% less';
    expect(drivers({ btcRevenueChangePct: revenue, ...d })?.text).toBe(
      `Hashprice ${moved} BTC revenue per day${clause}.`,
    );
  });
});

describe('driversSentence: the halving, and the figures behind each reason', () => {
  it('does not blame the halving for revenue that rose, or for a subsidy that did not fall', () => {
    // Three days after a halving: revenue up on fees alone, or down with the subsidy unchanged.
    expect(
      drivers({ btcRevenueChangePct: 5, subsidyBtcChangePct: -45, feesBtcChangePct: 200 }, 3)?.text,
    ).toBe('Hashprice rose 5.0% on 5.0% more BTC revenue per day (fees up 200.0%).');
    expect(drivers({ btcRevenueChangePct: -5, subsidyBtcChangePct: 0 }, 3)?.text).toBe(
      'Hashprice fell 5.0% on 5.0% less BTC revenue per day.',
    );
  });

  it('lists the figure each reason rests on', () => {
    expect(drivers({ btcRevenueChangePct: 3, feesBtcChangePct: 20 })?.metricKeys).toEqual([
      'hashprice.change7dPct',
      'hashprice.drivers.btcRevenueChangePct',
      'hashprice.drivers.feesBtcChangePct',
    ]);
    expect(drivers({ btcRevenueChangePct: 3, subsidyBtcChangePct: 1 })?.metricKeys).toEqual([
      'hashprice.change7dPct',
      'hashprice.drivers.btcRevenueChangePct',
      'hashprice.drivers.subsidyBtcChangePct',
    ]);
  });
});

describe('driversSentence: how the factors combine', () => {
  it('lists three factors largest first, and what held a rise back', () => {
    expect(drivers({ avgPriceChangePct: 12, btcRevenueChangePct: 2, hashrateChangePct: 5 })).toEqual({
      text: 'Hashprice rose 8.8% on a 12.0% higher average price and 2.0% more BTC revenue per day, while a 5.0% higher hashrate held it back.',
      metricKeys: [
        'hashprice.change7dPct',
        'hashprice.drivers.avgPriceChangePct',
        'hashprice.drivers.hashrateChangePct',
        'hashprice.drivers.btcRevenueChangePct',
      ],
    });
  });

  it('names a factor of exactly half a percent (as a log change)', () => {
    // log1p(x / 100) × 100 = 0.5 exactly for x = expm1(0.005) × 100 = 0.50125…%.
    expect(drivers({ avgPriceChangePct: Math.expm1(0.005) * 100 })?.text).toBe(
      'Hashprice rose 0.5% on a 0.5% higher average price.',
    );
  });

  it('lists three factors that pushed the same way, commas then "and"', () => {
    // Effects: price log1p(0.12) = 0.113, hashrate −log1p(−0.05) = 0.051, revenue log1p(0.02) = 0.020.
    expect(drivers({ avgPriceChangePct: 12, btcRevenueChangePct: 2, hashrateChangePct: -5 })?.text).toBe(
      'Hashprice rose 20.3% on a 12.0% higher average price, a 5.0% lower hashrate and 2.0% more BTC revenue per day.',
    );
  });

  it('leaves out a factor under half a percent, and says "despite" when every one left worked against the move', () => {
    // Price and revenue +0.4% each (left out), hashrate +0.6%: hashprice still rose 0.2%.
    expect(drivers({ avgPriceChangePct: 0.4, btcRevenueChangePct: 0.4, hashrateChangePct: 0.6 })?.text).toBe(
      'Hashprice rose 0.2% despite a 0.6% higher hashrate.',
    );
  });

  it('calls a move that rounds to zero flat, its factors offsetting each other', () => {
    const all = { ...quiet, avgPriceChangePct: 5, hashrateChangePct: 5 };
    expect(driversSentence(withHashprice({ drivers: all, change7dPct: 0.04 }))?.text).toBe(
      'Hashprice was flat on the week: a 5.0% higher average price and a 5.0% higher hashrate offset each other.',
    );
  });

  it('has no sentence without drivers, a change, or any factor of half a percent', () => {
    expect(driversSentence(withHashprice({ drivers: null, change7dPct: 3 }))).toBeNull();
    expect(
      driversSentence(withHashprice({ drivers: { ...quiet, avgPriceChangePct: 3 }, change7dPct: null })),
    ).toBeNull();
    expect(drivers({ avgPriceChangePct: 0.4, hashrateChangePct: -0.4 })).toBeNull();
  });
});

describe('hashpriceStory', () => {
  it('tells the level in USD and BTC, the week, the standing, the drivers and a different last day', () => {
    const story = hashpriceStory(
      withHashprice({
        usdPerPhDay: 30,
        btcPerPhDay: 0.00034,
        change7dPct: -12,
        lowestSince: '2025-03-14',
        lowestSinceDays: 619,
        spotUsdPerPhDay: 31,
        drivers: { ...quiet, avgPriceChangePct: -12 },
      }),
      AS_OF,
    );
    expect(story).toEqual({
      story: 'hashprice',
      score: 70,
      headline: 'Hashprice at its lowest since March 2025',
      text: 'Hashprice, what 1 PH/s of hashing earns in a day, averaged $30.00/PH/day over the 7 days (0.000340 BTC/PH/day), down 12.0% on the week and its lowest since March 2025. Hashprice fell 12.0% on a 12.0% lower average price. On the last day alone it was $31.00/PH/day.',
      metricKeys: [
        'hashprice.usdPerPhDay',
        'hashprice.btcPerPhDay',
        'hashprice.change7dPct',
        'hashprice.lowestSince',
        'hashprice.lowestSinceDays',
        'hashprice.drivers.avgPriceChangePct',
        'hashprice.spotUsdPerPhDay',
      ],
    });
  });

  it('says just the level when nothing else is known', () => {
    expect(hashpriceStory(withHashprice({}), AS_OF)).toEqual({
      story: 'hashprice',
      score: 40,
      headline: 'Hashprice $30.00/PH/day',
      text: 'Hashprice, what 1 PH/s of hashing earns in a day, averaged $30.00/PH/day over the 7 days.',
      metricKeys: ['hashprice.usdPerPhDay'],
    });
    expect(hashpriceStory(withHashprice({ usdPerPhDay: null }), AS_OF)).toBeNull();
  });

  it('leads with a record low', () => {
    const story = hashpriceStory(withHashprice({ recordLow: true, change7dPct: -3 }), AS_OF);
    expect(story?.score).toBe(90);
    expect(story?.headline).toBe('Hashprice at a record low');
    expect(story?.text).toBe(
      'Hashprice, what 1 PH/s of hashing earns in a day, averaged $30.00/PH/day over the 7 days, down 3.0% on the week and a record low.',
    );
    expect(story?.metricKeys).toContain('hashprice.recordLow');
  });

  it('scores the standing by how far back the last lower day is', () => {
    const cases: [number, number, string][] = [
      [1461, 82, 'Hashprice at its lowest since November 2022'],
      [1460, 70, 'Hashprice at its lowest since November 2022'],
      [365, 70, 'Hashprice at its lowest since November 2025'],
      [364, 50, 'Hashprice $30.00/PH/day'],
      [90, 50, 'Hashprice $30.00/PH/day'],
      [89, 40, 'Hashprice $30.00/PH/day'],
    ];
    for (const [days, score, headline] of cases) {
      const day = new Date(Date.parse(`${AS_OF}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
      const story = hashpriceStory(withHashprice({ lowestSince: day, lowestSinceDays: days }), AS_OF);
      expect(story?.score, `${days} days`).toBe(score);
      expect(story?.headline, `${days} days`).toBe(headline);
    }
    // Under 30 days back there is no standing to tell; nor without the day or the distance.
    const levelOnly = {
      story: 'hashprice',
      score: 40,
      headline: 'Hashprice $30.00/PH/day',
      text: 'Hashprice, what 1 PH/s of hashing earns in a day, averaged $30.00/PH/day over the 7 days.',
      metricKeys: ['hashprice.usdPerPhDay'],
    };
    for (const standing of [
      { lowestSince: '2026-11-01', lowestSinceDays: 22 },
      { lowestSince: null, lowestSinceDays: 400 },
      { lowestSince: '2025-10-19', lowestSinceDays: null },
    ]) {
      expect(hashpriceStory(withHashprice(standing), AS_OF), JSON.stringify(standing)).toEqual(levelOnly);
    }
  });

  it('scores a big week by its size up to 65, and heads with it from 10%', () => {
    expect(hashpriceStory(withHashprice({ change7dPct: -9.9 }), AS_OF)?.headline).toBe(
      'Hashprice $30.00/PH/day',
    );
    expect(hashpriceStory(withHashprice({ change7dPct: -9.9 }), AS_OF)?.score).toBeCloseTo(40 + 14.85, 12);
    expect(hashpriceStory(withHashprice({ change7dPct: 10 }), AS_OF)?.headline).toBe(
      'Hashprice +10.0% on the week',
    );
    expect(hashpriceStory(withHashprice({ change7dPct: -20 }), AS_OF)?.score).toBe(65);
  });

  it('adds the last day only when it differs by more than 3% (2% is not enough)', () => {
    expect(hashpriceStory(withHashprice({ spotUsdPerPhDay: 30.6 }), AS_OF)?.text).not.toContain('last day');
    expect(hashpriceStory(withHashprice({ spotUsdPerPhDay: 29 }), AS_OF)?.text).toContain(
      'On the last day alone it was $29.00/PH/day.',
    );
  });
});
