/** Market metrics: price, its 7/30-day change, drawdown from the all-time high, market cap. */
import type { Metrics } from '../snapshot/schema';
import { changeOverPct, type MetricsHistory, pctChange } from './history';
import { dayGapReason, type MetricResult } from './reasons';

/**
 * - `usd` = PriceUSD[D] (USD)
 * - `change7dPct` / `change30dPct` = (PriceUSD[D] ÷ PriceUSD[D−7 or D−30] − 1) × 100 (%)
 * - `drawdownFromAthPct` = (PriceUSD[D] ÷ max PriceUSD[≤ D] − 1) × 100 (%, ≤ 0); `athUsd`, `athDate`
 * - `marketCapUsd` = CapMrktCurUSD[D] (USD)
 */
export function computeMarket(history: MetricsHistory, i: number): MetricResult<Metrics['price']> {
  const price = history.column('PriceUSD');
  const cap = history.column('CapMrktCurUSD');
  const usd = price[i] ?? null;
  const warnings: string[] = [];
  if (usd === null) warnings.push(dayGapReason(history, i, 'PriceUSD', 'price'));
  const change = (days: number, key: string) => {
    if (usd === null) return null;
    const out = changeOverPct(price, i, days);
    if (out === null)
      warnings.push(`price.${key} unavailable: no PriceUSD ${days} days before ${history.dates[i]}`);
    return out;
  };
  const change7dPct = change(7, 'change7dPct');
  const change30dPct = change(30, 'change30dPct');
  const athUsd = history.athUsd[i] ?? null;
  const athIndex = history.athIndex[i] ?? -1;
  const marketCapUsd = cap[i] ?? null;
  if (marketCapUsd === null) warnings.push(dayGapReason(history, i, 'CapMrktCurUSD', 'price.marketCapUsd'));
  return {
    metrics: {
      usd,
      change7dPct,
      change30dPct,
      drawdownFromAthPct: pctChange(usd, athUsd),
      athUsd,
      athDate: athIndex >= 0 ? (history.dates[athIndex] ?? null) : null,
      marketCapUsd,
    },
    warnings,
  };
}
