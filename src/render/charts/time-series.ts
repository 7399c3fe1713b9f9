/**
 * Dual-axis time chart used by "price vs hashprice" and "hashrate with difficulty". Nulls break the line
 * (d3 `defined`), so a data gap shows as a gap instead of a misleading straight segment.
 */
import { extent } from 'd3-array';
import { scaleLinear, scaleUtc } from 'd3-scale';
import { curveStepAfter, line } from 'd3-shape';
import { card, legend, PLOT, timeAxis, unavailableCard, yAxis } from './svg';

export interface SeriesSpec {
  label: string;
  color: string;
  values: (number | null)[];
  format: (v: number) => string;
  /** Draw as steps (difficulty changes in epochs) rather than a smooth line. */
  step?: boolean;
  dashed?: boolean;
}

export interface DualAxisSpec {
  title: string;
  subtitle: string;
  dates: string[];
  left: SeriesSpec;
  right: SeriesSpec;
}

interface Point {
  date: Date;
  value: number | null;
}

function domainOf(values: (number | null)[]): [number, number] | null {
  const [lo, hi] = extent(values.filter((v): v is number => v !== null));
  if (lo === undefined || hi === undefined) return null;
  const pad = (hi - lo) * 0.08 || Math.abs(hi) * 0.05 || 1;
  return [lo - pad, hi + pad];
}

function path(points: Point[], x: (d: Date) => number, y: (v: number) => number, step: boolean): string {
  const gen = line<Point>()
    .defined((p) => p.value !== null)
    .x((p) => x(p.date))
    .y((p) => y(p.value ?? 0));
  if (step) gen.curve(curveStepAfter);
  return gen(points) ?? '';
}

/** SVG text for a dual-axis line chart; an "unavailable" card when neither series has two points. */
export function dualAxisChart(spec: DualAxisSpec): string {
  const usable = (s: SeriesSpec) => s.values.filter((v) => v !== null).length >= 2;
  if (spec.dates.length < 2 || (!usable(spec.left) && !usable(spec.right)))
    return unavailableCard(spec.title);
  const dates = spec.dates.map((d) => new Date(`${d}T00:00:00Z`));
  const first = dates[0] as Date;
  const last = dates[dates.length - 1] as Date;
  const x = scaleUtc().domain([first, last]).range([PLOT.left, PLOT.right]);
  const parts: string[] = [];
  const legends: { label: string; color: string; dashed?: boolean }[] = [];
  const sides: [SeriesSpec, 'left' | 'right'][] = [
    [spec.left, 'left'],
    [spec.right, 'right'],
  ];
  for (const [series, side] of sides) {
    const domain = domainOf(series.values);
    if (!domain || !usable(series)) {
      legends.push({ label: `${series.label} (unavailable)`, color: series.color, dashed: series.dashed });
      continue;
    }
    const y = scaleLinear().domain(domain).range([PLOT.bottom, PLOT.top]).nice(4);
    parts.push(yAxis(y.ticks(4), y, series.format, side, series.color, side === 'left'));
    const points = dates.map((date, i) => ({ date, value: series.values[i] ?? null }));
    const dash = series.dashed ? ' stroke-dasharray="6 3"' : '';
    parts.push(
      `<path d="${path(points, x, y, series.step === true)}" fill="none" stroke="${series.color}" stroke-width="3" stroke-linejoin="round"${dash}/>`,
    );
    legends.push({ label: series.label, color: series.color, dashed: series.dashed });
  }
  parts.unshift(timeAxis(x.ticks(4), x));
  return card(spec.title, spec.subtitle, `${legend(legends)}${parts.join('')}`);
}
