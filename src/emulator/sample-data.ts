/**
 * The bundled SAMPLE dataset: synthetic daily Bitcoin network data from 2016-01-01 to a chosen end day,
 * made by a seeded model, never copied from anyone. Magnitudes are plausible (price on a power-law trend
 * with halving-paced cycles, hashrate growing to ~1000 EH/s by 2025-26, ~144 blocks a day, real halving
 * dates), and the last ~60 days are always a bear-market stretch: price about 38% below a recent high,
 * hashrate about 12% below its peak, and the 7-day hashprice at a multi-year low. That tail is what the
 * briefing's alerts and charts are most interesting on, wherever the end day falls.
 */

import type { CoinMetricsColumn } from '../contracts/report-inputs';
import { isIsoDay } from '../days';
import { plainDecimal } from './decimal';
import { gaussian, mulberry32, type Prng } from './prng';

/** First day of the sample. */
export const SAMPLE_START_DAY = '2016-01-01';
/** Earliest end day that leaves room for a full bear-market tail and some history before it. */
export const SAMPLE_MIN_END_DAY = '2017-01-01';
/** Tip height before the sample's first day (the real chain was near this height then). */
export const SAMPLE_HEIGHT_BEFORE = 391_181;

/** The sample generator was asked for something it cannot make. */
export class SampleDataError extends Error {
  override name = 'SampleDataError';
}

/** Halving days and the subsidy from that day on (BTC per block). 2028 and later are estimates. */
const HALVINGS: readonly { day: string; subsidy: number }[] = [
  { day: '2016-07-09', subsidy: 12.5 },
  { day: '2020-05-11', subsidy: 6.25 },
  { day: '2024-04-20', subsidy: 3.125 },
  { day: '2028-04-17', subsidy: 1.5625 },
  { day: '2032-04-13', subsidy: 0.78125 },
];
const INITIAL_SUBSIDY = 25;

/** Round-number hashrate waypoints (EH/s), interpolated log-linearly; +25%/year after the last one. */
const HASHRATE_WAYPOINTS_EHS: readonly [string, number][] = [
  ['2016-01-01', 0.8],
  ['2017-01-01', 2.5],
  ['2018-01-01', 14],
  ['2019-01-01', 42],
  ['2020-01-01', 105],
  ['2021-01-01', 145],
  ['2022-01-01', 185],
  ['2023-01-01', 260],
  ['2024-01-01', 500],
  ['2025-01-01', 790],
  ['2026-01-01', 1080],
];
const LATE_GROWTH_PER_DAY = Math.log(1.25) / 365;

const GENESIS_DAY = '2009-01-03';
/** Price cycles peak about 1.45 years after a halving; one cycle per four years. */
const CYCLE_PEAK_DAY = '2017-12-20';
const CYCLE_DAYS = 1461;

/** The recent high falls this many days before the end (the tail is the rest). */
const HIGH_WINDOW_DAYS: readonly [number, number] = [46, 90];
const PRICE_DROP = 0.38;
const HASHRATE_TAIL_DAYS = 45;
const HASHRATE_DROP = 0.12;
const RAMP_DAYS = 365;
/** The end's 7-day hashprice lands this far below the lowest of the prior three years. */
const HASHPRICE_MARGIN = 0.92;

/** One generated row (same shape as Dataset.coinMetricsRows). */
export interface SampleRow {
  time: string;
  values: Partial<Record<CoinMetricsColumn, string>>;
}

const DAY_MS = 86_400_000;
/** Days since 1970-01-01 (integer arithmetic on day numbers keeps generation fast). */
const dayNumber = (day: string): number => Math.round(Date.parse(`${day}T00:00:00Z`) / DAY_MS);
const dayString = (dn: number): string => new Date(dn * DAY_MS).toISOString().slice(0, 10);

const smoothstep = (x: number): number => {
  const t = Math.min(1, Math.max(0, x));
  return t * t * (3 - 2 * t);
};

/** Subsidy before and after each day's blocks (they differ only on a halving day). */
const HALVING_DAYS = HALVINGS.map((halving) => ({ dn: dayNumber(halving.day), subsidy: halving.subsidy }));

function subsidyOn(dn: number): { before: number; after: number; halvingToday: boolean } {
  let subsidy = INITIAL_SUBSIDY;
  for (const halving of HALVING_DAYS) {
    if (halving.dn === dn) return { before: subsidy, after: halving.subsidy, halvingToday: true };
    if (halving.dn < dn) subsidy = halving.subsidy;
  }
  return { before: subsidy, after: subsidy, halvingToday: false };
}

const WAYPOINTS = HASHRATE_WAYPOINTS_EHS.map(([day, ehs]) => ({
  dn: dayNumber(day),
  logThs: Math.log(ehs * 1e6),
}));

/** Trend hashrate (TH/s) on day number `dn`. */
function trendHashrateThs(dn: number): number {
  for (let k = 1; k < WAYPOINTS.length; k++) {
    const to = WAYPOINTS[k];
    const from = WAYPOINTS[k - 1];
    if (to && from && dn <= to.dn) {
      return Math.exp(from.logThs + ((dn - from.dn) / (to.dn - from.dn)) * (to.logThs - from.logThs));
    }
  }
  const last = WAYPOINTS.at(-1) ?? { dn, logThs: Math.log(1e9) };
  return Math.exp(last.logThs + LATE_GROWTH_PER_DAY * (dn - last.dn));
}

/** Mean-reverting noise in log space (Ornstein–Uhlenbeck, one step per day). */
function ouPath(n: number, normal: () => number, reversion: number, volatility: number): Float64Array {
  const path = new Float64Array(n);
  let x = 0;
  for (let i = 0; i < n; i++) {
    x += -reversion * x + volatility * normal();
    path[i] = x;
  }
  return path;
}

function basePrices(n: number, normal: () => number): Float64Array {
  const noise = ouPath(n, normal, 0.015, 0.028);
  const prices = new Float64Array(n);
  const start = dayNumber(SAMPLE_START_DAY);
  const genesis = dayNumber(GENESIS_DAY);
  const cyclePeak = dayNumber(CYCLE_PEAK_DAY);
  for (let i = 0; i < n; i++) {
    const dn = start + i;
    // Power-law trend (a common long-run description of the price), in log10 dollars.
    const trend = -17.01 + 5.8 * Math.log10(dn - genesis);
    const amplitude = 0.42 * Math.exp(-i / 365 / 9);
    const cycle = amplitude * Math.cos((2 * Math.PI * (dn - cyclePeak)) / CYCLE_DAYS);
    prices[i] = 10 ** (trend + cycle) * Math.exp(noise[i] ?? 0);
  }
  return prices;
}

/** The bear tail's shape relative to the recent high: 1 at the high, 1 − PRICE_DROP after `days` days. */
function tailShape(days: number, normal: () => number): Float64Array {
  const walk = new Float64Array(days + 1);
  for (let j = 1; j <= days; j++) walk[j] = (walk[j - 1] ?? 0) + 0.018 * normal();
  const endWalk = walk[days] ?? 0;
  const shape = new Float64Array(days + 1);
  for (let j = 0; j <= days; j++) {
    const u = j / days;
    // A Brownian bridge: noisy in between, pinned to 0 at both ends so the drop is exactly PRICE_DROP.
    const bridge = (walk[j] ?? 0) - u * endWalk;
    const value = (1 - PRICE_DROP) ** (u ** 0.8) * Math.exp(bridge * Math.sin(Math.PI * u));
    shape[j] = j === 0 ? 1 : Math.min(0.995, value);
  }
  return shape;
}

/** Sum of x[i] × w[i] over the 7 days ending at `end`. */
const window7 = (x: Float64Array, end: number, weight?: Float64Array): number => {
  let sum = 0;
  for (let i = end - 6; i <= end; i++) sum += (x[i] ?? 0) * (weight ? (weight[i] ?? 0) : 1);
  return sum;
};

/** 7-day hashprice (USD per PH/s per day) ending at day `i`. */
const hashprice = (i: number, revenue: Float64Array, prices: Float64Array, hashPh: Float64Array): number =>
  window7(revenue, i, prices) / window7(hashPh, i);

/**
 * Turns the base price path into one that ends in the bear market. The recent high is the base path's
 * highest day 46–90 days before the end; from there the price falls PRICE_DROP to the end. The level of the
 * last ~15 months is scaled (eased in over RAMP_DAYS) so that the end's 7-day hashprice lands
 * HASHPRICE_MARGIN below the lowest of the three years before them, and their swings around the high are
 * damped; what block and fee noise leaves over is closed by nudging the last week down.
 */
function bearMarketPrices(
  base: Float64Array,
  issued: Float64Array,
  fees: Float64Array,
  hashrate: Float64Array,
  normal: () => number,
): Float64Array {
  const n = base.length;
  const revenue = new Float64Array(n);
  const hashPh = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    revenue[i] = (issued[i] ?? 0) + (fees[i] ?? 0);
    hashPh[i] = (hashrate[i] ?? 0) / 1000;
  }
  const rampEnd = n - 1 - HIGH_WINDOW_DAYS[1];
  const rampStart = Math.max(0, rampEnd - RAMP_DAYS);
  let high = n - 1 - HIGH_WINDOW_DAYS[1];
  for (let i = high; i <= n - 1 - HIGH_WINDOW_DAYS[0]; i++) if ((base[i] ?? 0) > (base[high] ?? 0)) high = i;
  const shape = tailShape(n - 1 - high, normal);

  const eased = (i: number): number =>
    i < rampStart ? 0 : i >= rampEnd ? 1 : smoothstep((i - rampStart) / (rampEnd - rampStart));
  let endPerScale = 0;
  for (let i = n - 7; i < n; i++)
    endPerScale += (revenue[i] ?? 0) * (base[high] ?? 0) * (shape[i - high] ?? 0);
  endPerScale /= window7(hashPh, n - 1);
  let priorLow = Number.POSITIVE_INFINITY;
  for (let i = Math.max(6, rampStart - 3 * 365); i < rampStart; i++) {
    priorLow = Math.min(priorLow, hashprice(i, revenue, base, hashPh));
  }
  const scale = Number.isFinite(priorLow) ? (HASHPRICE_MARGIN * priorLow) / endPerScale : 1;

  const prices = new Float64Array(base);
  for (let i = rampStart; i < n; i++) prices[i] = (base[i] ?? 0) * (1 + (scale - 1) * eased(i));
  const highPrice = prices[high] ?? 0;
  // A deep trough in the months before the high would have a lower hashprice than the end, so swings
  // relative to the high are damped (halved in log terms by the last 90 days), eased in over the ramp.
  for (let i = rampStart; i < high; i++) {
    const exponent = 1 - 0.5 * eased(i);
    prices[i] = highPrice * ((prices[i] ?? 0) / highPrice) ** exponent;
  }
  for (let j = 0; j < shape.length; j++) prices[high + j] = highPrice * (shape[j] ?? 1);

  for (let attempt = 0; attempt < 8; attempt++) {
    let low = Number.POSITIVE_INFINITY;
    for (let i = Math.max(6, rampStart - 3 * 365); i < n - 1; i++) {
      low = Math.min(low, hashprice(i, revenue, prices, hashPh));
    }
    const end = hashprice(n - 1, revenue, prices, hashPh);
    if (end < low * 0.998) break;
    for (let i = n - 7; i < n; i++) prices[i] = (prices[i] ?? 0) * ((0.996 * low) / end);
  }
  return prices;
}

/**
 * Generates the sample rows (ascending) from SAMPLE_START_DAY to `endDate`. Deterministic for a given
 * (endDate, seed).
 */
export function generateSampleRows(options: { endDate: string; seed?: number }): SampleRow[] {
  const { endDate } = options;
  if (!isIsoDay(endDate)) throw new SampleDataError(`sample end day must be YYYY-MM-DD, got "${endDate}"`);
  if (endDate < SAMPLE_MIN_END_DAY) {
    throw new SampleDataError(
      `sample data starts ${SAMPLE_START_DAY}; end day must be ≥ ${SAMPLE_MIN_END_DAY}`,
    );
  }
  const random: Prng = mulberry32(options.seed ?? 20_160_101);
  const normal = gaussian(random);
  const start = dayNumber(SAMPLE_START_DAY);
  const n = dayNumber(endDate) - start + 1;

  // Hashrate: trend × slow noise, then the capitulation tail (peak HASHRATE_TAIL_DAYS before the end).
  const hashNoise = ouPath(n, normal, 0.05, 0.008);
  const trueHash = new Float64Array(n);
  const peak = n - 1 - HASHRATE_TAIL_DAYS;
  for (let i = 0; i < n; i++) {
    const trend = trendHashrateThs(start + Math.min(i, peak));
    const drop = i <= peak ? 0 : HASHRATE_DROP * smoothstep((i - peak) / HASHRATE_TAIL_DAYS);
    trueHash[i] = trend * (1 - drop) * Math.exp(hashNoise[i] ?? 0);
  }

  // Blocks: ~144 a day, faster while hashrate outruns the (two-week lagged) difficulty; Coin Metrics'
  // HashRate estimate scales with the day's block count, so it inherits that noise.
  const blocks = new Float64Array(n);
  const hashrate = new Float64Array(n);
  let lagSum = 0;
  for (let i = 0; i < n; i++) {
    const lagDays = Math.min(i, 14);
    const lagMean = lagDays > 0 ? lagSum / lagDays : (trueHash[i] ?? 1);
    const ratio = Math.min(1.25, Math.max(0.8, (trueHash[i] ?? 1) / lagMean));
    const expected = 144 * ratio;
    blocks[i] = Math.max(100, Math.round(expected + Math.sqrt(expected) * normal()));
    hashrate[i] = ((trueHash[i] ?? 0) * (blocks[i] ?? 0)) / expected;
    lagSum += trueHash[i] ?? 0;
    if (i >= 14) lagSum -= trueHash[i - 14] ?? 0;
  }

  // Daily block noise moves 7-day means by a few percent, so the tail's depth is pinned afterwards: the
  // end's 7-day mean lands HASHRATE_DROP below the highest 7-day mean (scaling fades in over the tail).
  for (let attempt = 0; attempt < 4; attempt++) {
    let best = 0;
    for (let i = 6; i < n; i++) best = Math.max(best, window7(hashrate, i));
    const factor = ((1 - HASHRATE_DROP) * best) / window7(hashrate, n - 1);
    if (Math.abs(factor - 1) < 0.002) break;
    for (let i = peak + 1; i < n; i++) {
      hashrate[i] = (hashrate[i] ?? 0) * (1 + (factor - 1) * smoothstep((i - peak) / HASHRATE_TAIL_DAYS));
    }
  }

  // Issuance and fees (BTC). Fees: 1–5% of revenue with occasional congestion spikes.
  const issued = new Float64Array(n);
  const fees = new Float64Array(n);
  const feeNoise = ouPath(n, normal, 0.04, 0.09);
  let spike = 0;
  for (let i = 0; i < n; i++) {
    const count = blocks[i] ?? 0;
    const { before, after, halvingToday } = subsidyOn(start + i);
    const beforeBlocks = halvingToday ? Math.floor(count / 2) : count;
    issued[i] = beforeBlocks * before + (count - beforeBlocks) * after;
    if (random() < 1 / 150) spike += 0.05 + 0.15 * random();
    spike *= 0.8;
    const share = Math.min(0.5, Math.max(0.008, 0.025 * Math.exp(feeNoise[i] ?? 0) + spike));
    fees[i] = Math.round(((issued[i] ?? 0) * share * 1e8) / (1 - share)) / 1e8;
  }

  const prices = bearMarketPrices(basePrices(n, normal), issued, fees, hashrate, normal);

  // Supply, counts and the formatted rows.
  const rows: SampleRow[] = new Array(n);
  let supply = 15_028_000;
  let txLevel = 0;
  let addressLevel = 0;
  for (let i = 0; i < n; i++) {
    const years = i / 365;
    // Day 0 (1970-01-01) was a Thursday; Saturdays and Sundays see less activity.
    const weekday = (start + i + 4) % 7;
    const weekend = weekday === 0 || weekday === 6 ? 0.88 : 1;
    txLevel += -0.05 * txLevel + 0.05 * normal();
    addressLevel += -0.05 * addressLevel + 0.04 * normal();
    const price = Number(plainDecimal(prices[i] ?? 0, 10));
    const issuedBtc = issued[i] ?? 0;
    supply = Number((supply + issuedBtc).toFixed(8));
    rows[i] = {
      time: dayString(start + i),
      values: {
        AdrActCnt: String(Math.round(560_000 * 1.035 ** years * weekend * Math.exp(addressLevel))),
        BlkCnt: String(blocks[i] ?? 0),
        CapMrktCurUSD: plainDecimal(price * supply, 8),
        FeeTotNtv: plainDecimal(fees[i] ?? 0, 8),
        HashRate: plainDecimal(hashrate[i] ?? 0, 10),
        IssTotNtv: plainDecimal(issuedBtc, 8),
        IssTotUSD: plainDecimal(issuedBtc * price, 8),
        PriceUSD: plainDecimal(price, 10),
        SplyCur: plainDecimal(supply, 8),
        TxCnt: String(Math.round(215_000 * 1.075 ** years * weekend * Math.exp(txLevel))),
      },
    };
  }
  return rows;
}
