/**
 * Dual-axis time chart used by "price vs hashprice" and "hashrate with difficulty". Nulls break the line
 * (d3 `defined`), so a data gap shows as a gap instead of a misleading straight segment. Ticks are thinned
 * until their labels, measured in the chart font, have room: three or four per axis on a phone.
 */
import { extent } from 'd3-array';
import { type ScaleLinear, scaleLinear, scaleUtc } from 'd3-scale';
import { curveStepAfter, line as linePath } from 'd3-shape';
import { CHART_SIZE, CHART_WIDTH } from './catalog';
import { textWidth } from './fonts';
import {
  type ChartDrawing,
  type ColorRole,
  card,
  header,
  type LegendItem,
  legend,
  line,
  MIN_FONT,
  PAD,
  paint,
  text,
  unavailableCard,
} from './svg';

export interface SeriesSpec {
  label: string;
  color: ColorRole;
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

/** Stroke of a series line in chart units (≈ 1.9 CSS px at the narrowest display). */
const SERIES_STROKE = 3.5;
/** Gap between neighbouring tick labels, chart units. */
const LABEL_GAP = 20;

function domainOf(values: (number | null)[]): [number, number] | null {
  const [lo, hi] = extent(values.filter((v): v is number => v !== null));
  if (lo === undefined || hi === undefined) return null;
  const pad = (hi - lo) * 0.08 || Math.abs(hi) * 0.05 || 1;
  return [lo - pad, hi + pad];
}

function path(points: Point[], x: (d: Date) => number, y: (v: number) => number, step: boolean): string {
  const gen = linePath<Point>()
    .defined((p) => p.value !== null)
    .x((p) => x(p.date))
    .y((p) => y(p.value ?? 0));
  if (step) gen.curve(curveStepAfter);
  return gen(points) ?? '';
}

interface Axis {
  series: SeriesSpec;
  side: 'left' | 'right';
  scale: ScaleLinear<number, number>;
  ticks: number[];
  labels: string[];
  labelWidth: number;
}

/** A y scale with as many ticks (at most 5) as leave room between their labels on `height`. */
function yAxisFor(series: SeriesSpec, side: 'left' | 'right', height: number): Axis | null {
  const domain = domainOf(series.values);
  if (!domain || series.values.filter((v) => v !== null).length < 2) return null;
  for (let count = 5; count >= 2; count--) {
    const scale = scaleLinear().domain(domain).range([height, 0]).nice(count);
    const ticks = scale.ticks(count);
    const spacing =
      ticks.length > 1 ? Math.abs(scale(ticks[0] as number) - scale(ticks[1] as number)) : height;
    if (spacing >= MIN_FONT + 10 || count === 2) {
      const labels = ticks.map(series.format);
      const labelWidth = Math.max(0, ...labels.map((l) => textWidth(l, MIN_FONT)));
      return { series, side, scale, ticks, labels, labelWidth };
    }
  }
  return null;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY_MS = 86_400_000;

interface TimeTick {
  date: Date;
  label: string;
}

/** Month starts every `step` months (Jan, Apr, Jul, Oct for 3) within [first, last]. */
function monthTicks(first: Date, last: Date, step: number): TimeTick[] {
  const ticks: TimeTick[] = [];
  let year = first.getUTCFullYear();
  let month = first.getUTCMonth();
  for (;;) {
    const date = new Date(Date.UTC(year, month, 1));
    if (date > last) break;
    if (date >= first && month % step === 0)
      ticks.push({ date, label: `${MONTHS[month]} '${String(year).slice(2)}` });
    month++;
    if (month === 12) {
      month = 0;
      year++;
    }
  }
  return ticks;
}

/** Every `step` days from the last day backwards, so the latest day is always labelled. */
function dayTicks(first: Date, last: Date, step: number): TimeTick[] {
  const ticks: TimeTick[] = [];
  for (let t = last.getTime(); t >= first.getTime(); t -= step * DAY_MS) {
    const date = new Date(t);
    ticks.unshift({ date, label: `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]}` });
  }
  return ticks;
}

/** The densest ticks whose labels do not touch: months for spans of two months and more, else days. */
function timeTicks(first: Date, last: Date, x: (d: Date) => number): TimeTick[] {
  const spanDays = (last.getTime() - first.getTime()) / DAY_MS;
  const candidates =
    spanDays >= 62
      ? [1, 2, 3, 4, 6, 12].map((step) => monthTicks(first, last, step))
      : [1, 2, 3, 7, 14, 28].map((step) => dayTicks(first, last, step));
  const fits = (ticks: TimeTick[]) =>
    ticks.every((tick, i) => {
      const next = ticks[i + 1];
      if (!next) return true;
      const room = x(next.date) - x(tick.date);
      return room >= (textWidth(tick.label, MIN_FONT) + textWidth(next.label, MIN_FONT)) / 2 + LABEL_GAP;
    });
  return candidates.find(fits) ?? candidates.at(-1) ?? [];
}

/** X-axis baseline, tick marks and labels; edge labels are kept inside the card. */
function timeAxis(ticks: TimeTick[], x: (d: Date) => number, left: number, right: number, bottom: number) {
  const parts = [line(left, bottom, right, bottom, { color: 'border', width: 1.5, kind: 'grid' })];
  let previousEnd = Number.NEGATIVE_INFINITY;
  for (const tick of ticks) {
    const at = x(tick.date);
    const half = textWidth(tick.label, MIN_FONT) / 2;
    const centre = Math.min(Math.max(at, PAD + half), CHART_WIDTH - PAD - half);
    if (centre - half < previousEnd + LABEL_GAP / 2) continue;
    previousEnd = centre + half;
    parts.push(
      line(at, bottom, at, bottom + 6, { color: 'border', width: 1.5, kind: 'grid' }),
      text(centre, bottom + 8 + MIN_FONT, tick.label, { anchor: 'middle' }),
    );
  }
  return parts.join('');
}

/** SVG for a dual-axis line chart; an "unavailable" card when neither series has two points. */
export function dualAxisChart(spec: DualAxisSpec): ChartDrawing {
  const usable = (s: SeriesSpec) => s.values.filter((v) => v !== null).length >= 2;
  if (spec.dates.length < 2 || (!usable(spec.left) && !usable(spec.right)))
    return unavailableCard(spec.title);
  const height = CHART_SIZE.height;
  const top = header(spec.title, spec.subtitle);
  const legends: LegendItem[] = [spec.left, spec.right].map((s) => ({
    label: usable(s) ? s.label : `${s.label} (unavailable)`,
    color: s.color,
    dashed: s.dashed,
  }));
  const key = legend(legends, top.bottom);
  const plotTop = key.bottom + 16;
  const plotBottom = height - PAD - MIN_FONT - 14;
  const axes = [
    yAxisFor(spec.left, 'left', plotBottom - plotTop),
    yAxisFor(spec.right, 'right', plotBottom - plotTop),
  ];
  const leftAxis = axes[0];
  const rightAxis = axes[1];
  const plotLeft = PAD + (leftAxis ? leftAxis.labelWidth + 10 : 8);
  const plotRight = CHART_WIDTH - PAD - (rightAxis ? rightAxis.labelWidth + 10 : 8);

  const dates = spec.dates.map((d) => new Date(`${d}T00:00:00Z`));
  const first = dates[0] as Date;
  const last = dates[dates.length - 1] as Date;
  const x = scaleUtc().domain([first, last]).range([plotLeft, plotRight]);
  const parts: string[] = [];
  for (const axis of axes) {
    if (!axis) continue;
    const y = (v: number) => plotTop + axis.scale(v);
    axis.ticks.forEach((tick, i) => {
      const at = y(tick);
      if (axis.side === 'left')
        parts.push(line(plotLeft, at, plotRight, at, { color: 'grid', width: 1.5, kind: 'grid' }));
      const labelX = axis.side === 'left' ? plotLeft - 10 : plotRight + 10;
      parts.push(
        text(labelX, at + 7, axis.labels[i] ?? '', {
          anchor: axis.side === 'left' ? 'end' : 'start',
          color: axis.series.color,
        }),
      );
    });
  }
  parts.push(timeAxis(timeTicks(first, last, x), x, plotLeft, plotRight, plotBottom));
  for (const axis of axes) {
    if (!axis) continue;
    const y = (v: number) => plotTop + axis.scale(v);
    const points = dates.map((date, i) => ({ date, value: axis.series.values[i] ?? null }));
    const dash = axis.series.dashed ? ' stroke-dasharray="8 4"' : '';
    parts.push(
      `<path d="${path(points, x, y, axis.series.step === true)}" ${paint({ fill: 'none', stroke: axis.series.color })} stroke-width="${SERIES_STROKE}" stroke-linejoin="round"${dash} data-kind="data"/>`,
    );
  }
  return card(height, top.svg + key.svg, parts.join(''));
}
