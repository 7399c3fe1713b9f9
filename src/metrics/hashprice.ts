/** Hashprice: what one PH/s of hashing earned per day over the last 7 days, and where that sits in history. */
import type { Metrics } from '../snapshot/schema';
import { type MetricsHistory, pctChange } from './history';
import { type MetricResult, windowGapReason } from './reasons';

/**
 * Hashprice for a 7-day window, from sums so that days with more hashrate weigh more:
 * Σ revenue over W ÷ Σ (HashRate TH/s ÷ 1000) over W, i.e. USD (or BTC) per PH/s per day. Null when the
 * hashrate sum is 0 or any input is missing.
 */
export function hashpriceFromSums(revenueSum: number, hashrateThsSum: number): number | null {
  const ph = hashrateThsSum / 1000;
  if (!(ph > 0) || !Number.isFinite(revenueSum)) return null;
  const out = revenueSum / ph;
  return Number.isFinite(out) ? out : null;
}

/**
 * - `usdPerPhDay` = Σ RevUSD over W ÷ Σ (HashRate ÷ 1000) over W (USD/PH/day)
 * - `btcPerPhDay` = Σ RevNtv over W ÷ Σ (HashRate ÷ 1000) over W (BTC/PH/day)
 * - `change7dPct` = usdPerPhDay[D] vs usdPerPhDay[D−7] (%)
 * - `percentile` = % of days d ≤ D with a 7-day USD hashprice whose value ≤ today's (0–100, D included)
 * - `lowestSince` = last day before D with a strictly lower USD hashprice; `recordLow` = none exists
 * - `low52wUsdPerPhDay` / `high52wUsdPerPhDay` = min / max USD hashprice over the 364 days ending D
 */
export function computeHashprice(history: MetricsHistory, i: number): MetricResult<Metrics['hashprice']> {
  const warnings: string[] = [];
  const usdPerPhDay = history.hashpriceUsdPerPhDay7d[i] ?? null;
  const btcPerPhDay = history.hashpriceBtcPerPhDay7d[i] ?? null;
  if (usdPerPhDay === null) {
    warnings.push(
      windowGapReason(history, i, ['HashRate', 'IssTotNtv', 'FeeTotNtv', 'PriceUSD'], 'hashprice') ??
        `hashprice unavailable: zero hashrate over the 7 days up to ${history.dates[i]}`,
    );
  }
  let change7dPct: number | null = null;
  if (usdPerPhDay !== null) {
    change7dPct = pctChange(usdPerPhDay, i >= 7 ? (history.hashpriceUsdPerPhDay7d[i - 7] ?? null) : null);
    if (change7dPct === null)
      warnings.push('hashprice.change7dPct unavailable: no complete hashprice week before');
  }
  const lower = history.lowerHashpriceIndex[i] ?? -1;
  return {
    metrics: {
      usdPerPhDay,
      btcPerPhDay,
      change7dPct,
      percentile: usdPerPhDay === null ? null : (history.hashpricePercentile[i] ?? null),
      lowestSince: usdPerPhDay !== null && lower >= 0 ? (history.dates[lower] ?? null) : null,
      recordLow: usdPerPhDay === null ? null : lower < 0,
      low52wUsdPerPhDay: usdPerPhDay === null ? null : (history.hashpriceLow52w[i] ?? null),
      high52wUsdPerPhDay: usdPerPhDay === null ? null : (history.hashpriceHigh52w[i] ?? null),
    },
    warnings,
  };
}
