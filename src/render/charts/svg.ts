/**
 * SVG building blocks shared by the charts: an opaque light card (so the PNG reads the same on light and
 * dark mail themes), titles, legends, axes and the "data unavailable" state. Output is SVG text; every
 * label from data goes through escapeHtml because pool names are upstream-controlled.
 */
import { escapeHtml } from '../escape';
import { CHART_SIZE } from './catalog';

export const COLORS = {
  card: '#ffffff',
  border: '#d0d7de',
  text: '#1f2328',
  muted: '#57606a',
  grid: '#e6e9ee',
  primary: '#1f4e8c',
  accent: '#c8641e',
  violet: '#6e4fb8',
  good: '#2e7d32',
  bad: '#c62828',
  other: '#8c959f',
  unknown: '#c4cad3',
} as const;

export const FONT = 'DejaVu Sans';

/** Plot area inside the card: leaves room for title, legend and both axes. */
export const PLOT = {
  left: 66,
  right: CHART_SIZE.width - 66,
  top: 76,
  bottom: CHART_SIZE.height - 36,
} as const;

export interface TextOptions {
  size?: number;
  weight?: 'normal' | 'bold';
  fill?: string;
  anchor?: 'start' | 'middle' | 'end';
}

/** One line of text, escaped. */
export function text(x: number, y: number, content: string, o: TextOptions = {}): string {
  const attrs = [
    `x="${x.toFixed(1)}"`,
    `y="${y.toFixed(1)}"`,
    `font-family="${FONT}"`,
    `font-size="${o.size ?? 14}"`,
    `fill="${o.fill ?? COLORS.muted}"`,
  ];
  if (o.weight === 'bold') attrs.push('font-weight="bold"');
  if (o.anchor && o.anchor !== 'start') attrs.push(`text-anchor="${o.anchor}"`);
  return `<text ${attrs.join(' ')}>${escapeHtml(content)}</text>`;
}

/** Wraps chart content in the card: background, border, title and optional subtitle. */
export function card(title: string, subtitle: string, body: string): string {
  const { width: w, height: h } = CHART_SIZE;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">`,
    `<rect x="0.5" y="0.5" width="${w - 1}" height="${h - 1}" rx="8" fill="${COLORS.card}" stroke="${COLORS.border}"/>`,
    text(16, 30, title, { size: 19, weight: 'bold', fill: COLORS.text }),
    subtitle ? text(w - 16, 30, subtitle, { size: 13, anchor: 'end' }) : '',
    body,
    '</svg>',
  ].join('');
}

/** The empty state: a card that says plainly there is nothing to draw, instead of a broken chart. */
export function unavailableCard(title: string, why = 'data unavailable'): string {
  const { width: w, height: h } = CHART_SIZE;
  return card(
    title,
    '',
    `<rect x="16" y="44" width="${w - 32}" height="${h - 60}" rx="6" fill="#f6f8fa"/>${text(w / 2, h / 2 + 10, why, { size: 20, anchor: 'middle' })}`,
  );
}

/** Legend entries drawn left to right under the title. */
export function legend(items: { label: string; color: string; dashed?: boolean }[], y = 56): string {
  let x = 16;
  return items
    .map((item) => {
      const dash = item.dashed ? ' stroke-dasharray="5 3"' : '';
      const out = `<line x1="${x}" y1="${y - 4}" x2="${x + 18}" y2="${y - 4}" stroke="${item.color}" stroke-width="3"${dash}/>${text(x + 24, y, item.label, { fill: COLORS.text, size: 15 })}`;
      x += 24 + item.label.length * 8.4 + 22;
      return out;
    })
    .join('');
}

/** Horizontal grid lines with tick labels on the left or right edge of the plot. */
export function yAxis(
  ticks: number[],
  scale: (v: number) => number,
  format: (v: number) => string,
  side: 'left' | 'right',
  color: string,
  grid: boolean,
): string {
  return ticks
    .map((t) => {
      const y = scale(t);
      const line = grid
        ? `<line x1="${PLOT.left}" y1="${y.toFixed(1)}" x2="${PLOT.right}" y2="${y.toFixed(1)}" stroke="${COLORS.grid}"/>`
        : '';
      const x = side === 'left' ? PLOT.left - 6 : PLOT.right + 6;
      return `${line}${text(x, y + 4, format(t), { anchor: side === 'left' ? 'end' : 'start', fill: color, size: 14 })}`;
    })
    .join('');
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Month ticks along the bottom of a time plot: `Jan '26`. */
export function timeAxis(ticks: Date[], scale: (d: Date) => number): string {
  const baseline = `<line x1="${PLOT.left}" y1="${PLOT.bottom}" x2="${PLOT.right}" y2="${PLOT.bottom}" stroke="${COLORS.border}"/>`;
  return (
    baseline +
    ticks
      .map((d) => {
        const x = scale(d);
        const label = `${MONTHS[d.getUTCMonth()]} '${String(d.getUTCFullYear()).slice(2)}`;
        return `<line x1="${x.toFixed(1)}" y1="${PLOT.bottom}" x2="${x.toFixed(1)}" y2="${PLOT.bottom + 5}" stroke="${COLORS.border}"/>${text(x, PLOT.bottom + 20, label, { anchor: 'middle', size: 14 })}`;
      })
      .join('')
  );
}

/** Compact axis numbers: 60k, 1.2M, 950. */
export function compact(v: number): string {
  const abs = Math.abs(v);
  if (abs >= 1e6) return `${Number((v / 1e6).toFixed(1))}M`;
  if (abs >= 1e4) return `${Number((v / 1e3).toFixed(0))}k`;
  if (abs >= 1e3) return v.toLocaleString('en-US', { maximumFractionDigits: 0 });
  return `${Number(v.toFixed(abs < 1 ? 3 : abs < 10 ? 1 : 0))}`;
}

/** Truncates a label to `max` characters so a long (or hostile) name cannot run off the card. */
export function clip(label: string, max: number): string {
  return label.length <= max ? label : `${label.slice(0, max - 1)}\u2026`;
}
