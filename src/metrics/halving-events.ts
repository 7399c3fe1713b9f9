/**
 * Halvings as the daily data shows them, and what they did: the subsidy per block (IssTotNtv ÷ BlkCnt)
 * halves on the day, which needs no block height. Plus what the next halving would do to hashprice at
 * today's fees.
 */

import { daysBetween } from '../days';
import type { Metrics } from '../snapshot/schema';
import { type MetricsHistory, pctChange, safeDiv, WINDOW_DAYS } from './history';

/** The last halving is described in detail up to this many days after it. */
export const HALVING_AFTERMATH_DAYS = 30;
/** A day's subsidy per block below this share of the full level marks a halving (mixed days included). */
const HALVING_DAY_RATIO = 0.95;
/** …and at most this share means the whole day was mined after it. */
const POST_HALVING_RATIO = 0.55;
const INITIAL_SUBSIDY_BTC = 50;

/** The full subsidy level (50 ÷ 2^k) nearest a day's subsidy per block. */
function fullLevel(perBlock: number): number {
  const k = Math.max(0, Math.round(Math.log2(INITIAL_SUBSIDY_BTC / perBlock)));
  return INITIAL_SUBSIDY_BTC / 2 ** k;
}

/** Indexes of the days on which a halving happened, up to and including `last`. */
export function halvingDays(history: MetricsHistory, last: number): number[] {
  const perBlock = history.subsidyPerBlockBtcDaily;
  const out: number[] = [];
  let level: number | null = null;
  for (let i = 0; i <= last; i++) {
    const v = perBlock[i];
    if (v === null || v === undefined || v <= 0) continue;
    if (level === null) {
      level = fullLevel(v);
      continue;
    }
    if (v < level * HALVING_DAY_RATIO) {
      out.push(i);
      level /= 2;
    }
  }
  return out;
}

interface WindowSums {
  revenueBtc: number;
  revenueUsd: number | null;
  fees: number;
  blocks: number;
  hashPh: number;
}

/** Sums over days from…to (inclusive); null when any day lacks blocks, revenue or hashrate. */
function sums(history: MetricsHistory, from: number, to: number): WindowSums | null {
  if (from < 0 || to < from) return null;
  const blocks = history.column('BlkCnt');
  const fees = history.column('FeeTotNtv');
  const hashrate = history.column('HashRate');
  const out: WindowSums = { revenueBtc: 0, revenueUsd: 0, fees: 0, blocks: 0, hashPh: 0 };
  for (let k = from; k <= to; k++) {
    const b = blocks[k];
    const f = fees[k];
    const r = history.revenueBtc[k];
    const h = hashrate[k];
    if (typeof b !== 'number' || typeof f !== 'number' || typeof r !== 'number' || typeof h !== 'number') {
      return null;
    }
    const usd = history.revenueUsd[k];
    out.blocks += b;
    out.fees += f;
    out.revenueBtc += r;
    out.hashPh += h / 1000;
    out.revenueUsd = typeof usd === 'number' && out.revenueUsd !== null ? out.revenueUsd + usd : null;
  }
  return out;
}

/**
 * - `previousDate` / `daysSincePrevious` = the last halving day on or before D
 * - `afterPrevious` (up to 30 days after it): before = the 7 days before the halving day; after = the
 *   days after it up to D (at most 7; the halving day itself when all its blocks carry the new subsidy).
 *   Revenue and fees per block = Σ ÷ Σ BlkCnt; hashprice = Σ RevUSD ÷ Σ PH/s;
 *   feesPerBlockToOffsetBtc = revenue per block before − the new subsidy
 */
export function computeHalvingAftermath(
  history: MetricsHistory,
  i: number,
): Pick<Metrics['halving'], 'previousDate' | 'daysSincePrevious' | 'afterPrevious'> {
  const days = halvingDays(history, i);
  const h = days[days.length - 1];
  if (h === undefined) return { previousDate: null, daysSincePrevious: null, afterPrevious: null };
  const previousDate = history.dates[h] as string;
  const daysSincePrevious = daysBetween(previousDate, history.dates[i] as string);
  if (daysSincePrevious > HALVING_AFTERMATH_DAYS) {
    return { previousDate, daysSincePrevious, afterPrevious: null };
  }
  const before = sums(history, h - WINDOW_DAYS, h - 1);
  const beforePerBlock = history.subsidyPerBlockBtcDaily[h - 1];
  if (before === null || before.blocks === 0 || typeof beforePerBlock !== 'number') {
    return { previousDate, daysSincePrevious, afterPrevious: null };
  }
  const subsidyBeforeBtc = fullLevel(beforePerBlock);
  const subsidyAfterBtc = subsidyBeforeBtc / 2;
  const dayPerBlock = history.subsidyPerBlockBtcDaily[h] ?? null;
  const firstAfter = dayPerBlock !== null && dayPerBlock <= subsidyBeforeBtc * POST_HALVING_RATIO ? h : h + 1;
  const lastAfter = Math.min(i, firstAfter + WINDOW_DAYS - 1);
  const after = lastAfter >= firstAfter ? sums(history, firstAfter, lastAfter) : null;
  const revenueBtcPerBlockBefore = before.revenueBtc / before.blocks;
  const hashpriceBefore = safeDiv(before.revenueUsd, before.hashPh);
  const hashpriceAfter = after === null ? null : safeDiv(after.revenueUsd, after.hashPh);
  return {
    previousDate,
    daysSincePrevious,
    afterPrevious: {
      subsidyBeforeBtc,
      subsidyAfterBtc,
      daysMeasured: after === null ? 0 : lastAfter - firstAfter + 1,
      revenueBtcPerBlockBefore,
      revenueBtcPerBlockAfter: after === null ? null : safeDiv(after.revenueBtc, after.blocks),
      hashpriceBeforeUsdPerPhDay: hashpriceBefore,
      hashpriceAfterUsdPerPhDay: hashpriceAfter,
      hashpriceChangePct: pctChange(hashpriceAfter, hashpriceBefore),
      feesPerBlockBeforeBtc: before.fees / before.blocks,
      feesPerBlockAfterBtc: after === null ? null : safeDiv(after.fees, after.blocks),
      feesPerBlockToOffsetBtc: revenueBtcPerBlockBefore - subsidyAfterBtc,
    },
  };
}

/**
 * Hashprice just after the next halving with price, hashrate and fees per block as today: hashprice ×
 * (next subsidy + fees per block) ÷ (current subsidy + fees per block).
 */
export function projectHalvingHashprice(
  hashpriceUsdPerPhDay: number | null,
  halving: Pick<Metrics['halving'], 'currentSubsidyBtc' | 'nextSubsidyBtc' | 'currentFeesPerBlockBtc'>,
): Pick<Metrics['halving'], 'projectedHashpriceUsdPerPhDay' | 'projectedHashpriceChangePct'> {
  const { currentSubsidyBtc: now, nextSubsidyBtc: next, currentFeesPerBlockBtc: fees } = halving;
  if (hashpriceUsdPerPhDay === null || now === null || next === null || fees === null) {
    return { projectedHashpriceUsdPerPhDay: null, projectedHashpriceChangePct: null };
  }
  const ratio = safeDiv(next + fees, now + fees);
  const projected = ratio === null ? null : hashpriceUsdPerPhDay * ratio;
  return {
    projectedHashpriceUsdPerPhDay: projected,
    projectedHashpriceChangePct: pctChange(projected, hashpriceUsdPerPhDay),
  };
}
