/**
 * Horizontal bar chart used by pool shares and breakeven-by-tier: labels on the left (clipped so a long
 * or hostile name cannot overflow), value labels at the bar's end, an optional vertical reference line.
 */
import { scaleLinear } from 'd3-scale';
import { CHART_SIZE } from './catalog';
import { card, clip, COLORS, text, unavailableCard } from './svg';

export interface Bar {
  label: string;
  value: number | null;
  color: string;
  valueLabel: string;
}

export interface BarSpec {
  title: string;
  subtitle: string;
  bars: Bar[];
  /** A vertical marker, e.g. the configured power price. */
  reference?: { value: number; label: string };
  /** Upper end of the axis (e.g. 100 for shares); defaults to the data's maximum. */
  max?: number;
}

const LABEL_WIDTH = 190;
const TOP = 48;

/** SVG text for a horizontal bar chart; an "unavailable" card when no bar has a value. */
export function barChart(spec: BarSpec): string {
  const values = spec.bars.map((b) => b.value).filter((v): v is number => v !== null);
  if (values.length === 0) return unavailableCard(spec.title);
  const maxValue = Math.max(spec.max ?? 0, ...values, spec.reference?.value ?? 0);
  const left = 16 + LABEL_WIDTH;
  const right = CHART_SIZE.width - 70;
  const x = scaleLinear().domain([0, maxValue]).range([left, right]);
  const bottom = CHART_SIZE.height - (spec.reference ? 30 : 16);
  const band = Math.min(44, (bottom - TOP) / spec.bars.length);
  const barHeight = Math.max(6, band * 0.62);
  const parts: string[] = [];
  if (spec.reference) {
    // Drawn first so bars and their value labels sit on top of the marker.
    const rx = x(spec.reference.value);
    parts.push(
      `<line x1="${rx.toFixed(1)}" y1="${TOP - 4}" x2="${rx.toFixed(1)}" y2="${bottom + 2}" stroke="${COLORS.text}" stroke-width="1.5" stroke-dasharray="5 3"/>`,
      text(rx, bottom + 16, spec.reference.label, { anchor: 'middle', size: 10, fill: COLORS.text }),
    );
  }
  const drawn = spec.bars.map((bar, i) => {
    const yMid = TOP + band * i + band / 2;
    const label = text(16, yMid + 4, clip(bar.label, 28), { fill: COLORS.text, size: 11 });
    if (bar.value === null)
      return `${label}${text(left + 4, yMid + 4, bar.valueLabel, { size: 11, fill: COLORS.muted })}`;
    const w = Math.max(1, x(bar.value) - left);
    return `${label}<rect x="${left}" y="${(yMid - barHeight / 2).toFixed(1)}" width="${w.toFixed(1)}" height="${barHeight.toFixed(1)}" rx="2" fill="${bar.color}"/>${text(left + w + 5, yMid + 4, bar.valueLabel, { size: 11, fill: COLORS.text, halo: true })}`;
  });
  return card(spec.title, spec.subtitle, [...parts, ...drawn].join(''));
}
