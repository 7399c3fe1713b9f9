/** Hashrate metrics from Coin Metrics' daily HashRate (TH/s), as 7-day means in EH/s. */
import type { Metrics } from '../snapshot/schema';
import { type MetricsHistory, pctChange } from './history';
import { type MetricResult, windowGapReason } from './reasons';

/**
 * - `ehs7d` = mean HashRate over W ÷ 10⁶ (EH/s; null unless all 7 days present)
 * - `change7dPct` / `change30dPct` = (ehs7d[D] ÷ ehs7d[D−7 or D−30] − 1) × 100 (%)
 * - `fromPeakPct` = (ehs7d[D] ÷ max ehs7d[≤ D] − 1) × 100 (%, ≤ 0); `peakEhs7d`, `peakDate`
 */
export function computeHashrate(history: MetricsHistory, i: number): MetricResult<Metrics['hashrate']> {
  const ehs = history.hashrateEhs7d;
  const ehs7d = ehs[i] ?? null;
  const warnings: string[] = [];
  if (ehs7d === null) {
    warnings.push(
      windowGapReason(history, i, ['HashRate'], 'hashrate.ehs7d') ?? 'hashrate.ehs7d unavailable',
    );
  }
  const change = (days: number, key: string) => {
    if (ehs7d === null) return null;
    const out = pctChange(ehs7d, i - days >= 0 ? (ehs[i - days] ?? null) : null);
    if (out === null) {
      warnings.push(`hashrate.${key} unavailable: no complete 7-day hashrate ending ${days} days earlier`);
    }
    return out;
  };
  const peakEhs7d = history.peakEhs7d[i] ?? null;
  const peakIndex = history.peakIndex[i] ?? -1;
  return {
    metrics: {
      ehs7d,
      change7dPct: change(7, 'change7dPct'),
      change30dPct: change(30, 'change30dPct'),
      fromPeakPct: pctChange(ehs7d, peakEhs7d),
      peakEhs7d,
      peakDate: peakIndex >= 0 ? (history.dates[peakIndex] ?? null) : null,
    },
    warnings,
  };
}
