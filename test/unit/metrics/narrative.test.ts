import { describe, expect, it } from 'vitest';
import { buildNarrative, candidateStories, selectStories } from '../../../src/metrics/narrative';
import { halvingCountdown } from '../../../src/metrics/stories/events';
import { driversSentence } from '../../../src/metrics/stories/hashprice';
import { article, inIssueWeek, type Story } from '../../../src/metrics/stories/types';
import type { BreakevenTier, Metrics } from '../../../src/snapshot/schema';
import { fixtureSnapshot } from '../../fixtures/render/fixture';

const AS_OF = '2026-11-23';
const base = (): Metrics => structuredClone(fixtureSnapshot().metrics);

/** Resolves a dotted key against the metrics; undefined when the path does not exist. */
function at(m: Metrics, key: string): unknown {
  return key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], m);
}

function story(m: Metrics, kind: string): Story | undefined {
  return candidateStories(m, AS_OF).find((s) => s.story === kind);
}

describe('story selection', () => {
  it('tells 3 to 6 stories, strongest first, every key resolvable in the snapshot', () => {
    const m = base();
    const told = buildNarrative(m, AS_OF);
    expect(told.length).toBeGreaterThanOrEqual(3);
    expect(told.length).toBeLessThanOrEqual(6);
    const scores = told.map((t) => candidateStories(m, AS_OF).find((c) => c.text === t.text)?.score ?? -1);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    for (const t of told) for (const key of t.metricKeys) expect(at(m, key), key).not.toBeUndefined();
  });

  it('leads with the halving within two weeks of it, ahead of a record low', () => {
    const m = base();
    Object.assign(m.halving, {
      previousDate: '2026-11-20',
      daysSincePrevious: 3,
      afterPrevious: {
        subsidyBeforeBtc: 3.125,
        subsidyAfterBtc: 1.5625,
        daysMeasured: 3,
        revenueBtcPerBlockBefore: 3.2,
        revenueBtcPerBlockAfter: 1.64,
        hashpriceBeforeUsdPerPhDay: 40,
        hashpriceAfterUsdPerPhDay: 20.5,
        hashpriceChangePct: -48.75,
        feesPerBlockBeforeBtc: 0.075,
        feesPerBlockAfterBtc: 0.0775,
        feesPerBlockToOffsetBtc: 1.6375,
      },
    });
    const [lead] = buildNarrative(m, AS_OF);
    expect(lead?.story).toBe('halving');
    expect(lead?.headline).toBe('Halving: subsidy now 1.5625 BTC');
    expect(lead?.text).toContain('cut the subsidy from 3.125 BTC to 1.5625 BTC per block');
    expect(lead?.text).toContain('hashprice went from $40.00/PH/day to $20.50/PH/day');
    expect(lead?.text).toContain(
      'Fees would have to average 1.6375 BTC per block to make up for the cut; they averaged 0.0775 BTC.',
    );
  });

  it('fills up to three with supporting stories in a quiet week', () => {
    const quiet = selectStories([
      { story: 'a', score: 40, headline: 'a', text: 'a', metricKeys: ['x'] },
      { story: 'b', score: 30, headline: 'b', text: 'b', metricKeys: ['x'] },
      { story: 'c', score: 28, headline: 'c', text: 'c', metricKeys: ['x'] },
      { story: 'd', score: 20, headline: 'd', text: 'd', metricKeys: ['x'] },
    ]);
    expect(quiet.map((s) => s.story)).toEqual(['a', 'b', 'c']);
  });
});

describe('hashprice story', () => {
  it('explains the move by its drivers, naming what softened it', () => {
    const m = base();
    // (1 − 11.3%)(1 − 3.1%) ÷ (1 − 4.6%) = −9.9%
    m.hashprice.change7dPct = ((0.887 * 0.969) / 0.954 - 1) * 100;
    m.hashprice.drivers = {
      avgPriceChangePct: -11.3,
      btcRevenueChangePct: -3.1,
      subsidyBtcChangePct: -3.2,
      feesBtcChangePct: 1,
      hashrateChangePct: -4.6,
    };
    const d = driversSentence(m);
    expect(d?.text).toBe(
      'Hashprice fell 9.9% on an 11.3% lower average price and 3.1% less BTC revenue per day (fewer blocks mined), while a 4.6% lower hashrate softened the fall.',
    );
    expect(d?.metricKeys).toEqual(
      expect.arrayContaining(['hashprice.drivers.avgPriceChangePct', 'hashprice.drivers.hashrateChangePct']),
    );
  });

  it('says "lowest since" only for a gap of 30 days or more, naming the month for long gaps', () => {
    const m = base();
    Object.assign(m.hashprice, { recordLow: false, lowestSince: '2026-11-22', lowestSinceDays: 1 });
    expect(story(m, 'hashprice')?.text).not.toMatch(/lowest/);
    Object.assign(m.hashprice, { lowestSince: '2026-10-01', lowestSinceDays: 53 });
    expect(story(m, 'hashprice')?.text).toContain('its lowest in 53 days');
    Object.assign(m.hashprice, { lowestSince: '2025-03-14', lowestSinceDays: 619 });
    expect(story(m, 'hashprice')?.text).toContain('its lowest since March 2025');
    expect(story(m, 'hashprice')?.headline).toBe('Hashprice at its lowest since March 2025');
  });

  it('adds the latest day when it differs from the 7-day average by more than 3%', () => {
    const m = base();
    m.hashprice.spotUsdPerPhDay = m.hashprice.usdPerPhDay ?? 0;
    expect(story(m, 'hashprice')?.text).not.toContain('last day alone');
    m.hashprice.spotUsdPerPhDay = (m.hashprice.usdPerPhDay ?? 0) * 1.2;
    expect(story(m, 'hashprice')?.text).toContain('On the last day alone it was $32.72/PH/day.');
  });
});

describe('miner squeeze story', () => {
  function withUnderwater(count: number): string {
    const m = base();
    m.miners.breakeven = [13.5, 17.5, 21.5, 29.5].map(
      (jPerTh, i): BreakevenTier => ({
        model: `M${i + 1}`,
        jPerTh,
        breakevenUsdPerKwh: 0.05,
        underwater: i >= 4 - count,
      }),
    );
    return story(m, 'miner-squeeze')?.text ?? '';
  }

  it('counts machine types, not a share of the fleet, and calls the power price an assumption', () => {
    expect(withUnderwater(0)).toContain(
      'At an assumed power price of $0.060/kWh, none of the 4 modelled machine types loses money',
    );
    expect(withUnderwater(1)).toContain('1 of 4 modelled machine types loses money on power alone (M4)');
    expect(withUnderwater(2)).toContain('2 of 4 modelled machine types lose money on power alone (M3, M4)');
    expect(withUnderwater(4)).toContain('all 4 modelled machine types lose money');
    expect(withUnderwater(2)).not.toMatch(/% of the (modelled )?fleet/);
  });
});

describe('difficulty stories', () => {
  it('tells an adjustment of the week, how rare it is, and the next estimate with its caveat', () => {
    const m = base();
    Object.assign(m.difficulty, {
      lastAdjustmentDate: '2026-11-20',
      lastAdjustmentPct: -7.48,
      lastAdjustmentAtLeast: false,
      lastAdjustmentLargestSince: '2021-07-03',
      nextAdjustmentPct: 4.1,
      nextAdjustmentDate: '2026-12-04',
      nextAdjustmentSource: 'block-timing',
      epochProgressPct: 14,
      nextAdjustmentMarginPct: 12.6,
      nextAdjustmentEarly: true,
    });
    const s = story(m, 'difficulty-adjustment');
    expect(s?.text).toBe(
      'Difficulty fell 7.5% on 20 November 2026, the largest cut since July 2021. Early in the epoch (14% of its blocks mined), the next adjustment, around 4 December 2026, is estimated at +4.1% from block times so far, but block luck alone could move that by ±12.6%.',
    );
    expect(story(m, 'difficulty-next')).toBeUndefined();
  });

  it('does not tell an adjustment from before the issue’s week', () => {
    const m = base();
    Object.assign(m.difficulty, { lastAdjustmentDate: '2026-11-10', lastAdjustmentPct: -7 });
    expect(story(m, 'difficulty-adjustment')).toBeUndefined();
  });
});

describe('fee spike story', () => {
  it('names the day and compares it with the 90-day norm', () => {
    const m = base();
    Object.assign(m.fees, {
      peakDay: '2024-04-20',
      peakDaySharePct: 74.8,
      peakDayBtcPerBlock: 9.281,
      norm90dBtcPerBlock: 0.301,
      peakMultipleOfNorm: 30.8,
      spike: true,
    });
    expect(story(m, 'fee-spike')?.text).toBe(
      "Fees spiked on Saturday 20 April 2024: 74.8% of miners' revenue that day, 9.281 BTC per block, 31 times the 90-day median of 0.301 BTC.",
    );
  });
});

describe('halving countdown headline', () => {
  // Days are blocks ÷ 144, rounded: 71 blocks is 0.49 of a day, 72 is half a day (1), 216 is 1.5 (2).
  it.each([
    [50, 'Halving within a day'],
    [71, 'Halving within a day'],
    [72, 'Halving in about a day'],
    [215, 'Halving in about a day'],
    [216, 'Halving in about 2 days'],
    [1_948, 'Halving in about 14 days'],
  ])('reads naturally %i blocks ahead', (blocks, headline) => {
    expect(halvingCountdown(blocks)).toBe(headline);
  });
});

describe('story selection: how many', () => {
  const s = (story: string, score: number): Story => ({
    story,
    score,
    headline: story,
    text: story,
    metricKeys: ['x'],
  });

  it('tells every story scoring 45 or more, up to six', () => {
    expect(
      selectStories([s('a', 90), s('b', 60), s('c', 50), s('d', 45), s('e', 44.9), s('f', 30)]).map(
        (x) => x.story,
      ),
    ).toEqual(['a', 'b', 'c', 'd']);
    const eight = Array.from({ length: 8 }, (_, i) => s(`n${i}`, 80 - i));
    expect(selectStories(eight)).toHaveLength(6);
  });

  it('keeps the builders’ order between stories of equal score', () => {
    const m = base();
    // The price story with no change scores 35, as does a fleet with no machine under water.
    Object.assign(m.price, { change7dPct: null, athDate: '2025-10-06' });
    Object.assign(m.miners, {
      breakeven: m.miners.breakeven.map((t) => ({ ...t, underwater: false })),
    });
    const order = candidateStories(m, AS_OF)
      .filter((c) => c.score === 35)
      .map((c) => c.story);
    expect(order).toEqual(['price', 'miner-squeeze']);
  });
});

describe('inIssueWeek and article', () => {
  it('counts the as-of day and the six days before it, and nothing else', () => {
    expect(inIssueWeek(AS_OF, AS_OF)).toBe(true);
    expect(inIssueWeek('2026-11-17', AS_OF)).toBe(true);
    expect(inIssueWeek('2026-11-16', AS_OF)).toBe(false);
    expect(inIssueWeek('2026-11-24', AS_OF)).toBe(false);
    expect(inIssueWeek(null, AS_OF)).toBe(false);
  });

  it('says "an" before 8…, 11 and 18, and "a" otherwise', () => {
    for (const text of ['8.1%', '80.0%', '11.2%', '18%', '11']) expect(article(text), text).toBe('an');
    for (const text of ['28%', '1,100', '180%', '1.8%', '110']) expect(article(text), text).toBe('a');
  });
});
