/**
 * Horizontal bar chart used by pool shares and breakeven-by-tier: labels on the left (clipped so a long
 * or hostile name cannot overflow), value labels at the bar's end, an optional vertical reference line.
 */
import { scaleLinear } from 'd3-scale';
import { CHART_SIZE } from './catalog';
import { COLORS, card, clip, text, unavailableCard } from './svg';

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

const LABEL_WIDTH = 206;
const TOP = 50;

/** SVG text for a horizontal bar chart; an "unavailable" card when no bar has a value. */
export function barChart(spec: BarSpec): string {
  const values = spec.bars.map((b) => b.value).filter((v): v is number => v !== null);
  if (values.length === 0) return unavailableCard(spec.title);
  const maxValue = Math.max(spec.max ?? 0, ...values, spec.reference?.value ?? 0);
  const left = 16 + LABEL_WIDTH;
  const right = CHART_SIZE.width - 84;
  const x = scaleLinear().domain([0, maxValue]).range([left, right]);
  const bottom = CHART_SIZE.height - (spec.reference ? 34 : 12);
  const band = Math.min(44, (bottom - TOP) / spec.bars.length);
  const barHeight = Math.max(6, band * 0.62);
  const parts: string[] = [];
  if (spec.reference) {
    // Drawn first so bars and their value labels sit on top of the marker.
    const rx = x(spec.reference.value);
    parts.push(
      `<line x1="${rx.toFixed(1)}" y1="${TOP - 4}" x2="${rx.toFixed(1)}" y2="${bottom + 2}" stroke="${COLORS.text}" stroke-width="1.5" stroke-dasharray="5 3"/>`,
      text(Math.min(rx, right - 40), bottom + 22, spec.reference.label, {
        anchor: 'middle',
        size: 14,
        fill: COLORS.text,
      }),
    );
  }
  const drawn = spec.bars.map((bar, i) => {
    const yMid = TOP + band * i + band / 2;
    const label = text(16, yMid + 5, clip(bar.label, 22), { fill: COLORS.text, size: 15 });
    if (bar.value === null)
      return `${label}${text(left + 4, yMid + 5, bar.valueLabel, { size: 15, fill: COLORS.muted })}`;
    const w = Math.max(1, x(bar.value) - left);
    return `${label}<rect x="${left}" y="${(yMid - barHeight / 2).toFixed(1)}" width="${w.toFixed(1)}" height="${barHeight.toFixed(1)}" rx="2" fill="${bar.color}"/><rect x="${(left + w + 2).toFixed(1)}" y="${(yMid - 11).toFixed(1)}" width="${(bar.valueLabel.length * 9 + 6).toFixed(1)}" height="21" fill="${COLORS.card}"/>${text(left + w + 5, yMid + 5, bar.valueLabel, { size: 15, fill: COLORS.text })}`;
  });
  return card(spec.title, spec.subtitle, [...parts, ...drawn].join(''));
}
