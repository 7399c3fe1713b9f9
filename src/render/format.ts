/**
 * Render-only formatting: arrows and instants. Numbers read the same everywhere through src/text/numbers
 * (the narrative uses it too); this file adds what only the drawn issue needs.
 */
import type { IssueIndexEntry } from '../contracts/index-entry';
import {
  type Direction,
  direction,
  hashpriceUsd,
  hashrateEhs,
  pctChange,
  ppChange,
  UNAVAILABLE,
  usd,
} from '../text/numbers';

/** Arrow glyphs (present in DejaVu and common mail fonts). */
export const ARROWS: Record<Direction, string> = { up: '\u25B2', down: '\u25BC', flat: '\u25AC' };

/** `2026-11-23 00:14 UTC` from an ISO 8601 instant (any offset), or unavailable. */
export function utcMinute(instant: string | null): string {
  if (instant === null) return UNAVAILABLE;
  const d = new Date(instant);
  if (Number.isNaN(d.getTime())) return UNAVAILABLE;
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 16)} UTC`;
}

/** Colour intent; renderers also print the sign or a word, so colour is never the only signal. */
export type Tone = 'good' | 'bad' | 'neutral' | 'muted';

export interface Change {
  /** `+4.2%`, `−1.0 pp`. */
  text: string;
  /** ▲ ▼ ▬. */
  arrow: string;
  tone: Tone;
}

/** A change as printed in a table: `▲ +4.2%` (the arrow, when there is one, then the text). */
export function changeText(c: Change): string {
  return `${c.arrow ? `${c.arrow} ` : ''}${c.text}`;
}

/** A week-over-week change for a figures table, or null when it is unknown (the cell stays empty). */
export function change(value: number | null, kind: 'pct' | 'pp' = 'pct'): Change | null {
  if (value === null) return null;
  const dir = direction(value);
  return {
    text: kind === 'pct' ? pctChange(value) : ppChange(value),
    arrow: ARROWS[dir],
    tone: dir === 'up' ? 'good' : dir === 'down' ? 'bad' : 'neutral',
  };
}

/** How the archive page (terse, beside other issues) and the feeds (a sentence) word the headline. */
const HEADLINE_WORDING = {
  page: { noHashprice: 'No hashprice', window: '7-day avg', hashrate: 'Hashrate' },
  feed: { noHashprice: 'No hashprice this week', window: '7-day average', hashrate: 'hashrate' },
} as const;

/**
 * An issue's headline figures as phrases (`Hashprice $48.20/PH/day (7-day avg), +3.1% w/w`, `BTC $91,000`,
 * `Hashrate 1,050 EH/s`): hashprice always (saying when there is none), price and hashrate when known.
 */
export function headlineFigures(
  h: IssueIndexEntry['headline'],
  wording: keyof typeof HEADLINE_WORDING,
): string[] {
  const w = HEADLINE_WORDING[wording];
  const weekOnWeek = h.hashpriceChange7dPct === null ? '' : `, ${pctChange(h.hashpriceChange7dPct)} w/w`;
  return [
    h.hashpriceUsdPerPhDay === null
      ? w.noHashprice
      : `Hashprice ${hashpriceUsd(h.hashpriceUsdPerPhDay)} (${w.window})${weekOnWeek}`,
    ...(h.priceUsd === null ? [] : [`BTC ${usd(h.priceUsd, 0)}`]),
    ...(h.hashrateEhs7d === null ? [] : [`${w.hashrate} ${hashrateEhs(h.hashrateEhs7d)}`]),
  ];
}
