import { describe, expect, it } from 'vitest';
import { feeSpikeStory, halvingStory } from '../../../src/metrics/stories/events';
import type { Story } from '../../../src/metrics/stories/types';
import type { Metrics } from '../../../src/snapshot/schema';
import { fixtureSnapshot } from '../../fixtures/render/fixture';

const AS_OF = '2026-11-23';
const withHalving = (halving: Partial<Metrics['halving']>): Metrics => {
  const m = structuredClone(fixtureSnapshot().metrics);
  Object.assign(m.halving, {
    blocksToHalving: 2016,
    estimatedDate: '2026-12-07',
    currentSubsidyBtc: 3.125,
    nextSubsidyBtc: 1.5625,
    currentFeesPerBlockBtc: 0.025,
    projectedHashpriceUsdPerPhDay: 25.2,
    projectedHashpriceChangePct: -49.6,
    heightSource: 'mempool-tip',
    previousDate: null,
    daysSincePrevious: null,
    afterPrevious: null,
    ...halving,
  });
  return m;
};
const aftermath = (a: Partial<NonNullable<Metrics['halving']['afterPrevious']>> = {}) => ({
  subsidyBeforeBtc: 6.25,
  subsidyAfterBtc: 3.125,
  daysMeasured: 3,
  revenueBtcPerBlockBefore: 6.35,
  revenueBtcPerBlockAfter: 3.225,
  hashpriceBeforeUsdPerPhDay: 60,
  hashpriceAfterUsdPerPhDay: 31,
  hashpriceChangePct: (31 / 60 - 1) * 100,
  feesPerBlockBeforeBtc: 0.1,
  feesPerBlockAfterBtc: 0.1,
  feesPerBlockToOffsetBtc: 3.225,
  ...a,
});

const behind = (days: number, a = aftermath()) =>
  halvingStory(
    withHalving({
      previousDate: '2026-11-20',
      daysSincePrevious: days,
      afterPrevious: a,
      blocksToHalving: 209_500,
    }),
    AS_OF,
  );
const withFees = (fees: Partial<Metrics['fees']>): Metrics => {
  const m = structuredClone(fixtureSnapshot().metrics);
  Object.assign(m.fees, {
    peakDay: '2026-11-20',
    peakDaySharePct: 27.4,
    peakDayBtcPerBlock: 1.25,
    norm90dSharePct: 1.2,
    norm90dBtcPerBlock: 0.0125,
    peakMultipleOfNorm: 100,
    spike: true,
    ...fees,
  });
  return m;
};

describe('event stories, told whole', () => {
  it.each<{ name: string; build: () => Story | null; told: Story }>([
    {
      name: 'a countdown two weeks ahead, pricing the cut at this week’s fees',
      build: () => halvingStory(withHalving({}), AS_OF),
      told: {
        story: 'halving',
        score: 92,
        headline: 'Halving in about 14 days',
        text: "The halving is 2,016 blocks away (around 7 December 2026): the subsidy drops from 3.125 BTC to 1.5625 BTC per block. At this week's fees (0.0250 BTC per block) and with price and hashrate unchanged, hashprice would fall 49.6% to $25.20/PH/day.",
        metricKeys: [
          'halving.blocksToHalving',
          'halving.estimatedDate',
          'halving.currentSubsidyBtc',
          'halving.nextSubsidyBtc',
          'halving.currentFeesPerBlockBtc',
          'halving.projectedHashpriceChangePct',
          'halving.projectedHashpriceUsdPerPhDay',
        ],
      },
    },
    {
      name: 'the cut in revenue and hashprice three days after, and the fees that would offset it',
      build: () => behind(3),
      told: {
        story: 'halving',
        score: 98,
        headline: 'Halving: subsidy now 3.125 BTC',
        text: 'The halving on 20 November 2026 cut the subsidy from 6.25 BTC to 3.125 BTC per block. Over the 3 days after it, miners earned 3.225 BTC per block, against 6.35 BTC in the week before (−49.2%), and hashprice went from $60.00/PH/day to $31.00/PH/day. Fees would have to average 3.225 BTC per block to make up for the cut; they averaged 0.100 BTC.',
        metricKeys: ['halving.previousDate', 'halving.afterPrevious'],
      },
    },
    {
      name: 'a fee spike: the day, its share and its fees against the norm, scored by the multiple up to 90',
      build: () => feeSpikeStory(withFees({}), AS_OF),
      told: {
        story: 'fee-spike',
        score: 90,
        headline: 'Fee spike: 27% of revenue on 20 November 2026',
        text: "Fees spiked on Friday 20 November 2026: 27.4% of miners' revenue that day, 1.25 BTC per block, 100 times the 90-day median of 0.0125 BTC.",
        metricKeys: [
          'peakDay',
          'peakDaySharePct',
          'peakDayBtcPerBlock',
          'norm90dBtcPerBlock',
          'peakMultipleOfNorm',
        ].map((key) => `fees.${key}`),
      },
    },
  ])('$name', ({ build, told }) => {
    expect(build()).toEqual(told);
  });
});

describe('halvingStory before the halving', () => {
  it('is not told more than two weeks of blocks ahead', () => {
    expect(halvingStory(withHalving({ blocksToHalving: 2017 }), AS_OF)).toBeNull();
  });

  it('says "about" for a height counted from block counts, and leaves out a projection it lacks', () => {
    for (const missing of [
      { projectedHashpriceUsdPerPhDay: null },
      { projectedHashpriceChangePct: null },
      { currentFeesPerBlockBtc: null },
    ]) {
      const story = halvingStory(
        withHalving({ heightSource: 'block-counts', blocksToHalving: 100, ...missing }),
        AS_OF,
      );
      expect(story?.text).toBe(
        'The halving is about 100 blocks away (around 7 December 2026): the subsidy drops from 3.125 BTC to 1.5625 BTC per block.',
      );
      expect(story?.headline).toBe('Halving in about a day');
      expect(story?.metricKeys).toHaveLength(4);
    }
  });

  it('has no countdown without its figures', () => {
    for (const missing of [
      { blocksToHalving: null },
      { estimatedDate: null },
      { currentSubsidyBtc: null },
      { nextSubsidyBtc: null },
    ]) {
      expect(halvingStory(withHalving(missing), AS_OF), JSON.stringify(missing)).toBeNull();
    }
  });
});

describe('halvingStory after the halving', () => {
  it('says "its first full day" for one day, and leaves out a hashprice it lacks', () => {
    const text = behind(1, aftermath({ daysMeasured: 1, hashpriceAfterUsdPerPhDay: null }))?.text;
    expect(text).toContain(
      'On its first full day, miners earned 3.225 BTC per block, against 6.35 BTC in the week before (−49.2%).',
    );
    expect(text).not.toContain('hashprice went');
    expect(behind(1, aftermath({ hashpriceBeforeUsdPerPhDay: null }))?.text).not.toContain('hashprice went');
  });

  it('points to next week before a full day after it has been measured', () => {
    const text = behind(
      0,
      aftermath({ daysMeasured: 0, revenueBtcPerBlockAfter: null, feesPerBlockAfterBtc: null }),
    )?.text;
    expect(text).toBe(
      "The halving on 20 November 2026 cut the subsidy from 6.25 BTC to 3.125 BTC per block. Miners earned 6.35 BTC per block in the week before; the first full day after it is in next week's figures. Fees would have to average 3.225 BTC per block to make up for the cut.",
    );
    expect(behind(0, aftermath({ daysMeasured: 0 }))?.text).toContain("is in next week's figures");
  });

  it('leads strongest in the week after, still strongly up to two weeks, then not at all', () => {
    expect(behind(6)?.score).toBe(98);
    expect(behind(7)?.score).toBe(90);
    expect(behind(14)?.score).toBe(90);
    expect(behind(15)).toBeNull();
    expect(behind(3, aftermath({ feesPerBlockAfterBtc: null }))?.text).toMatch(/to make up for the cut\.$/);
  });

  it('falls back to the countdown without the halving’s day, its distance, or the aftermath', () => {
    const known = { previousDate: '2026-11-20', daysSincePrevious: 3, afterPrevious: aftermath() };
    for (const missing of ['previousDate', 'daysSincePrevious', 'afterPrevious']) {
      const story = halvingStory(withHalving({ ...known, [missing]: null }), AS_OF);
      expect(story?.headline, missing).toBe('Halving in about 14 days');
      expect(story?.score, missing).toBe(92);
    }
  });

  it('tells no fees after it without a revenue after it, whatever the days measured', () => {
    // Three days measured but no revenue figure: the aftermath is not measured, so its fees go unsaid.
    const text = behind(3, aftermath({ revenueBtcPerBlockAfter: null, feesPerBlockAfterBtc: 0.1 }))?.text;
    expect(text).toContain("the first full day after it is in next week's figures.");
    expect(text).toMatch(/Fees would have to average 3\.225 BTC per block to make up for the cut\.$/);
  });
});

describe('feeSpikeStory', () => {
  it('scores a spike 60 plus twice the multiple, and says a multiple under 10 to one decimal, from 10 whole', () => {
    const small = feeSpikeStory(withFees({ peakMultipleOfNorm: 3.46 }), AS_OF);
    expect(small?.score).toBeCloseTo(66.92, 12);
    expect(small?.text).toContain('3.5 times the 90-day median');
    // From 10 times up the multiple is a whole number; 60 + 2 × 10 = 80.
    const ten = feeSpikeStory(withFees({ peakMultipleOfNorm: 10 }), AS_OF);
    expect(ten?.text).toContain(', 10 times the 90-day median');
    expect(ten?.score).toBe(80);
    expect(feeSpikeStory(withFees({ peakMultipleOfNorm: 9.96 }), AS_OF)?.text).toContain(', 10.0 times');
  });

  it('is no story without a spike or any of its figures', () => {
    expect(feeSpikeStory(withFees({ spike: false }), AS_OF)).toBeNull();
    // Every fee figure but the norm's share, which the story does not tell.
    const figures = Object.keys(withFees({}).fees).filter((figure) => figure !== 'norm90dSharePct');
    expect(figures).toHaveLength(6);
    for (const figure of figures) {
      expect(feeSpikeStory(withFees({ [figure]: null }), AS_OF), figure).toBeNull();
    }
  });
});
