/**
 * "This cycle so far": how far price and the 7-day hashrate stand below their highs since the halving
 * that opened the current cycle. Shown beside the stress scenario's configured shocks, so the reader sees
 * the fall that has actually happened next to the one that is assumed.
 */
import { type MetricsHistory, pctChange } from './history';
import type { MetricResult } from './reasons';

/** The cycle figures (all null when the cycle start is unknown). */
export interface CycleDrawdown {
  cycleStartDate: string | null;
  cyclePricePeakUsd: number | null;
  cyclePricePeakDate: string | null;
  cyclePriceDrawdownPct: number | null;
  cycleHashratePeakEhs7d: number | null;
  cycleHashratePeakDate: string | null;
  cycleHashrateDrawdownPct: number | null;
}

/** Every cycle figure null (no Coin Metrics row for the as-of day). */
export function nullCycleDrawdown(): CycleDrawdown {
  return {
    cycleStartDate: null,
    cyclePricePeakUsd: null,
    cyclePricePeakDate: null,
    cyclePriceDrawdownPct: null,
    cycleHashratePeakEhs7d: null,
    cycleHashratePeakDate: null,
    cycleHashrateDrawdownPct: null,
  };
}

function peak(
  values: readonly (number | null)[],
  from: number,
  to: number,
): { value: number; index: number } | null {
  let best: { value: number; index: number } | null = null;
  for (let k = from; k <= to; k++) {
    const v = values[k];
    if (typeof v === 'number' && Number.isFinite(v) && (best === null || v > best.value))
      best = { value: v, index: k };
  }
  return best;
}

/**
 * For the cycle that began on day `start` (the halving day, or genesis for the first cycle) up to day i:
 * - `cyclePricePeakUsd`, `cyclePricePeakDate` = max PriceUSD over start…D and its first day
 * - `cyclePriceDrawdownPct` = (PriceUSD[D] ÷ that peak − 1) × 100 (%, ≤ 0)
 * - `cycleHashratePeakEhs7d`, `…PeakDate`, `cycleHashrateDrawdownPct`: the same for the 7-day mean
 *   hashrate (each day's value is the mean of the 7 days ending that day)
 */
export function computeCycleDrawdown(
  history: MetricsHistory,
  i: number,
  start: number | null,
): MetricResult<CycleDrawdown> {
  if (start === null || start < 0 || start > i) {
    return {
      metrics: nullCycleDrawdown(),
      warnings: [
        'stress.cycle… unavailable: the start of the halving cycle is unknown (no block height back to the last halving)',
      ],
    };
  }
  const warnings: string[] = [];
  const price = history.column('PriceUSD');
  const pricePeak = peak(price, start, i);
  const hashPeak = peak(history.hashrateEhs7d, start, i);
  const priceNow = price[i] ?? null;
  const hashNow = history.hashrateEhs7d[i] ?? null;
  const priceDrawdown = pricePeak === null ? null : pctChange(priceNow, pricePeak.value);
  const hashDrawdown = hashPeak === null ? null : pctChange(hashNow, hashPeak.value);
  if (priceDrawdown === null)
    warnings.push('stress.cyclePriceDrawdownPct unavailable: no PriceUSD for the day or the cycle');
  if (hashDrawdown === null)
    warnings.push('stress.cycleHashrateDrawdownPct unavailable: no 7-day hashrate for the day or the cycle');
  return {
    metrics: {
      cycleStartDate: history.dates[start] ?? null,
      cyclePricePeakUsd: pricePeak?.value ?? null,
      cyclePricePeakDate: pricePeak === null ? null : (history.dates[pricePeak.index] ?? null),
      cyclePriceDrawdownPct: priceDrawdown,
      cycleHashratePeakEhs7d: hashPeak?.value ?? null,
      cycleHashratePeakDate: hashPeak === null ? null : (history.dates[hashPeak.index] ?? null),
      cycleHashrateDrawdownPct: hashDrawdown,
    },
    warnings,
  };
}
