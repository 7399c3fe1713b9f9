/**
 * The narrative: candidate stories built from the numbers, each with a newsworthiness score and the metric
 * keys it uses; the strongest 3–6 are told, most important first, and the top one leads the subject line.
 * Deterministic: same metrics, same words. A story whose inputs are null is not a candidate.
 */
import type { Metrics, NarrativeSentence } from '../snapshot/schema';
import { difficultyAdjustmentStory, difficultyNextStory } from './stories/difficulty';
import { feeSpikeStory, halvingStory } from './stories/events';
import { hashpriceStory } from './stories/hashprice';
import { hashrateStory, priceStory } from './stories/market';
import {
  aiEconomicsStory,
  minerSqueezeStory,
  poolsStory,
  rewardsStory,
  securityStory,
} from './stories/network';
import { MAX_STORIES, MIN_STORIES, NEWS_SCORE, type Story, type StoryBuilder } from './stories/types';

const BUILDERS: readonly StoryBuilder[] = [
  halvingStory,
  difficultyAdjustmentStory,
  feeSpikeStory,
  hashpriceStory,
  priceStory,
  hashrateStory,
  difficultyNextStory,
  poolsStory,
  minerSqueezeStory,
  aiEconomicsStory,
  securityStory,
  rewardsStory,
];

/** Every story the numbers support, strongest first (ties keep the builders' order). */
export function candidateStories(metrics: Metrics, asOf: string): Story[] {
  return BUILDERS.map((build) => build(metrics, asOf))
    .filter((s): s is Story => s !== null)
    .map((s, order) => ({ s, order }))
    .sort((a, b) => b.s.score - a.s.score || a.order - b.order)
    .map(({ s }) => s);
}

/** The stories told: every newsworthy one up to six, and at least three when there are three. */
export function selectStories(candidates: readonly Story[]): Story[] {
  const news = candidates.filter((s) => s.score >= NEWS_SCORE).length;
  return candidates.slice(0, Math.min(MAX_STORIES, Math.max(MIN_STORIES, news)));
}

/** The narrative of an issue: the selected stories as sentences, lead first. */
export function buildNarrative(metrics: Metrics, asOf: string): NarrativeSentence[] {
  return selectStories(candidateStories(metrics, asOf)).map(({ story, headline, text, metricKeys }) => ({
    story,
    headline,
    text,
    metricKeys,
  }));
}
