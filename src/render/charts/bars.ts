/**
 * Horizontal bar chart used by pool shares and breakeven-by-tier, laid out for a phone: each entry is a
 * line of text (name on the left, cut to fit, value on the right) above its full-width bar, so names and
 * values keep a legible size however narrow the screen. An optional vertical reference line is drawn
 * behind; text crossing it gets a card-coloured halo.
 */
import { scaleLinear } from 'd3-scale';
import { CHART_WIDTH } from './catalog';
import { fitText, textWidth } from './fonts';
import {
  type ChartDrawing,
  type ColorRole,
  card,
  header,
  line,
  MIN_FONT,
  PAD,
  paint,
  text,
  unavailableCard,
} from './svg';

export interface Bar {
  label: string;
  value: number | null;
  color: ColorRole;
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

const BAR_HEIGHT = 12;
/** Label line + gap + bar + gap below. */
const ROW_HEIGHT = MIN_FONT + 7 + BAR_HEIGHT + 10;

/** SVG for a horizontal bar chart; an "unavailable" card when no bar has a value. */
export function barChart(spec: BarSpec): ChartDrawing {
  const values = spec.bars.map((b) => b.value).filter((v): v is number => v !== null);
  if (values.length === 0) return unavailableCard(spec.title);
  const maxValue = Math.max(spec.max ?? 0, ...values, spec.reference?.value ?? 0);
  const left = PAD;
  const right = CHART_WIDTH - PAD;
  const x = scaleLinear().domain([0, maxValue]).range([left, right]);
  const top = header(spec.title, spec.subtitle);
  const rowsTop = top.bottom + 6;
  const rowsBottom = rowsTop + spec.bars.length * ROW_HEIGHT - 6;
  const parts: string[] = [];
  let height = rowsBottom + PAD;
  if (spec.reference) {
    // Drawn first so bars and labels sit on top of the marker.
    const rx = x(spec.reference.value);
    const labelY = rowsBottom + 8 + MIN_FONT;
    const half = textWidth(spec.reference.label, MIN_FONT) / 2;
    const centre = Math.min(Math.max(rx, PAD + half), CHART_WIDTH - PAD - half);
    parts.push(
      line(rx, rowsTop, rx, rowsBottom + 4, { color: 'text', width: 3, dash: '7 4', kind: 'data' }),
      text(centre, labelY, spec.reference.label, { anchor: 'middle', color: 'text' }),
    );
    height = labelY + 6 + PAD;
  }
  spec.bars.forEach((bar, i) => {
    const baseline = rowsTop + i * ROW_HEIGHT + MIN_FONT;
    const weight = bar.value === null ? 'normal' : 'bold';
    const valueWidth = textWidth(bar.valueLabel, MIN_FONT, weight);
    const name = fitText(bar.label, MIN_FONT, right - left - valueWidth - 16);
    const halo = spec.reference !== undefined;
    parts.push(
      text(left, baseline, name, { color: 'text', halo }),
      text(right, baseline, bar.valueLabel, {
        anchor: 'end',
        color: bar.value === null ? 'muted' : 'text',
        weight,
        halo,
      }),
    );
    if (bar.value !== null) {
      const width = Math.max(2, x(bar.value) - left);
      parts.push(
        `<rect x="${left}" y="${baseline + 7}" width="${width.toFixed(1)}" height="${BAR_HEIGHT}" rx="2" ${paint({ fill: bar.color })}/>`,
      );
    }
  });
  return card(Math.ceil(height), top.svg, parts.join(''));
}
