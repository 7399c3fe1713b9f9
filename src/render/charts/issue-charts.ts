/**
 * The four chart specs of an issue, as SVG text, from the snapshot and the series. Pure and cheap; the
 * PNG step (raster.ts) is separate so tests can inspect the SVG.
 */
import type { ChartRow, Snapshot } from '../../snapshot/schema';
import { type Bar, barChart } from './bars';
import type { ChartId } from './catalog';
import { COLORS, compact } from './svg';
import { dualAxisChart } from './time-series';

/** The last `days` rows of the series (it is ordered by date), so charts show a fixed window. */
function window(series: ChartRow[], days: number): ChartRow[] {
  const sorted = [...series].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  return sorted.slice(-days);
}

function priceHashprice(series: ChartRow[]): string {
  const rows = window(series, 365);
  return dualAxisChart({
    title: 'BTC price vs hashprice',
    subtitle: 'daily, 12 months',
    dates: rows.map((r) => r.date),
    left: {
      label: 'BTC price, USD',
      color: COLORS.primary,
      values: rows.map((r) => r.priceUsd),
      format: (v) => `$${compact(v)}`,
    },
    right: {
      label: 'Hashprice, $/PH/day',
      color: COLORS.accent,
      values: rows.map((r) => r.hashpriceUsdPerPhDay7d),
      format: (v) => `$${compact(v)}`,
    },
  });
}

function hashrateDifficulty(series: ChartRow[]): string {
  const rows = window(series, 365);
  return dualAxisChart({
    title: 'Hashrate and difficulty',
    subtitle: 'daily, 12 months',
    dates: rows.map((r) => r.date),
    left: {
      label: 'Hashrate, EH/s (7d)',
      color: COLORS.primary,
      values: rows.map((r) => r.hashrateEhs7d),
      format: compact,
    },
    right: {
      label: 'Difficulty, T',
      color: COLORS.violet,
      values: rows.map((r) => (r.difficulty === null ? null : r.difficulty / 1e12)),
      format: (v) => `${compact(v)}T`,
      step: true,
      dashed: true,
    },
  });
}

function pools(snapshot: Snapshot): string {
  const p = snapshot.metrics.pools;
  const top = p.top.slice(0, 7);
  const known = top.reduce((s, x) => s + x.sharePct, 0);
  const others = Math.max(0, 100 - known - (p.unknownSharePct ?? 0));
  const bars: Bar[] = top.map((x) => ({
    label: x.name,
    value: x.sharePct,
    color: COLORS.primary,
    valueLabel: `${x.sharePct.toFixed(1)}%`,
  }));
  if (top.length > 0) {
    bars.push({
      label: 'Other pools',
      value: others,
      color: COLORS.other,
      valueLabel: `${others.toFixed(1)}%`,
    });
    if (p.unknownSharePct !== null)
      bars.push({
        label: 'Unidentified',
        value: p.unknownSharePct,
        color: COLORS.unknown,
        valueLabel: `${p.unknownSharePct.toFixed(1)}%`,
      });
  }
  const blocks = p.blockCount === null ? '' : `${p.blockCount} blocks, `;
  return barChart({ title: 'Pool shares of last week’s blocks', subtitle: `${blocks}% of all`, bars });
}

function breakeven(snapshot: Snapshot): string {
  const m = snapshot.metrics.miners;
  const power = m.powerPriceUsdPerKwh;
  return barChart({
    title: 'Breakeven power price by ASIC tier',
    subtitle: 'USD per kWh',
    bars: m.breakeven.map((t) => ({
      label: t.model,
      value: t.breakevenUsdPerKwh,
      color: t.breakevenUsdPerKwh !== null && t.breakevenUsdPerKwh < power ? COLORS.bad : COLORS.good,
      valueLabel: t.breakevenUsdPerKwh === null ? 'unavailable' : `$${t.breakevenUsdPerKwh.toFixed(3)}`,
    })),
    reference: { value: power, label: `power price $${power.toFixed(3)}` },
  });
}

/** SVG text of every chart of the issue, keyed by chart id. */
export function issueChartSvgs(snapshot: Snapshot, series: ChartRow[]): Record<ChartId, string> {
  return {
    'price-hashprice': priceHashprice(series),
    'hashrate-difficulty': hashrateDifficulty(series),
    pools: pools(snapshot),
    breakeven: breakeven(snapshot),
  };
}
