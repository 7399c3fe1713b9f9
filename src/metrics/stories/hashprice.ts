/** The hashprice story: the week's level, its standing in history, and why it moved. */
import type { Metrics } from '../../snapshot/schema';
import { sinceWording } from '../../text/dates';
import { hashpriceBtc, hashpriceUsd, pctAbs, pctChange, upDown } from '../../text/numbers';
import { article, type Story, type StoryBuilder } from './types';

/** Spot and 7-day hashprice that differ by more than this are both shown, %. */
export const SPOT_DIFFERS_PCT = 3;
/** A driver smaller than this (as a share of the move it explains) goes unmentioned, %. */
const DRIVER_MIN_PCT = 0.5;

interface Factor {
  key: string;
  /** Effect on hashprice as a log change: positive pushes it up. */
  effect: number;
  phrase: string;
  extraKeys: string[];
}

function revenuePhrase(
  d: NonNullable<Metrics['hashprice']['drivers']>,
  halvingInWindows: boolean,
): { phrase: string; keys: string[] } {
  const r = d.btcRevenueChangePct;
  const amount = `${pctAbs(r)} ${r >= 0 ? 'more' : 'less'} BTC revenue per day`;
  if (halvingInWindows && d.subsidyBtcChangePct < 0 && Math.sign(r) < 0) {
    return {
      phrase: `${amount} (the halving cut the subsidy)`,
      keys: ['hashprice.drivers.subsidyBtcChangePct', 'halving.daysSincePrevious'],
    };
  }
  if (Math.abs(d.feesBtcChangePct) >= 20 && Math.sign(d.feesBtcChangePct) === Math.sign(r)) {
    return {
      phrase: `${amount} (fees ${upDown(d.feesBtcChangePct)})`,
      keys: ['hashprice.drivers.feesBtcChangePct'],
    };
  }
  if (Math.abs(d.subsidyBtcChangePct) >= 1 && Math.sign(d.subsidyBtcChangePct) === Math.sign(r)) {
    return {
      phrase: `${amount} (${d.subsidyBtcChangePct > 0 ? 'more' : 'fewer'} blocks mined)`,
      keys: ['hashprice.drivers.subsidyBtcChangePct'],
    };
  }
  return { phrase: amount, keys: [] };
}

/**
 * "Hashprice fell 9.9% on an 11.3% lower average price, while a 4.6% lower hashrate softened the fall."
 * Exact identity behind it: (1 + hashprice) = (1 + price)(1 + BTC revenue) ÷ (1 + hashrate), each the
 * 7 days against the 7 before.
 */
export function driversSentence(
  m: Pick<Metrics, 'hashprice' | 'halving'>,
): { text: string; metricKeys: string[] } | null {
  const h = m.hashprice;
  const d = h.drivers;
  // The two weeks compared are D−13…D; a halving in them explains a subsidy cut.
  const halvingInWindows = m.halving.daysSincePrevious !== null && m.halving.daysSincePrevious <= 13;
  const change = h.change7dPct;
  if (d === null || change === null) return null;
  const price = `${pctAbs(d.avgPriceChangePct)}`;
  const hash = `${pctAbs(d.hashrateChangePct)}`;
  const revenue = revenuePhrase(d, halvingInWindows);
  const factors: Factor[] = [
    {
      key: 'hashprice.drivers.avgPriceChangePct',
      effect: Math.log1p(d.avgPriceChangePct / 100),
      phrase: `${article(price)} ${price} ${d.avgPriceChangePct >= 0 ? 'higher' : 'lower'} average price`,
      extraKeys: [],
    },
    {
      key: 'hashprice.drivers.btcRevenueChangePct',
      effect: Math.log1p(d.btcRevenueChangePct / 100),
      phrase: revenue.phrase,
      extraKeys: revenue.keys,
    },
    {
      key: 'hashprice.drivers.hashrateChangePct',
      effect: -Math.log1p(d.hashrateChangePct / 100),
      phrase: `${article(hash)} ${hash} ${d.hashrateChangePct >= 0 ? 'higher' : 'lower'} hashrate`,
      extraKeys: [],
    },
  ].filter((f) => Math.abs(f.effect) * 100 >= DRIVER_MIN_PCT);
  if (factors.length === 0) return null;
  factors.sort((a, b) => Math.abs(b.effect) - Math.abs(a.effect));
  const moved = upDown(change);
  const keys = ['hashprice.change7dPct', ...factors.flatMap((f) => [f.key, ...f.extraKeys])];
  const list = (fs: Factor[]) =>
    fs.length <= 1
      ? (fs[0]?.phrase ?? '')
      : `${fs
          .slice(0, -1)
          .map((f) => f.phrase)
          .join(', ')} and ${fs[fs.length - 1]?.phrase}`;
  if (moved === 'flat') {
    return { text: `Hashprice was flat on the week: ${list(factors)} offset each other.`, metricKeys: keys };
  }
  const same = factors.filter((f) => Math.sign(f.effect) === Math.sign(change));
  const against = factors.filter((f) => Math.sign(f.effect) !== Math.sign(change));
  const verb = change < 0 ? 'fell' : 'rose';
  if (same.length === 0) {
    return { text: `Hashprice ${verb} ${pctAbs(change)} despite ${list(against)}.`, metricKeys: keys };
  }
  const softened = change < 0 ? 'softened the fall' : 'held it back';
  const tail = against.length ? `, while ${list(against)} ${softened}` : '';
  return { text: `Hashprice ${verb} ${pctAbs(change)} on ${list(same)}${tail}.`, metricKeys: keys };
}

function standing(h: Metrics['hashprice']): {
  text: string;
  score: number;
  headline: string | null;
  keys: string[];
} {
  if (h.recordLow === true) {
    return {
      text: 'a record low',
      score: 90,
      headline: 'Hashprice at a record low',
      keys: ['hashprice.recordLow'],
    };
  }
  if (h.lowestSince === null || h.lowestSinceDays === null)
    return { text: '', score: 0, headline: null, keys: [] };
  const since = sinceWording(h.lowestSince, h.lowestSinceDays);
  if (since === null) return { text: '', score: 0, headline: null, keys: [] };
  const days = h.lowestSinceDays;
  const score = days >= 1461 ? 82 : days >= 365 ? 70 : days >= 90 ? 50 : 40;
  return {
    text: `its lowest ${since.text}`,
    score,
    headline: days >= 365 ? `Hashprice at its lowest ${since.text}` : null,
    keys: ['hashprice.lowestSince', 'hashprice.lowestSinceDays'],
  };
}

/** The week's hashprice, its standing, the drivers of its move, and the latest day when it differs. */
export const hashpriceStory: StoryBuilder = (m): Story | null => {
  const h = m.hashprice;
  if (h.usdPerPhDay === null) return null;
  const keys = ['hashprice.usdPerPhDay'];
  let text = `Hashprice, what 1 PH/s of hashing earns in a day, averaged ${hashpriceUsd(h.usdPerPhDay)} over the 7 days`;
  if (h.btcPerPhDay !== null) {
    text += ` (${hashpriceBtc(h.btcPerPhDay)})`;
    keys.push('hashprice.btcPerPhDay');
  }
  const parts: string[] = [];
  if (h.change7dPct !== null) {
    parts.push(`${upDown(h.change7dPct)} on the week`);
    keys.push('hashprice.change7dPct');
  }
  const stand = standing(h);
  if (stand.text) {
    parts.push(stand.text);
    keys.push(...stand.keys);
  }
  if (parts.length) text += `, ${parts.join(' and ')}`;
  text += '.';
  const drivers = driversSentence(m);
  if (drivers !== null) {
    text += ` ${drivers.text}`;
    keys.push(...drivers.metricKeys);
  }
  if (
    h.spotUsdPerPhDay !== null &&
    Math.abs(h.spotUsdPerPhDay / h.usdPerPhDay - 1) * 100 > SPOT_DIFFERS_PCT
  ) {
    text += ` On the last day alone it was ${hashpriceUsd(h.spotUsdPerPhDay)}.`;
    keys.push('hashprice.spotUsdPerPhDay');
  }
  const move = h.change7dPct === null ? 0 : Math.abs(h.change7dPct);
  const score = Math.max(40 + Math.min(25, move * 1.5), stand.score);
  const headline =
    stand.headline ??
    (h.change7dPct !== null && move >= 10
      ? `Hashprice ${pctChange(h.change7dPct)} on the week`
      : `Hashprice ${hashpriceUsd(h.usdPerPhDay)}`);
  return { story: 'hashprice', score, headline, text, metricKeys: [...new Set(keys)] };
};
