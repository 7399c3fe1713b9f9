/**
 * Golden weeks: real history read as a reader would, one issue per notable week (halvings, difficulty
 * cuts, fee spikes, crashes, record lows, all-time highs). Each asserts the lead story, and every claim
 * in the narrative and alerts is checked against the Coin Metrics CSV with naive arithmetic of its own.
 * Then the whole plain-text issue is held to the wording rules (no "unavailable", no internal ids, one
 * sign and one precision per unit).
 */
import { describe, expect, it } from 'vitest';
import { defaultAssumptions } from '../../../src/metrics/assumptions';
import { createMetricsHistory } from '../../../src/metrics/history';
import { buildSnapshot } from '../../../src/metrics/snapshot';
import { buildIssueModel } from '../../../src/render/model';
import { renderText } from '../../../src/render/text';
import type { Snapshot } from '../../../src/snapshot/schema';
import { MONTHS } from '../../../src/text/dates';
import { inputsFor } from '../../fixtures/metrics/builders';
import { fixtureFooter, fixtureLinks } from '../../fixtures/render/fixture';
import {
  NaiveHistory,
  noteIfAbsent,
  parseLongDate,
  realDataPresent,
  realSeries,
} from '../../support/real-history';

noteIfAbsent('golden-week tests');

const HALVINGS = ['2012-11-28', '2016-07-09', '2020-05-11', '2024-04-20'];

interface Golden {
  day: string;
  lead: string;
  why: string;
  check?: (s: Snapshot, words: string) => void;
}

const GOLDEN: Golden[] = [
  {
    day: '2012-11-28',
    lead: 'halving',
    why: 'the first halving, mid-day',
    check: (s) => expect(s.narrative.map((n) => n.text).join(' ')).not.toMatch(/halving is about/),
  },
  {
    day: '2024-04-06',
    lead: 'halving',
    why: 'two weeks before the 2024 halving: the countdown and what it will do to hashprice',
    check: (s) =>
      expect(s.narrative[0]?.text).toMatch(
        /^The halving is about 1,9\d\d blocks away \(around 20 April 2024\).*hashprice would fall 4\d\.\d% to/,
      ),
  },
  { day: '2016-07-10', lead: 'halving', why: 'the day after the second halving' },
  {
    day: '2020-05-12',
    lead: 'halving',
    why: 'the third halving; the subsidy cut explains the move',
    check: (s) => expect(s.narrative.map((n) => n.text).join(' ')).toContain('(the halving cut the subsidy)'),
  },
  {
    day: '2024-04-20',
    lead: 'halving',
    why: 'halving day and the Runes launch: fees 75% of revenue',
    check: (s) => {
      const stories = s.narrative.map((n) => n.story);
      expect(stories).toContain('fee-spike');
      expect(s.narrative.find((n) => n.story === 'fee-spike')?.text).toMatch(
        /^Fees spiked on Saturday 20 April 2024: 74\.8% of miners' revenue/,
      );
    },
  },
  {
    day: '2024-04-27',
    lead: 'halving',
    why: 'hashprice down 39.6%: the reason is the halving',
    check: (s) =>
      expect(s.narrative.find((n) => n.story === 'hashprice')?.text).toMatch(
        /down 39\.6% on the week.*\(the halving cut the subsidy\)/,
      ),
  },
  {
    day: '2021-07-04',
    lead: 'difficulty-adjustment',
    why: 'the largest difficulty cut on record (China ban)',
    check: (s) => expect(s.narrative[0]?.text).toContain('the largest cut on record'),
  },
  {
    day: '2025-07-01',
    lead: 'difficulty-adjustment',
    why: 'the largest cut since July 2021',
    check: (s) => expect(s.narrative[0]?.text).toContain('the largest cut since July 2021'),
  },
  {
    day: '2023-05-08',
    lead: 'fee-spike',
    why: 'the BRC-20 fee wave, and no alert on an early-epoch forecast',
    check: (s) => expect(s.alerts.map((a) => a.id)).not.toContain('difficulty-drop'),
  },
  {
    day: '2020-03-13',
    lead: 'hashprice',
    why: 'the March 2020 crash set a record low',
    check: (s) => expect(s.alerts.map((a) => `${a.id}:${a.severity}`)).toContain('hashprice-low:critical'),
  },
  { day: '2022-11-13', lead: 'hashprice', why: 'the FTX crash: a record low' },
  { day: '2025-11-22', lead: 'hashprice', why: 'the 2025 bear market: a record low' },
  {
    day: '2025-10-06',
    lead: 'price-ath',
    why: 'a price all-time high: no hashprice-low alert',
    check: (s) => expect(s.alerts.map((a) => a.id)).not.toContain('hashprice-low'),
  },
  {
    day: '2017-12-17',
    lead: 'price-ath',
    why: 'the 2017 top: hashprice at a 52-week high is not "the lowest since" anything',
    check: (_s, words) => expect(words).not.toMatch(/lowest since 2017-12-16|lowest since December 2017/),
  },
  { day: '2021-05-23', lead: 'price', why: 'a −24% crash week' },
];

/** Every claim pattern the stories use, checked against the naive history. Returns what is false. */
function falseClaims(snapshot: Snapshot, naive: NaiveHistory): string[] {
  const D = naive.index(snapshot.asOf);
  const problems: string[] = [];
  const say = (ok: boolean, what: string) => {
    if (!ok) problems.push(what);
  };
  const money = (t: string) => Number(t.replace(/,/g, ''));
  const hp = naive.hashprice7d(D) as number;
  const lastLower = (() => {
    for (let j = D - 1; j >= 0; j--) {
      const v = naive.hashprice7d(j);
      if (v !== null && v < hp) return j;
    }
    return -1;
  })();
  const texts = [...snapshot.narrative.map((n) => n.text), ...snapshot.alerts.map((a) => a.message)];
  for (const text of texts) {
    for (const m of text.matchAll(/averaged \$([\d,]+\.\d\d)\/PH\/day over the 7 days/g)) {
      say(Math.abs(money(m[1] as string) - hp) <= 0.005 + 1e-9 * hp, `hashprice ${m[1]} vs ${hp}`);
    }
    if (/a record low/.test(text))
      say(lastLower === -1, `"record low" but ${naive.s.dates[lastLower]} was lower`);
    for (const m of text.matchAll(/lowest since (\w+) (\d{4})/g)) {
      const month = `${m[2]}-${String(MONTHS.indexOf(m[1] as (typeof MONTHS)[number]) + 1).padStart(2, '0')}`;
      say(
        lastLower >= 0 && (naive.s.dates[lastLower] ?? '').startsWith(month) && D - lastLower >= 90,
        `"lowest since ${m[1]} ${m[2]}": last lower ${naive.s.dates[lastLower]}`,
      );
    }
    for (const m of text.matchAll(/lowest in (\d+) days/g)) {
      const n = Number(m[1]);
      say(
        D - lastLower === n && n >= 30 && n < 90,
        `"lowest in ${n} days": last lower ${naive.s.dates[lastLower]}`,
      );
    }
    for (const m of text.matchAll(/Bitcoin closed at \$([\d,]+), (up|down) ([\d.]+)% on the week/g)) {
      const p = naive.price(D) as number;
      const change = (p / (naive.price(D - 7) as number) - 1) * 100;
      say(Math.abs(money(m[1] as string) - p) <= 0.5, `close ${m[1]} vs ${p}`);
      say(
        (m[2] === 'up') === change > 0 && Math.abs(Number(m[3]) - Math.abs(change)) <= 0.05 + 1e-9,
        `price change ${m[2]} ${m[3]} vs ${change}`,
      );
    }
    for (const m of text.matchAll(/all-time high of \$([\d,]+)/g)) {
      let max = 0;
      for (let k = 0; k <= D; k++) max = Math.max(max, naive.price(k) ?? 0);
      say(Math.abs(money(m[1] as string) - max) <= 0.5, `ATH ${m[1]} vs ${max}`);
    }
    for (const m of text.matchAll(/The network's hashrate averaged ([\d,]+) EH\/s over the 7 days/g)) {
      say(Math.round(naive.hashrateEhs7d(D) as number) === money(m[1] as string), `hashrate ${m[1]}`);
    }
    for (const m of text.matchAll(/Difficulty (rose|fell) ([\d.]+)% on (\d+ \w+ \d{4})/g)) {
      const day = naive.index(parseLongDate(m[3] as string));
      const before = naive.difficulty(day - 1) as number;
      const after = naive.difficulty(day + 1) as number;
      const change = (after / before - 1) * 100;
      say(day >= D - 6 && day <= D && day + 1 <= D, `adjustment ${m[3]} outside the issue's week`);
      say(
        (m[1] === 'rose') === change > 0 && Math.abs(Number(m[2]) - Math.abs(change)) <= 0.05 + 1e-9,
        `difficulty ${m[1]} ${m[2]} vs ${change}`,
      );
    }
    for (const m of text.matchAll(/Difficulty (rose|fell) by at least ([\d.]+)% on (\d+ \w+ \d{4})/g)) {
      const day = naive.index(parseLongDate(m[3] as string));
      const change =
        ((naive.difficulty(day + 2) as number) / (naive.difficulty(day - 1) as number) - 1) * 100;
      say(
        (m[1] === 'rose') === change > 0 && Math.abs(change) >= Number(m[2]) - 0.05,
        `difficulty at least ${m[2]} vs ${change}`,
      );
    }
    for (const m of text.matchAll(/The halving on (\d+ \w+ \d{4})/g)) {
      say(HALVINGS.includes(parseLongDate(m[1] as string)), `halving date ${m[1]}`);
    }
    for (const m of text.matchAll(
      /Fees spiked on \w+ (\d+ \w+ \d{4}): ([\d.]+)% of miners' revenue that day/g,
    )) {
      const day = naive.index(parseLongDate(m[1] as string));
      say(
        Math.abs((naive.feeSharePct(day) as number) - Number(m[2])) <= 0.05 + 1e-9,
        `fee share ${m[2]} on ${m[1]}`,
      );
    }
    for (const m of text.matchAll(/(up|down) ([\d.]+)% on the week/g))
      say(Number(m[2]) > 0, `"${m[0]}" reads as a move of zero`);
  }
  for (const alert of snapshot.alerts.filter((a) => a.id === 'hashprice-low')) {
    let low = hp;
    for (let k = Math.max(0, D - 364); k <= D; k++) low = Math.min(low, naive.hashprice7d(k) ?? low);
    say(
      hp <= low * 1.05 + 1e-9 || alert.severity === 'critical',
      `hashprice-low alert ${(hp / low - 1) * 100}% above the 1-year low`,
    );
  }
  return problems;
}

/** The wording rules every reader-facing text keeps. */
function wordingProblems(words: string): string[] {
  const rules: [RegExp, string][] = [
    [/unavailable/i, 'says "unavailable"'],
    [/(^|[\s(])-\d/m, 'a hyphen-minus instead of −'],
    [/NaN|Infinity|undefined|null/, 'a programming value'],
    [/mempool-[a-z-]+|coinmetrics-asset-metrics/, 'an internal source id'],
    [
      /\b(price|hashrate|hashprice|revenue|difficulty|miners|security|pools|halving|stress|fees|blocks)\.[a-z]+[A-Z]\w*/,
      'a metric key',
    ],
    [/\$[\d,]+(\.\d|\.\d{3,})?\/PH\/day/, 'a hashprice not to the cent'],
    [
      /7-day means|attacker \(|% of the modelled fleet|which is why/,
      'a label or claim the values do not support',
    ],
  ];
  return rules.filter(([re]) => re.test(words)).map(([re, why]) => `${why}: ${words.match(re)?.[0]}`);
}

describe.runIf(realDataPresent)('golden weeks from real history', () => {
  const series = realSeries();
  const history = createMetricsHistory(series);
  const naive = new NaiveHistory(series);
  const assumptions = defaultAssumptions();
  const snapshotAt = (day: string, previous: Snapshot | null): Snapshot =>
    buildSnapshot(inputsFor(series, day), assumptions, {
      issueId: day,
      generatedAt: `${day}T23:59:59Z`,
      history,
      previous,
    }).snapshot;
  const weekBefore = (day: string) =>
    new Date(Date.parse(`${day}T00:00:00Z`) - 7 * 86_400_000).toISOString().slice(0, 10);

  it.each(GOLDEN)('$day leads with $lead ($why), and every claim holds', ({ day, lead, check }) => {
    // Arrange: the previous weekly issue, as the weekly run would have archived it.
    const previous = snapshotAt(weekBefore(day), null);

    // Act
    const snapshot = snapshotAt(day, previous);
    const words = renderText(
      buildIssueModel({ snapshot, links: fixtureLinks, footer: fixtureFooter }),
      'web',
    );

    // Assert
    expect(snapshot.narrative[0]?.story).toBe(lead);
    expect(snapshot.narrative.length).toBeGreaterThanOrEqual(3);
    expect(falseClaims(snapshot, naive)).toEqual([]);
    expect(wordingProblems(words)).toEqual([]);
    check?.(snapshot, words);
  });

  it('covers at least 12 weeks: every halving, difficulty cuts, fee spikes, crashes, record lows and highs', () => {
    const leads = new Set(GOLDEN.map((g) => g.lead));
    expect(GOLDEN.length).toBeGreaterThanOrEqual(12);
    for (const kind of ['halving', 'difficulty-adjustment', 'fee-spike', 'hashprice', 'price-ath', 'price']) {
      expect(leads.has(kind), kind).toBe(true);
    }
  });
});
