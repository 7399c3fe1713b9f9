/**
 * The four charts of an issue, drawn as SVG from the snapshot and the series. Pure and cheap; the PNG
 * step (raster.ts) is separate so tests can inspect the SVG.
 */
import type { ChartRow, Snapshot } from '../../snapshot/schema';
import { type Bar, barChart } from './bars';
import type { ChartId } from './catalog';
import { type ChartDrawing, compact } from './svg';
import { dualAxisChart, type SeriesSpec } from './time-series';

/** The last `days` rows of the series (it is ordered by date), so charts show a fixed window. */
function window(series: ChartRow[], days: number): ChartRow[] {
  const sorted = [...series].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  return sorted.slice(-days);
}

/** What a time chart's window covers: "daily, 12 months" for a full year, else its real length. */
function spanSubtitle(rows: ChartRow[]): string {
  const days = rows.length;
  if (days >= 365) return 'daily, 12 months';
  if (days >= 61) return `daily, ${Math.round(days / 30.44)} months`;
  return `daily, ${days} days`;
}

/** One axis of a time chart: how it is drawn, and which figure of a row it plots. */
type AxisOf = Omit<SeriesSpec, 'values'> & { value: (row: ChartRow) => number | null };

/** Two figures over the last 12 months of the series (or all of a shorter one), one per axis. */
function lastYearChart(series: ChartRow[], title: string, left: AxisOf, right: AxisOf): ChartDrawing {
  const rows = window(series, 365);
  const axis = ({ value, ...spec }: AxisOf): SeriesSpec => ({ ...spec, values: rows.map(value) });
  return dualAxisChart({
    title,
    subtitle: spanSubtitle(rows),
    dates: rows.map((r) => r.date),
    left: axis(left),
    right: axis(right),
  });
}

/** BTC price against the 7-day hashprice. */
export function priceHashpriceChart(series: ChartRow[]): ChartDrawing {
  return lastYearChart(
    series,
    'BTC price vs hashprice',
    {
      label: 'BTC price, USD',
      color: 'primary',
      value: (r) => r.priceUsd,
      format: (v) => `$${compact(v)}`,
    },
    {
      label: 'Hashprice, $/PH/day',
      color: 'accent',
      value: (r) => r.hashpriceUsdPerPhDay7d,
      format: (v) => `$${compact(v)}`,
    },
  );
}

/** 7-day hashrate against the difficulty in force. */
export function hashrateDifficultyChart(series: ChartRow[]): ChartDrawing {
  return lastYearChart(
    series,
    'Hashrate and difficulty',
    { label: 'Hashrate, EH/s (7d)', color: 'primary', value: (r) => r.hashrateEhs7d, format: compact },
    {
      label: 'Difficulty, T',
      color: 'violet',
      value: (r) => (r.difficulty === null ? null : r.difficulty / 1e12),
      format: (v) => `${compact(v)}T`,
      step: true,
      dashed: true,
    },
  );
}

/** The week's block shares: the seven largest pools, the others and the unidentified miners. */
export function poolSharesChart(p: Snapshot['metrics']['pools']): ChartDrawing {
  const top = p.top.slice(0, 7);
  const known = top.reduce((s, x) => s + x.sharePct, 0);
  const others = Math.max(0, 100 - known - (p.unknownSharePct ?? 0));
  const bars: Bar[] = top.map((x) => ({
    label: x.name,
    value: x.sharePct,
    color: 'primary',
    valueLabel: `${x.sharePct.toFixed(1)}%`,
  }));
  if (top.length > 0) {
    bars.push({
      label: 'Other pools',
      value: others,
      color: 'other',
      valueLabel: `${others.toFixed(1)}%`,
    });
    if (p.unknownSharePct !== null)
      bars.push({
        label: 'Unidentified',
        value: p.unknownSharePct,
        color: 'unknown',
        valueLabel: `${p.unknownSharePct.toFixed(1)}%`,
      });
  }
  const blocks = p.blockCount === null ? '' : `${p.blockCount} blocks, `;
  return barChart({ title: 'Pool shares of the week’s blocks', subtitle: `${blocks}% of all`, bars });
}

function breakeven(snapshot: Snapshot): ChartDrawing {
  const m = snapshot.metrics.miners;
  const power = m.powerPriceUsdPerKwh;
  return barChart({
    title: 'Breakeven power price by machine type',
    subtitle: 'USD per kWh',
    bars: m.breakeven.map((t) => ({
      label: t.model,
      value: t.breakevenUsdPerKwh,
      color: t.breakevenUsdPerKwh !== null && t.breakevenUsdPerKwh < power ? 'bad' : 'good',
      valueLabel: t.breakevenUsdPerKwh === null ? 'unavailable' : `$${t.breakevenUsdPerKwh.toFixed(3)}`,
    })),
    reference: { value: power, label: `power price $${power.toFixed(3)}` },
  });
}

/** Every chart of the issue, keyed by chart id. */
export function issueChartDrawings(snapshot: Snapshot, series: ChartRow[]): Record<ChartId, ChartDrawing> {
  return {
    'price-hashprice': priceHashpriceChart(series),
    'hashrate-difficulty': hashrateDifficultyChart(series),
    pools: poolSharesChart(snapshot.metrics.pools),
    breakeven: breakeven(snapshot),
  };
}

/** SVG text of every chart of the issue, keyed by chart id. */
export function issueChartSvgs(snapshot: Snapshot, series: ChartRow[]): Record<ChartId, string> {
  const drawings = issueChartDrawings(snapshot, series);
  return {
    'price-hashprice': drawings['price-hashprice'].svg,
    'hashrate-difficulty': drawings['hashrate-difficulty'].svg,
    pools: drawings.pools.svg,
    breakeven: drawings.breakeven.svg,
  };
}
