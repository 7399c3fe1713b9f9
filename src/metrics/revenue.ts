/**
 * Miner revenue. The free Coin Metrics data has no revenue columns, so it is derived per day:
 * RevNtv = IssTotNtv + FeeTotNtv (BTC), RevUSD = RevNtv × PriceUSD (USD).
 */
import type { Metrics } from '../snapshot/schema';
import { changeOverPct, type MetricsHistory, WINDOW_DAYS } from './history';
import { type MetricResult, windowReason } from './reasons';

/**
 * - `usdPerDay7d` = mean RevUSD over W (USD/day); `btcPerDay7d` = mean RevNtv over W (BTC/day)
 * - `subsidyBtcPerDay7d` = mean IssTotNtv over W; `feesBtcPerDay7d` = mean FeeTotNtv over W (BTC/day)
 * - `feeSharePct7d` = Σ FeeTotNtv ÷ Σ RevNtv over W × 100 (%)
 * - `change7dPct` = usdPerDay7d[D] vs usdPerDay7d[D−7] (%)
 * - `btcTotal7d` / `usdTotal7d` = Σ RevNtv / Σ RevUSD over W: the week's rewards
 * Each is null unless its columns are present on all 7 days of W.
 */
export function computeRevenue(history: MetricsHistory, i: number): MetricResult<Metrics['revenue']> {
  const warnings: string[] = [];
  const usdPerDay7d = history.revenueUsdPerDay7d[i] ?? null;
  const btcPerDay7d = history.revenueBtcPerDay7d[i] ?? null;
  if (usdPerDay7d === null) {
    warnings.push(windowReason(history, i, ['IssTotNtv', 'FeeTotNtv', 'PriceUSD'], 'revenue.usdPerDay7d'));
  } else if (btcPerDay7d === null) {
    warnings.push('revenue.btcPerDay7d unavailable');
  }
  const feeSharePct7d = history.feeSharePct7d[i] ?? null;
  if (feeSharePct7d === null && btcPerDay7d !== null) {
    warnings.push(
      `revenue.feeSharePct7d unavailable: zero miner revenue over the 7 days up to ${history.dates[i]}`,
    );
  }
  let change7dPct: number | null = null;
  if (usdPerDay7d !== null) {
    change7dPct = changeOverPct(history.revenueUsdPerDay7d, i, 7);
    if (change7dPct === null)
      warnings.push('revenue.change7dPct unavailable: no complete revenue week before');
  }
  return {
    metrics: {
      usdPerDay7d,
      btcPerDay7d,
      subsidyBtcPerDay7d: history.subsidyBtcPerDay7d[i] ?? null,
      feesBtcPerDay7d: history.feesBtcPerDay7d[i] ?? null,
      feeSharePct7d,
      change7dPct,
      btcTotal7d: btcPerDay7d === null ? null : btcPerDay7d * WINDOW_DAYS,
      usdTotal7d: usdPerDay7d === null ? null : usdPerDay7d * WINDOW_DAYS,
    },
    warnings,
  };
}
