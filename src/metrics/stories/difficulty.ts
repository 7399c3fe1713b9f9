/** Difficulty stories: the retarget that happened in the issue's week, and the next one with its caveat. */

import { daysBetween } from '../../days';
import type { Metrics } from '../../snapshot/schema';
import { longDate, sinceWording } from '../../text/dates';
import { pct, pctAbs, pctChange } from '../../text/numbers';
import { inIssueWeek, type Story, type StoryBuilder, sentenceCase } from './types';

/** A confident forecast at or below this is news (the difficulty-drop alert uses the configured threshold). */
const NEWSWORTHY_CUT_PCT = -5;

/** The next adjustment with its source and how far it can be trusted. */
export function nextAdjustmentClause(d: Metrics['difficulty']): { text: string; keys: string[] } | null {
  if (d.nextAdjustmentPct === null || d.nextAdjustmentDate === null) return null;
  const keys = [
    'difficulty.nextAdjustmentPct',
    'difficulty.nextAdjustmentDate',
    'difficulty.nextAdjustmentSource',
  ];
  const by = d.nextAdjustmentSource === 'mempool' ? 'by mempool.space' : 'from block times so far';
  const estimate = `the next adjustment, around ${longDate(d.nextAdjustmentDate)}, is estimated at ${pctChange(d.nextAdjustmentPct)} ${by}`;
  if (d.epochProgressPct === null || d.nextAdjustmentMarginPct === null) return { text: estimate, keys };
  keys.push(
    'difficulty.epochProgressPct',
    'difficulty.nextAdjustmentMarginPct',
    'difficulty.nextAdjustmentEarly',
  );
  const margin = `±${pctAbs(d.nextAdjustmentMarginPct)}`;
  const mined = pct(d.epochProgressPct, 0);
  if (d.nextAdjustmentEarly === true) {
    return {
      text: `early in the epoch (${mined} of its blocks mined), ${estimate}, but block luck alone could move that by ${margin}`,
      keys,
    };
  }
  return { text: `${estimate} (${mined} of the epoch mined; block luck alone: ${margin})`, keys };
}

/** A retarget in the issue's week: size, direction, "the largest cut since …", then the next estimate. */
export const difficultyAdjustmentStory: StoryBuilder = (m, asOf): Story | null => {
  const d = m.difficulty;
  if (
    d.lastAdjustmentDate === null ||
    d.lastAdjustmentPct === null ||
    !inIssueWeek(d.lastAdjustmentDate, asOf)
  ) {
    return null;
  }
  const keys = ['difficulty.lastAdjustmentDate', 'difficulty.lastAdjustmentPct'];
  const c = d.lastAdjustmentPct;
  const verb = c >= 0 ? 'rose' : 'fell';
  let text: string;
  let score = 35 + Math.min(30, Math.abs(c) * 3);
  const atLeast = d.lastAdjustmentAtLeast === true;
  if (atLeast) keys.push('difficulty.lastAdjustmentAtLeast');
  // A size known only as a lower bound (the new level has shown for a day) is said as one.
  text = `Difficulty ${verb} ${atLeast ? 'by at least ' : ''}${pctAbs(c)} on ${longDate(d.lastAdjustmentDate)}`;
  const kind = c < 0 ? 'cut' : 'rise';
  const already = atLeast ? 'already ' : '';
  if (Math.abs(c) >= 5) {
    const larger = d.lastAdjustmentLargestSince;
    keys.push('difficulty.lastAdjustmentLargestSince');
    if (larger === null) {
      text += `, ${already}the largest ${kind} on record`;
      score += 20;
    } else {
      const since = sinceWording(larger, daysBetween(larger, d.lastAdjustmentDate));
      if (since?.kind === 'since-month') {
        text += `, ${already}the largest ${kind} ${since.text}`;
        if (daysBetween(larger, d.lastAdjustmentDate) >= 365) score += 15;
      }
    }
  }
  const next = nextAdjustmentClause(d);
  if (next !== null) {
    text += `. ${sentenceCase(next.text)}`;
    keys.push(...next.keys);
  }
  return {
    story: 'difficulty-adjustment',
    score,
    headline: `Difficulty ${pctChange(c)}`,
    text: `${text}.`,
    metricKeys: keys,
  };
};

/** The next retarget, when none happened this week: news only when it is a confident, large cut. */
export const difficultyNextStory: StoryBuilder = (m, asOf): Story | null => {
  const d = m.difficulty;
  if (d.lastAdjustmentDate !== null && inIssueWeek(d.lastAdjustmentDate, asOf)) return null;
  const next = nextAdjustmentClause(d);
  if (next === null || d.nextAdjustmentPct === null) return null;
  const confident = d.nextAdjustmentEarly === false;
  const cut = d.nextAdjustmentPct <= NEWSWORTHY_CUT_PCT;
  return {
    story: 'difficulty-next',
    score: confident && cut ? 55 : confident && d.nextAdjustmentPct >= 8 ? 45 : 30,
    headline: `Difficulty ${pctChange(d.nextAdjustmentPct)} expected`,
    text: `${sentenceCase(next.text)}.`,
    metricKeys: next.keys,
  };
};
