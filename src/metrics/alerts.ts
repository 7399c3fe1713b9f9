/** Threshold alerts (thresholds from the assumptions), each naming the metric keys it reads. */
import type { Alert, Metrics } from '../snapshot/schema';
import type { Assumptions } from './assumptions';
import { pct, usd } from './format';

/** Share of the two largest identified pools, %, or null without pool data. */
export function top2SharePct(pools: Metrics['pools']): number | null {
  if (pools.top.length === 0) return null;
  return pools.top.slice(0, 2).reduce((s, p) => s + p.sharePct, 0);
}

/**
 * - `hashprice-low`: percentile ≤ hashpricePercentileAtMost (critical on a record low, else warning)
 * - `hashrate-drawdown`: fromPeakPct ≤ hashrateFromPeakPctAtMost (warning)
 * - `pool-top1`: topPoolSharePct > topPoolSharePctAbove (warning)
 * - `pool-top2`: two largest pools > top2SharePctAbove (critical)
 * - `nakamoto-low`: nakamotoCoefficient ≤ nakamotoCoefficientAtMost (critical)
 * - `difficulty-drop`: nextAdjustmentPct ≤ difficultyAdjustmentPctAtMost (info)
 * Null metrics raise no alert.
 */
export function buildAlerts(m: Metrics, assumptions: Assumptions): Alert[] {
  const t = assumptions.alerts;
  const alerts: Alert[] = [];
  const h = m.hashprice;
  if (h.percentile !== null && h.usdPerPhDay !== null && h.percentile <= t.hashpricePercentileAtMost) {
    alerts.push({
      id: 'hashprice-low',
      severity: h.recordLow ? 'critical' : 'warning',
      message: h.recordLow
        ? `Hashprice is at a record low: ${usd(h.usdPerPhDay)} per PH/s per day.`
        : `Hashprice (${usd(h.usdPerPhDay)} per PH/s per day) is in the lowest ${pct(h.percentile)} of its history, the lowest since ${h.lowestSince}.`,
      metricKeys: [
        'hashprice.usdPerPhDay',
        'hashprice.percentile',
        'hashprice.lowestSince',
        'hashprice.recordLow',
      ],
    });
  }
  const fromPeak = m.hashrate.fromPeakPct;
  if (fromPeak !== null && fromPeak <= t.hashrateFromPeakPctAtMost) {
    alerts.push({
      id: 'hashrate-drawdown',
      severity: 'warning',
      message: `Hashrate is ${pct(fromPeak)} below its peak (${m.hashrate.peakDate}).`,
      metricKeys: ['hashrate.fromPeakPct', 'hashrate.ehs7d'],
    });
  }
  const top1 = m.pools.topPoolSharePct;
  if (top1 !== null && top1 > t.topPoolSharePctAbove) {
    alerts.push({
      id: 'pool-top1',
      severity: 'warning',
      message: `${m.pools.top[0]?.name ?? 'The largest pool'} mined ${pct(top1)} of last week's blocks.`,
      metricKeys: ['pools.topPoolSharePct'],
    });
  }
  const top2 = top2SharePct(m.pools);
  if (top2 !== null && top2 > t.top2SharePctAbove) {
    alerts.push({
      id: 'pool-top2',
      severity: 'critical',
      message: `The two largest pools mined ${pct(top2)} of last week's blocks.`,
      metricKeys: ['pools.top'],
    });
  }
  const nc = m.pools.nakamotoCoefficient;
  if (nc !== null && nc <= t.nakamotoCoefficientAtMost) {
    alerts.push({
      id: 'nakamoto-low',
      severity: 'critical',
      message: `${nc} ${nc === 1 ? 'pool' : 'pools'} mined more than half of last week's blocks (Nakamoto coefficient ${nc}).`,
      metricKeys: ['pools.nakamotoCoefficient'],
    });
  }
  const adj = m.difficulty.nextAdjustmentPct;
  if (adj !== null && adj <= t.difficultyAdjustmentPctAtMost) {
    alerts.push({
      id: 'difficulty-drop',
      severity: 'info',
      message: `Difficulty is forecast to fall ${pct(adj)} at the next adjustment${m.difficulty.nextAdjustmentDate ? ` (around ${m.difficulty.nextAdjustmentDate})` : ''}.`,
      metricKeys: ['difficulty.nextAdjustmentPct'],
    });
  }
  return alerts;
}
