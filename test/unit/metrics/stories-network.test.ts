import { describe, expect, it } from 'vitest';
import {
  difficultyAdjustmentStory,
  difficultyNextStory,
  nextAdjustmentClause,
} from '../../../src/metrics/stories/difficulty';
import {
  aiEconomicsStory,
  minerSqueezeStory,
  poolsStory,
  rewardsStory,
  securityStory,
} from '../../../src/metrics/stories/network';
import type { Story } from '../../../src/metrics/stories/types';
import type { Metrics } from '../../../src/snapshot/schema';
import { fixtureSnapshot } from '../../fixtures/render/fixture';

const AS_OF = '2026-11-23';
const metrics = (): Metrics => structuredClone(fixtureSnapshot().metrics);
const set = <K extends keyof Metrics>(key: K, values: Partial<Metrics[K]>): Metrics => {
  const m = metrics();
  Object.assign(m[key], values);
  return m;
};

const top = [{ name: 'Foundry USA', slug: 'foundryusa', blocks: 320, sharePct: 31.7 }];
const tier = (model: string, jPerTh: number, underwater: boolean | null) => ({
  model,
  jPerTh,
  breakevenUsdPerKwh: 0.05,
  underwater,
});
const squeeze = (breakeven: Metrics['miners']['breakeven'], revenue: number | null = 100) =>
  minerSqueezeStory(
    set('miners', { powerPriceUsdPerKwh: 0.06, breakeven, miningRevenueUsdPerMwh: revenue }),
    AS_OF,
  );
const ai = (aiPremiumPct: number | null, aiHostingUsdPerMwh: number | null = 190) =>
  aiEconomicsStory(set('miners', { aiHostingUsdPerMwh, miningRevenueUsdPerMwh: 100, aiPremiumPct }), AS_OF);
const rewards = (revenue: Partial<Metrics['revenue']>, blocks: Partial<Metrics['blocks']> = {}) => {
  const m = set('revenue', { btcTotal7d: 3_220, usdTotal7d: 300e6, feeSharePct7d: 2.2, ...revenue });
  Object.assign(m.blocks, { count7d: 1_008, meanIntervalSeconds7d: 600, ...blocks });
  return rewardsStory(m, AS_OF);
};
const adjusted = (difficulty: Partial<Metrics['difficulty']>) =>
  difficultyAdjustmentStory(
    set('difficulty', {
      lastAdjustmentDate: '2026-11-20',
      lastAdjustmentPct: -7.48,
      lastAdjustmentAtLeast: false,
      lastAdjustmentLargestSince: null,
      nextAdjustmentPct: null,
      nextAdjustmentDate: null,
      ...difficulty,
    }),
    AS_OF,
  );
const nextBase: Partial<Metrics['difficulty']> = {
  lastAdjustmentDate: '2026-11-10',
  nextAdjustmentPct: -6.2,
  nextAdjustmentDate: '2026-11-28',
  nextAdjustmentSource: 'mempool',
  epochProgressPct: 60,
  nextAdjustmentMarginPct: 5.4,
  nextAdjustmentEarly: false,
};
const next = (difficulty: Partial<Metrics['difficulty']>) =>
  difficultyNextStory(set('difficulty', { ...nextBase, ...difficulty }), AS_OF);

describe('each supporting story, told whole for a full week', () => {
  const fullSecurity = {
    budgetUsdPerDay: 40e6,
    budgetAnnualPctOfMarketCap: 0.7,
    attackCostUsdPerHour: 40e6 / 24,
    capexAttackHardwareUsd: 15e9,
  };
  it.each<{ name: string; build: () => Story | null; told: Story }>([
    {
      name: 'pools: the largest pool and the pools past half, a share over 30% as news',
      build: () =>
        poolsStory(
          set('pools', { top, topPoolSharePct: 31.7, nakamotoCoefficient: 2, previousWeek: null }),
          AS_OF,
        ),
      told: {
        story: 'pools',
        score: 50,
        headline: 'Foundry USA 31.7% of blocks',
        text: "Foundry USA mined 31.7% of the week's blocks, and 2 pools together mined more than half.",
        metricKeys: ['pools.top', 'pools.topPoolSharePct', 'pools.nakamotoCoefficient'],
      },
    },
    {
      name: 'security: the budget, its share of market value, the hour of revenue and the machines',
      build: () => securityStory(set('security', fullSecurity), AS_OF),
      told: {
        story: 'security',
        score: 28,
        headline: 'Security budget $40.0 million a day',
        text: "The security budget, what miners earn, was $40.0 million a day (0.70% of bitcoin's market value a year); matching the network's hashrate for an hour would forgo about $1.7 million of that revenue, and buying the machines would cost about $15.00 billion at an assumed price per TH/s.",
        metricKeys: [
          'security.budgetUsdPerDay',
          'security.budgetAnnualPctOfMarketCap',
          'security.attackCostUsdPerHour',
          'security.capexAttackHardwareUsd',
        ],
      },
    },
    {
      name: 'miner squeeze: the types under water and the most efficient, wherever it is listed',
      build: () => squeeze([tier('S19', 29.5, true), tier('S21 XP', 13.5, false), tier('S21', 17.5, false)]),
      told: {
        story: 'miner-squeeze',
        score: 43,
        headline: '1 of 3 machine types underwater',
        text: 'At an assumed power price of $0.060/kWh, 1 of 3 modelled machine types loses money on power alone (S19); the most efficient, the S21 XP at 13.5 J/TH, earns about $100 per MWh from mining.',
        metricKeys: ['miners.powerPriceUsdPerKwh', 'miners.breakeven', 'miners.miningRevenueUsdPerMwh'],
      },
    },
    {
      name: 'AI economics: a lease paying 90% more than mining',
      build: () => ai(90),
      told: {
        story: 'ai-economics',
        score: 40,
        headline: 'AI hosting pays more than mining',
        text: 'An AI/HPC hosting lease, at an assumed $190 per MWh, pays 90.0% more than the most efficient machine earns from mining.',
        metricKeys: ['miners.aiHostingUsdPerMwh', 'miners.miningRevenueUsdPerMwh', 'miners.aiPremiumPct'],
      },
    },
    {
      name: 'rewards: the week’s rewards, blocks, block time and fee share',
      build: () => rewards({}),
      told: {
        story: 'rewards',
        score: 32,
        headline: 'Miners earned 3,220 BTC',
        text: 'Miners earned 3,220 BTC ($300.0 million) over the 7 days from 1,008 blocks, one every 10 min 0 s on average; fees were 2.2% of it.',
        metricKeys: [
          'revenue.btcTotal7d',
          'revenue.usdTotal7d',
          'blocks.count7d',
          'blocks.meanIntervalSeconds7d',
          'revenue.feeSharePct7d',
        ],
      },
    },
    {
      name: 'difficulty adjustment: a cut of 5% or more with no larger one, the largest on record',
      build: () => adjusted({}),
      told: {
        story: 'difficulty-adjustment',
        score: 35 + 7.48 * 3 + 20,
        headline: 'Difficulty −7.5%',
        text: 'Difficulty fell 7.5% on 20 November 2026, the largest cut on record.',
        metricKeys: [
          'difficulty.lastAdjustmentDate',
          'difficulty.lastAdjustmentPct',
          'difficulty.lastAdjustmentLargestSince',
        ],
      },
    },
    {
      name: 'next adjustment: a confident estimate with its source, progress and block-luck range',
      build: () => next({}),
      told: {
        story: 'difficulty-next',
        score: 55,
        headline: 'Difficulty −6.2% expected',
        text: 'The next adjustment, around 28 November 2026, is estimated at −6.2% by mempool.space (60% of the epoch mined; block luck alone: ±5.4%).',
        metricKeys: [
          'difficulty.nextAdjustmentPct',
          'difficulty.nextAdjustmentDate',
          'difficulty.nextAdjustmentSource',
          'difficulty.epochProgressPct',
          'difficulty.nextAdjustmentMarginPct',
          'difficulty.nextAdjustmentEarly',
        ],
      },
    },
  ])('$name', ({ build, told }) => {
    expect(build()).toEqual(told);
  });
});

describe('poolsStory', () => {
  it('scores a share of 30% as no news, and leaves out the pools past half it does not know', () => {
    expect(
      poolsStory(set('pools', { top, topPoolSharePct: 30, nakamotoCoefficient: null }), AS_OF),
    ).toMatchObject({
      score: 25,
      text: "Foundry USA mined 30.0% of the week's blocks.",
      metricKeys: ['pools.top', 'pools.topPoolSharePct'],
    });
  });

  it('says one pool in the singular, and a change from the week before', () => {
    const previousWeek = { issueId: '2026-11-16', hhi: 1500, nakamotoCoefficient: 2, topPoolSharePct: 29 };
    const story = poolsStory(
      set('pools', { top, topPoolSharePct: 51, nakamotoCoefficient: 1, previousWeek }),
      AS_OF,
    );
    expect(story?.text).toBe(
      "Foundry USA mined 51.0% of the week's blocks, and 1 pool together mined more than half (2 the week before).",
    );
    expect(story?.score).toBe(55);
    expect(story?.metricKeys).toContain('pools.previousWeek');
    const same = poolsStory(
      set('pools', { top, topPoolSharePct: 20, nakamotoCoefficient: 2, previousWeek }),
      AS_OF,
    );
    expect(same?.text).not.toContain('the week before');
    expect(same?.score).toBe(25);
  });

  it('is no story without pools', () => {
    expect(poolsStory(set('pools', { top: [], topPoolSharePct: 31.7 }), AS_OF)).toBeNull();
    expect(poolsStory(set('pools', { top, topPoolSharePct: null }), AS_OF)).toBeNull();
  });
});

describe('securityStory', () => {
  it('leaves out the share of market value and the machines it does not know', () => {
    const bare = securityStory(
      set('security', {
        budgetUsdPerDay: 40e6,
        budgetAnnualPctOfMarketCap: null,
        attackCostUsdPerHour: 40e6 / 24,
        capexAttackHardwareUsd: null,
      }),
      AS_OF,
    );
    expect(bare?.text).toBe(
      "The security budget, what miners earn, was $40.0 million a day; matching the network's hashrate for an hour would forgo about $1.7 million of that revenue.",
    );
  });

  it('is no story without a budget', () => {
    expect(securityStory(set('security', { budgetUsdPerDay: null }), AS_OF)).toBeNull();
    expect(
      securityStory(set('security', { budgetUsdPerDay: 1, attackCostUsdPerHour: null }), AS_OF),
    ).toBeNull();
  });
});

describe('minerSqueezeStory', () => {
  it('says none, two, or all, and caps the score at 60', () => {
    expect(squeeze([tier('A', 20, false), tier('B', 30, false)])?.text).toContain(
      'none of the 2 modelled machine types loses money on power alone;',
    );
    expect(squeeze([tier('A', 20, false), tier('B', 30, false)])?.score).toBe(35);
    expect(squeeze([tier('A', 20, false), tier('B', 30, true), tier('C', 40, true)])?.text).toContain(
      '2 of 3 modelled machine types lose money on power alone (B, C);',
    );
    const all = squeeze(['A', 'B', 'C', 'D'].map((name, i) => tier(name, 20 + i, true)));
    expect(all?.text).toContain('all 4 modelled machine types lose money on power alone;');
    expect(all?.score).toBe(60);
  });

  it('names the first listed of two equally efficient machines', () => {
    expect(squeeze([tier('S21', 17.5, false), tier('T21', 17.5, false)])?.text).toContain(
      'the most efficient, the S21 at 17.5 J/TH,',
    );
  });

  it('is no story without a revenue per MWh, a fleet, or a verdict for every tier', () => {
    expect(squeeze([tier('A', 20, false)], null)).toBeNull();
    expect(squeeze([])).toBeNull();
    expect(squeeze([tier('A', 20, false), tier('B', 30, null)])).toBeNull();
  });
});

describe('aiEconomicsStory', () => {
  it('says which pays more per MWh, and scores a premium of 50% or more higher', () => {
    expect(ai(50)?.score).toBe(40);
    expect(ai(49.9)?.score).toBe(26);
    expect(ai(0)?.text).toBe(
      'Mining still pays more per MWh than the $190 assumed for an AI/HPC hosting lease (0.0% more).',
    );
    expect(ai(-20)?.text).toBe(
      'Mining still pays more per MWh than the $190 assumed for an AI/HPC hosting lease (20.0% more).',
    );
  });

  it('is no story without an AI rate or a premium', () => {
    expect(ai(90, null)).toBeNull();
    expect(ai(null)).toBeNull();
    expect(
      aiEconomicsStory(
        set('miners', { aiHostingUsdPerMwh: 190, miningRevenueUsdPerMwh: null, aiPremiumPct: 90 }),
        AS_OF,
      ),
    ).toBeNull();
  });
});

describe('rewardsStory', () => {
  it('ends after the block time without a fee share', () => {
    expect(rewards({ feeSharePct7d: null })?.text).toMatch(/on average\.$/);
  });

  it('is no story without any of its figures', () => {
    expect(rewards({ btcTotal7d: null })).toBeNull();
    expect(rewards({ usdTotal7d: null })).toBeNull();
    expect(rewards({}, { count7d: null })).toBeNull();
    expect(rewards({}, { meanIntervalSeconds7d: null })).toBeNull();
  });
});

describe('difficulty stories: the adjustment of the week', () => {
  it('calls a rise of 5% or more with no larger one the largest on record, and scores it', () => {
    expect(adjusted({ lastAdjustmentPct: 12 })?.text).toBe(
      'Difficulty rose 12.0% on 20 November 2026, the largest rise on record.',
    );
    expect(adjusted({ lastAdjustmentPct: 12 })?.score).toBe(35 + 30 + 20);
  });

  it('says "at least" for a size known only as a lower bound', () => {
    const story = adjusted({ lastAdjustmentAtLeast: true });
    expect(story?.text).toBe(
      'Difficulty fell by at least 7.5% on 20 November 2026, already the largest cut on record.',
    );
    expect(story?.metricKeys).toContain('difficulty.lastAdjustmentAtLeast');
  });

  it('names the larger move before it from 90 days back, and scores one a year back or more', () => {
    expect(adjusted({ lastAdjustmentLargestSince: '2025-11-20' })).toMatchObject({
      score: 35 + 7.48 * 3 + 15,
      text: 'Difficulty fell 7.5% on 20 November 2026, the largest cut since November 2025.',
    });
    expect(adjusted({ lastAdjustmentLargestSince: '2025-11-21' })?.score).toBe(35 + 7.48 * 3);
    expect(adjusted({ lastAdjustmentLargestSince: '2025-11-20', lastAdjustmentAtLeast: true })?.text).toBe(
      'Difficulty fell by at least 7.5% on 20 November 2026, already the largest cut since November 2025.',
    );
    expect(adjusted({ lastAdjustmentLargestSince: '2026-10-01' })?.text).toBe(
      'Difficulty fell 7.5% on 20 November 2026.',
    );
  });

  it('tells no rarity under 5%, and no adjustment from before the week', () => {
    const small = adjusted({ lastAdjustmentPct: 4.9 });
    expect(small?.text).toBe('Difficulty rose 4.9% on 20 November 2026.');
    expect(small?.score).toBeCloseTo(35 + 14.7, 12);
    expect(small?.metricKeys).toEqual(['difficulty.lastAdjustmentDate', 'difficulty.lastAdjustmentPct']);
    expect(adjusted({ lastAdjustmentPct: -5 })?.text).toContain('the largest cut on record');
    expect(adjusted({ lastAdjustmentDate: '2026-11-16' })).toBeNull();
    expect(adjusted({ lastAdjustmentPct: null })).toBeNull();
  });

  it('says an unchanged difficulty rose 0.0%, and names no larger move from under a month back', () => {
    expect(adjusted({ lastAdjustmentPct: 0 })?.text).toBe('Difficulty rose 0.0% on 20 November 2026.');
    // The retarget before, 14 days back, was larger: too recent for "the largest since …".
    expect(adjusted({ lastAdjustmentLargestSince: '2026-11-06' })?.text).toBe(
      'Difficulty fell 7.5% on 20 November 2026.',
    );
  });

  it('leaves out a next estimate without its size', () => {
    const story = adjusted({ nextAdjustmentPct: null, nextAdjustmentDate: '2026-12-04' });
    expect(story?.text).toBe('Difficulty fell 7.5% on 20 November 2026, the largest cut on record.');
    const sizeless = { ...metrics().difficulty, nextAdjustmentPct: null, nextAdjustmentDate: '2026-12-04' };
    expect(nextAdjustmentClause(sizeless)).toBeNull();
  });
});

describe('difficulty stories: the next adjustment', () => {
  it('scores a confident cut of 5% or more, a confident rise of 8% or more, and nothing early', () => {
    expect(next({ nextAdjustmentPct: -5 })?.score).toBe(55);
    expect(next({ nextAdjustmentPct: -4.9 })?.score).toBe(30);
    expect(next({ nextAdjustmentPct: 8 })?.score).toBe(45);
    expect(next({ nextAdjustmentPct: 7.9 })?.score).toBe(30);
    expect(next({ nextAdjustmentEarly: true })?.score).toBe(30);
    expect(next({ nextAdjustmentEarly: true, nextAdjustmentPct: 9 })?.score).toBe(30);
  });

  it('is not told in a week with an adjustment of its own, nor without an estimate', () => {
    expect(next({ lastAdjustmentDate: '2026-11-20' })).toBeNull();
    expect(next({ nextAdjustmentPct: null })).toBeNull();
    expect(next({ nextAdjustmentDate: null })).toBeNull();
    expect(next({ lastAdjustmentDate: null })?.story).toBe('difficulty-next');
  });
});

describe('nextAdjustmentClause', () => {
  const d = (over: Partial<Metrics['difficulty']>) => ({ ...metrics().difficulty, ...over });

  it('says where the estimate comes from, and leaves out a range it does not have', () => {
    const clause = nextAdjustmentClause(
      d({
        nextAdjustmentPct: 3,
        nextAdjustmentDate: '2026-12-01',
        nextAdjustmentSource: 'block-timing',
        epochProgressPct: null,
        nextAdjustmentMarginPct: 4,
      }),
    );
    expect(clause).toEqual({
      text: 'the next adjustment, around 1 December 2026, is estimated at +3.0% from block times so far',
      keys: [
        'difficulty.nextAdjustmentPct',
        'difficulty.nextAdjustmentDate',
        'difficulty.nextAdjustmentSource',
      ],
    });
    expect(
      nextAdjustmentClause(
        d({
          nextAdjustmentPct: 3,
          nextAdjustmentDate: '2026-12-01',
          epochProgressPct: 50,
          nextAdjustmentMarginPct: null,
        }),
      )?.keys,
    ).toHaveLength(3);
  });

  it('puts an estimate early in the epoch behind its caveat, with the range block luck alone allows', () => {
    const clause = nextAdjustmentClause(
      d({
        nextAdjustmentPct: -3,
        nextAdjustmentDate: '2026-12-01',
        nextAdjustmentSource: 'mempool',
        epochProgressPct: 12.4,
        nextAdjustmentMarginPct: 9.87,
        nextAdjustmentEarly: true,
      }),
    );
    expect(clause).toEqual({
      text: 'early in the epoch (12% of its blocks mined), the next adjustment, around 1 December 2026, is estimated at −3.0% by mempool.space, but block luck alone could move that by ±9.9%',
      keys: [
        ...['Pct', 'Date', 'Source'].map((k) => `difficulty.nextAdjustment${k}`),
        ...['epochProgressPct', 'nextAdjustmentMarginPct', 'nextAdjustmentEarly'].map(
          (k) => `difficulty.${k}`,
        ),
      ],
    });
  });

  it('follows the adjustment of the week with the next estimate, as a sentence of its own', () => {
    const story = adjusted({
      nextAdjustmentPct: 2,
      nextAdjustmentDate: '2026-12-04',
      nextAdjustmentSource: 'block-timing',
      epochProgressPct: null,
    });
    expect(story?.text).toBe(
      'Difficulty fell 7.5% on 20 November 2026, the largest cut on record. The next adjustment, around 4 December 2026, is estimated at +2.0% from block times so far.',
    );
    expect(story?.metricKeys.slice(3)).toEqual([
      'difficulty.nextAdjustmentPct',
      'difficulty.nextAdjustmentDate',
      'difficulty.nextAdjustmentSource',
    ]);
  });
});
