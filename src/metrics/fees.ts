/**
 * Fee events: the week's busiest fee day against the 90 days before the week. A spike is judged on fees
 * per block (independent of the subsidy, so a halving alone never looks like a fee event) and must also be
 * a real share of revenue.
 */
import type { Metrics } from '../snapshot/schema';
import { type MetricsHistory, safeDiv, WINDOW_DAYS } from './history';
import type { MetricResult } from './reasons';

/** Length of the norm window before the week, days. */
export const FEE_NORM_DAYS = 90;
/** A fee day counts as a spike at this multiple of the norm's fees per block… */
export const FEE_SPIKE_MULTIPLE = 3;
/** …and when fees were at least this share of that day's revenue, %. */
export const FEE_SPIKE_MIN_SHARE_PCT = 10;

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * - `peakDay` = the day of W with the highest daily fee share (FeeTotNtv ÷ RevNtv); `peakDaySharePct`,
 *   `peakDayBtcPerBlock` (FeeTotNtv ÷ BlkCnt) on that day
 * - `norm90dSharePct`, `norm90dBtcPerBlock` = medians of the same daily figures over the 90 days before W
 * - `peakMultipleOfNorm` = peakDayBtcPerBlock ÷ norm90dBtcPerBlock
 * - `spike` = peakMultipleOfNorm ≥ 3 and peakDaySharePct ≥ 10
 */
export function computeFees(history: MetricsHistory, i: number): MetricResult<Metrics['fees']> {
  const share = history.feeSharePctDaily;
  const perBlock = history.feesPerBlockBtcDaily;
  let peak = -1;
  for (let k = Math.max(0, i - WINDOW_DAYS + 1); k <= i; k++) {
    const v = share[k];
    if (v !== null && v !== undefined && (peak < 0 || v > (share[peak] as number))) peak = k;
  }
  const normShare: number[] = [];
  const normPerBlock: number[] = [];
  for (let k = Math.max(0, i - WINDOW_DAYS - FEE_NORM_DAYS + 1); k <= i - WINDOW_DAYS; k++) {
    const s = share[k];
    const b = perBlock[k];
    if (s !== null && s !== undefined) normShare.push(s);
    if (b !== null && b !== undefined) normPerBlock.push(b);
  }
  const enough = normPerBlock.length >= FEE_NORM_DAYS / 2;
  const norm90dSharePct = enough ? median(normShare) : null;
  const norm90dBtcPerBlock = enough ? median(normPerBlock) : null;
  const peakDayBtcPerBlock = peak >= 0 ? (perBlock[peak] ?? null) : null;
  const peakDaySharePct = peak >= 0 ? (share[peak] ?? null) : null;
  const peakMultipleOfNorm = safeDiv(peakDayBtcPerBlock, norm90dBtcPerBlock);
  const warnings: string[] = [];
  if (peak < 0) warnings.push(`fees: no daily fee share in the 7 days up to ${history.dates[i]}`);
  else if (!enough) warnings.push('fees: fewer than 45 days of fee history before the week, no 90-day norm');
  return {
    metrics: {
      peakDay: peak >= 0 ? (history.dates[peak] ?? null) : null,
      peakDaySharePct,
      peakDayBtcPerBlock,
      norm90dSharePct,
      norm90dBtcPerBlock,
      peakMultipleOfNorm,
      spike:
        peakMultipleOfNorm === null || peakDaySharePct === null
          ? null
          : peakMultipleOfNorm >= FEE_SPIKE_MULTIPLE && peakDaySharePct >= FEE_SPIKE_MIN_SHARE_PCT,
    },
    warnings,
  };
}
