/** Price and hashrate stories: records, crash weeks, drawdowns and recoveries. */

import { daysBetween } from '../../days';
import { longDate, sinceWording } from '../../text/dates';
import { hashrateEhs, pctAbs, pctChange, upDown, usd } from '../../text/numbers';
import { article, inIssueWeek, type Story, type StoryBuilder } from './types';

/** Bitcoin's price: an all-time high in the week, a crash or rally, or the close and its drawdown. */
export const priceStory: StoryBuilder = (m, asOf): Story | null => {
  const p = m.price;
  if (p.usd === null) return null;
  const keys = ['price.usd'];
  if (p.athUsd !== null && p.athDate !== null && inIssueWeek(p.athDate, asOf)) {
    keys.push('price.athUsd', 'price.athDate');
    const atHigh = p.athDate === asOf;
    let text = atHigh
      ? `Bitcoin closed at a new all-time high of ${usd(p.athUsd)} on ${longDate(p.athDate)}`
      : `Bitcoin set an all-time high of ${usd(p.athUsd)} on ${longDate(p.athDate)} and closed the week at ${usd(p.usd)}`;
    if (p.change7dPct !== null) {
      text += `, ${upDown(p.change7dPct)} on the week`;
      keys.push('price.change7dPct');
    }
    return {
      story: 'price-ath',
      score: 80,
      headline: `Bitcoin at an all-time high`,
      text: `${text}.`,
      metricKeys: keys,
    };
  }
  let text = `Bitcoin closed at ${usd(p.usd)}`;
  let score = 35;
  let headline = `Bitcoin ${usd(p.usd)}`;
  if (p.change7dPct !== null) {
    text += `, ${upDown(p.change7dPct)} on the week`;
    keys.push('price.change7dPct');
    const c = p.change7dPct;
    score = c <= -15 ? 85 : c <= -10 ? 65 : c >= 15 ? 70 : c >= 10 ? 55 : 35 + Math.min(10, Math.abs(c));
    if (Math.abs(c) >= 10) headline = `Bitcoin ${pctChange(c)} on the week`;
  }
  if (
    p.drawdownFromAthPct !== null &&
    p.athUsd !== null &&
    p.athDate !== null &&
    p.drawdownFromAthPct < -0.5
  ) {
    text += ` and ${pctAbs(p.drawdownFromAthPct)} below its all-time high of ${usd(p.athUsd)} (${longDate(p.athDate)})`;
    keys.push('price.drawdownFromAthPct', 'price.athUsd', 'price.athDate');
  }
  return { story: 'price', score, headline, text: `${text}.`, metricKeys: keys };
};

/** The network's 7-day hashrate: a new high, a drawdown from the peak, or a recovery from a low. */
export const hashrateStory: StoryBuilder = (m, asOf): Story | null => {
  const h = m.hashrate;
  if (h.ehs7d === null) return null;
  const keys = ['hashrate.ehs7d'];
  let text = `The network's hashrate averaged ${hashrateEhs(h.ehs7d)} over the 7 days`;
  const change = h.change7dPct === null ? null : `${upDown(h.change7dPct)} on the week`;
  if (change !== null) keys.push('hashrate.change7dPct');
  if (
    h.peakDate !== null &&
    h.fromPeakPct !== null &&
    h.fromPeakPct > -0.05 &&
    inIssueWeek(h.peakDate, asOf)
  ) {
    keys.push('hashrate.peakDate', 'hashrate.fromPeakPct');
    return {
      story: 'hashrate-high',
      score: 48,
      headline: `Hashrate at a record ${hashrateEhs(h.ehs7d)}`,
      text: `${text}, a new high${change ? ` (${change})` : ''}.`,
      metricKeys: keys,
    };
  }
  if (change) text += `, ${change}`;
  let score = 30;
  let headline = `Hashrate ${hashrateEhs(h.ehs7d)}`;
  const fromPeak = h.fromPeakPct;
  if (fromPeak !== null && h.peakEhs7d !== null && h.peakDate !== null && fromPeak <= -5) {
    text += `, ${pctAbs(fromPeak)} below its peak of ${hashrateEhs(h.peakEhs7d)} (${longDate(h.peakDate)})`;
    keys.push('hashrate.fromPeakPct', 'hashrate.peakEhs7d', 'hashrate.peakDate');
    score = fromPeak <= -20 ? 75 : fromPeak <= -10 ? 60 : 45;
    const deepest = h.drawdownDeepestSince;
    const since = deepest === null ? null : sinceWording(deepest, daysBetween(deepest, asOf));
    if (fromPeak <= -10 && h.drawdownDeepestOnRecord === true) {
      text += ', the deepest drawdown on record';
      keys.push('hashrate.drawdownDeepestOnRecord');
      score += 15;
    } else if (since?.kind === 'since-month' && fromPeak <= -10) {
      text += `, the deepest drawdown ${since.text}`;
      keys.push('hashrate.drawdownDeepestSince');
      if (since.kind === 'since-month' && daysBetween(deepest as string, asOf) >= 365) score += 10;
    }
    if (fromPeak <= -10) headline = `Hashrate ${pctChange(fromPeak, 0)} from its peak`;
  }
  // A recovery: back at least 5 points from a drawdown of 10% or more within the last 90 days.
  const deepest90 = h.drawdownDeepest90dPct;
  if (deepest90 !== null && fromPeak !== null && deepest90 <= -10 && fromPeak - deepest90 >= 5) {
    text += `, recovering from ${article(pctAbs(deepest90))} ${pctAbs(deepest90)} drawdown within the last 90 days`;
    keys.push('hashrate.drawdownDeepest90dPct');
    score = Math.max(score, 45);
  }
  return { story: 'hashrate', score, headline, text: `${text}.`, metricKeys: keys };
};
