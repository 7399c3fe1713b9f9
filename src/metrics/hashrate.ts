/** Hashrate metrics from Coin Metrics' daily HashRate (TH/s), as 7-day means in EH/s. */
import type { Metrics } from '../snapshot/schema';
import { changeOverPct, type MetricsHistory, pctChange } from './history';
import { type MetricResult, windowReason } from './reasons';

/**
 * For "the deepest drawdown since …": -1 when no earlier day was as deep, -2 when a day of this episode
 * (since the peak) was deeper already, else the last day before the peak at least as deep.
 */
function deepestBeforeEpisode(history: MetricsHistory, i: number, peakIndex: number): number {
  const fromPeak = history.hashrateFromPeakPct;
  const current = fromPeak[i] ?? null;
  if (current === null || current >= 0) return -2;
  if ((history.deeperDrawdownIndex[i] ?? -1) >= peakIndex) return -2;
  for (let k = peakIndex - 1; k >= 0; k--) {
    const v = fromPeak[k] ?? null;
    if (v !== null && v <= current) return k;
  }
  return -1;
}

/**
 * - `ehs7d` = mean HashRate over W ÷ 10⁶ (EH/s; null unless all 7 days present)
 * - `change7dPct` / `change30dPct` = (ehs7d[D] ÷ ehs7d[D−7 or D−30] − 1) × 100 (%)
 * - `fromPeakPct` = (ehs7d[D] ÷ max ehs7d[≤ D] − 1) × 100 (%, ≤ 0); `peakEhs7d`, `peakDate`
 * - `drawdownDeepestSince` = when D is the deepest point since the peak: the last day before the peak with
 *   a drawdown at least as deep (null when none: the deepest on record; null too at a peak, or when the
 *   drawdown was deeper earlier in the same episode)
 * - `drawdownDeepest90dPct` = min fromPeakPct over the 90 days ending D
 */
export function computeHashrate(history: MetricsHistory, i: number): MetricResult<Metrics['hashrate']> {
  const ehs = history.hashrateEhs7d;
  const ehs7d = ehs[i] ?? null;
  const warnings: string[] = [];
  if (ehs7d === null) {
    warnings.push(windowReason(history, i, ['HashRate'], 'hashrate.ehs7d'));
  }
  const change = (days: number, key: string) => {
    if (ehs7d === null) return null;
    const out = changeOverPct(ehs, i, days);
    if (out === null) {
      warnings.push(`hashrate.${key} unavailable: no complete 7-day hashrate ending ${days} days earlier`);
    }
    return out;
  };
  const peakEhs7d = history.peakEhs7d[i] ?? null;
  const peakIndex = history.peakIndex[i] ?? -1;
  const fromPeakPct = pctChange(ehs7d, peakEhs7d);
  const deeper = deepestBeforeEpisode(history, i, peakIndex);
  return {
    metrics: {
      ehs7d,
      change7dPct: change(7, 'change7dPct'),
      change30dPct: change(30, 'change30dPct'),
      fromPeakPct,
      peakEhs7d,
      // A negative index (no peak yet, no earlier day) has no date: dates[-1] is undefined.
      peakDate: history.dates[peakIndex] ?? null,
      drawdownDeepestSince: history.dates[deeper] ?? null,
      drawdownDeepestOnRecord: fromPeakPct === null ? null : deeper === -1,
      drawdownDeepest90dPct: ehs7d === null ? null : (history.drawdownDeepest90dPct[i] ?? null),
    },
    warnings,
  };
}
