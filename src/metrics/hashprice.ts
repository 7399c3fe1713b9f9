/** Hashprice: what one PH/s of hashing earned per day over the last 7 days, and where that sits in history. */

import { daysBetween } from '../days';
import type { Metrics } from '../snapshot/schema';
import { changeOverPct, type MetricsHistory } from './history';
import { type MetricResult, windowReason } from './reasons';

/** Days in the 1-year and 4-year windows that hashprice lows are judged against. */
export const YEAR_DAYS = 365;
export const FOUR_YEAR_DAYS = 1461;

/** % of the days in the `days` ending i (i included) with a value ≤ day i's; days without one skipped. */
export function windowPercentile(values: readonly (number | null)[], i: number, days: number): number | null {
  const today = values[i];
  if (today === null || today === undefined) return null;
  let count = 0;
  let atMost = 0;
  for (let k = Math.max(0, i - days + 1); k <= i; k++) {
    const v = values[k];
    if (v === null || v === undefined) continue;
    count++;
    if (v <= today) atMost++;
  }
  return (atMost / count) * 100;
}

/** The lowest value over the `days` ending i and its (latest) day, or null when none has a value. */
export function windowLow(
  values: readonly (number | null)[],
  i: number,
  days: number,
): { value: number; index: number } | null {
  let best: { value: number; index: number } | null = null;
  for (let k = Math.max(0, i - days + 1); k <= i; k++) {
    const v = values[k];
    if (v === null || v === undefined) continue;
    if (best === null || v <= best.value) best = { value: v, index: k };
  }
  return best;
}

/** The week's hashprice move split into price, BTC revenue (subsidy, fees) and hashrate, each W vs W−7. */
export function hashpriceDrivers(history: MetricsHistory, i: number): Metrics['hashprice']['drivers'] {
  if (i < 7) return null;
  const change = (values: readonly (number | null)[]) => changeOverPct(values, i, 7);
  const avgPriceChangePct = change(history.revenueWeightedPriceUsd7d);
  const btcRevenueChangePct = change(history.revenueBtcPerDay7d);
  const subsidyBtcChangePct = change(history.subsidyBtcPerDay7d);
  const feesBtcChangePct = change(history.feesBtcPerDay7d);
  const hashrateChangePct = change(history.hashrateEhs7d);
  if (
    avgPriceChangePct === null ||
    btcRevenueChangePct === null ||
    subsidyBtcChangePct === null ||
    feesBtcChangePct === null ||
    hashrateChangePct === null
  ) {
    return null;
  }
  return { avgPriceChangePct, btcRevenueChangePct, subsidyBtcChangePct, feesBtcChangePct, hashrateChangePct };
}

/**
 * - `usdPerPhDay` = Σ RevUSD over W ÷ Σ (HashRate ÷ 1000) over W (USD/PH/day)
 * - `btcPerPhDay` = Σ RevNtv over W ÷ Σ (HashRate ÷ 1000) over W (BTC/PH/day)
 * - `change7dPct` = usdPerPhDay[D] vs usdPerPhDay[D−7] (%)
 * - `percentile` = % of days d ≤ D with a 7-day USD hashprice whose value ≤ today's (0–100, D included)
 * - `lowestSince` = last day before D with a strictly lower USD hashprice; `recordLow` = none exists
 * - `low52wUsdPerPhDay` / `high52wUsdPerPhDay` = min / max USD hashprice over the 364 days ending D
 * - `btcChange7dPct` = btcPerPhDay[D] vs btcPerPhDay[D−7] (%)
 * - `spotUsdPerPhDay` / `spotBtcPerPhDay` = RevUSD[D] (RevNtv[D]) ÷ (HashRate[D] ÷ 1000): the day alone
 * - `percentile1y` / `percentile4y` = as `percentile`, over the 365 / 1461 days ending D
 * - `lowestSinceDays` = days from `lowestSince` to D
 * - `low1yUsdPerPhDay` / `low4yUsdPerPhDay` (and their days) = min over the 365 / 1461 days ending D
 * - `drivers` = see hashpriceDrivers
 */
export function computeHashprice(history: MetricsHistory, i: number): MetricResult<Metrics['hashprice']> {
  const warnings: string[] = [];
  const usdPerPhDay = history.hashpriceUsdPerPhDay7d[i] ?? null;
  const btcPerPhDay = history.hashpriceBtcPerPhDay7d[i] ?? null;
  if (usdPerPhDay === null) {
    warnings.push(
      windowReason(
        history,
        i,
        ['HashRate', 'IssTotNtv', 'FeeTotNtv', 'PriceUSD'],
        'hashprice',
        `hashprice unavailable: zero hashrate over the 7 days up to ${history.dates[i]}`,
      ),
    );
  }
  let change7dPct: number | null = null;
  if (usdPerPhDay !== null) {
    change7dPct = changeOverPct(history.hashpriceUsdPerPhDay7d, i, 7);
    if (change7dPct === null)
      warnings.push('hashprice.change7dPct unavailable: no complete hashprice week before');
  }
  const lower = history.lowerHashpriceIndex[i] ?? -1;
  const lowestSince = usdPerPhDay !== null && lower >= 0 ? (history.dates[lower] ?? null) : null;
  const hp = history.hashpriceUsdPerPhDay7d;
  const btcChange7dPct = changeOverPct(history.hashpriceBtcPerPhDay7d, i, 7);
  const low1y = usdPerPhDay === null ? null : windowLow(hp, i, YEAR_DAYS);
  const low4y = usdPerPhDay === null ? null : windowLow(hp, i, FOUR_YEAR_DAYS);
  return {
    metrics: {
      usdPerPhDay,
      btcPerPhDay,
      change7dPct,
      percentile: usdPerPhDay === null ? null : (history.hashpricePercentile[i] ?? null),
      lowestSince,
      recordLow: usdPerPhDay === null ? null : lower < 0,
      low52wUsdPerPhDay: usdPerPhDay === null ? null : (history.hashpriceLow52w[i] ?? null),
      high52wUsdPerPhDay: usdPerPhDay === null ? null : (history.hashpriceHigh52w[i] ?? null),
      btcChange7dPct,
      spotUsdPerPhDay: history.hashpriceUsdPerPhDaySpot[i] ?? null,
      spotBtcPerPhDay: history.hashpriceBtcPerPhDaySpot[i] ?? null,
      percentile1y: windowPercentile(hp, i, YEAR_DAYS),
      percentile4y: windowPercentile(hp, i, FOUR_YEAR_DAYS),
      lowestSinceDays: lowestSince === null ? null : daysBetween(lowestSince, history.dates[i] as string),
      drivers: usdPerPhDay === null ? null : hashpriceDrivers(history, i),
      low1yUsdPerPhDay: low1y?.value ?? null,
      low1yDate: low1y === null ? null : (history.dates[low1y.index] ?? null),
      low4yUsdPerPhDay: low4y?.value ?? null,
      low4yDate: low4y === null ? null : (history.dates[low4y.index] ?? null),
    },
    warnings,
  };
}
