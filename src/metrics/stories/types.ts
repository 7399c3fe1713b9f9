/** What every story builder returns: one sentence (or two) a reader can check against the listed keys. */
import { daysBetween } from '../../days';
import type { Metrics } from '../../snapshot/schema';

export interface Story {
  /** Story kind, e.g. `halving`, `difficulty-adjustment`, `hashprice`. */
  story: string;
  /**
   * Newsworthiness, 0–100: how rare and how consequential for miners and security. The narrative takes the
   * strongest first; the subject line carries the top one.
   */
  score: number;
  /** A few words for the subject line. */
  headline: string;
  text: string;
  /** Dotted snapshot keys the text is built from. */
  metricKeys: string[];
}

/** A story builder: null when its inputs are unavailable or there is nothing to tell. */
export type StoryBuilder = (m: Metrics, asOf: string) => Story | null;

/** Scores at or above this are news; the narrative tells up to six of them, and never fewer than three stories. */
export const NEWS_SCORE = 45;
export const MIN_STORIES = 3;
export const MAX_STORIES = 6;

/** The day `n` days before `day` is inside the issue's week when n ≤ 6. */
export function inIssueWeek(day: string | null, asOf: string): boolean {
  if (day === null) return false;
  const gap = daysBetween(day, asOf);
  return gap >= 0 && gap <= 6;
}

/** "a" or "an" before a spoken number: an 8…, an 11…, an 18…. */
export function article(numberText: string): 'a' | 'an' {
  return /^(8|1[18](?![\d,]))/.test(numberText) ? 'an' : 'a';
}

/** Capitalises the first letter. */
export function sentenceCase(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
