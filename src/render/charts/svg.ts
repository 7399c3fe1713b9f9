/**
 * SVG building blocks shared by the charts: an opaque card (so the PNG reads the same on light and dark
 * mail themes), titles, legends, axes and the "data unavailable" state. Output is SVG text; every label
 * from data goes through escapeHtml because pool names are upstream-controlled.
 *
 * Drawn for a phone: the charts are 600 units wide and shown as narrow as 327 CSS px (a 375-px phone,
 * minus the email's margins), so every text is at least MIN_FONT units (≥ 11 CSS px there) and every data
 * line at least MIN_STROKE units (≥ 1.5 CSS px). Each painted element carries a class per colour role
 * (`f-<role>` for fill, `s-<role>` for stroke) next to its colour attribute: resvg paints the attributes,
 * and the web edition, which inlines the SVG, recolours the roles for dark mode (chartThemeCss).
 */
import { escapeHtml } from '../../text/escape';
import { CHART_WIDTH } from './catalog';
import { FONT_STACK, textWidth } from './fonts';

/** Light palette (the PNGs and the light web theme). Text colours have ≥ 4.5:1 contrast on the card. */
export const COLORS = {
  card: '#ffffff',
  border: '#d0d7de',
  text: '#1f2328',
  muted: '#57606a',
  grid: '#e6e9ee',
  soft: '#f6f8fa',
  primary: '#1f4e8c',
  accent: '#b0530f',
  violet: '#6e4fb8',
  good: '#2e7d32',
  bad: '#c62828',
  other: '#8c959f',
  unknown: '#b6bec8',
} as const;

export type ColorRole = keyof typeof COLORS;

/** Dark palette for the web edition's dark theme; text colours have ≥ 4.5:1 contrast on its card. */
export const DARK_COLORS: Record<ColorRole, string> = {
  card: '#161b22',
  border: '#30363d',
  text: '#e6edf3',
  muted: '#9aa4ae',
  grid: '#30363d',
  soft: '#1c222b',
  primary: '#7fb0ff',
  accent: '#f0883e',
  violet: '#b392f0',
  good: '#4ac26b',
  bad: '#ff7b72',
  other: '#8b949e',
  unknown: '#6e7681',
};

/** Smallest font size in chart units: 21 × 327 / 600 ≈ 11.4 CSS px on a phone, ≥ 12 px on the web. */
export const MIN_FONT = 21;
/** Title size in chart units. */
export const TITLE_FONT = 24;
/** Smallest stroke of a data line in chart units: 3 × 327 / 600 ≈ 1.6 CSS px on a phone. */
export const MIN_STROKE = 3;

/** Inner margin of the card. */
export const PAD = 16;

/** CSS for the inline charts of the web edition in dark mode: every colour role repainted. */
export function chartThemeCss(scope: string): string {
  return (Object.keys(DARK_COLORS) as ColorRole[])
    .map(
      (role) =>
        `${scope} .f-${role}{fill:${DARK_COLORS[role]}}${scope} .s-${role}{stroke:${DARK_COLORS[role]}}`,
    )
    .join('');
}

/** Fill and/or stroke attributes with their role classes. */
export function paint(o: { fill?: ColorRole | 'none'; stroke?: ColorRole }): string {
  const attrs: string[] = [];
  const classes: string[] = [];
  if (o.fill === 'none') attrs.push('fill="none"');
  else if (o.fill) {
    attrs.push(`fill="${COLORS[o.fill]}"`);
    classes.push(`f-${o.fill}`);
  }
  if (o.stroke) {
    attrs.push(`stroke="${COLORS[o.stroke]}"`);
    classes.push(`s-${o.stroke}`);
  }
  if (classes.length > 0) attrs.push(`class="${classes.join(' ')}"`);
  return attrs.join(' ');
}

export interface TextOptions {
  size?: number;
  weight?: 'normal' | 'bold';
  color?: ColorRole;
  anchor?: 'start' | 'middle' | 'end';
  /** A card-coloured outline behind the letters, so a line crossing the text does not cut through it. */
  halo?: boolean;
}

/** One line of text, escaped. */
export function text(x: number, y: number, content: string, o: TextOptions = {}): string {
  const attrs = [
    `x="${x.toFixed(1)}"`,
    `y="${y.toFixed(1)}"`,
    `font-family="${FONT_STACK}"`,
    `font-size="${o.size ?? MIN_FONT}"`,
    paint(o.halo ? { fill: o.color ?? 'muted', stroke: 'card' } : { fill: o.color ?? 'muted' }),
  ];
  if (o.halo) attrs.push('stroke-width="6" stroke-linejoin="round" paint-order="stroke"');
  if (o.weight === 'bold') attrs.push('font-weight="bold"');
  if (o.anchor && o.anchor !== 'start') attrs.push(`text-anchor="${o.anchor}"`);
  return `<text ${attrs.join(' ')}>${escapeHtml(content)}</text>`;
}

/** A straight line. `kind` names what it is for tests and themes: data lines must stay thick. */
export function line(
  x1: number,
  y1: number,
  x2: number,
  y2: number,
  o: { color: ColorRole; width: number; dash?: string; kind?: 'data' | 'grid' },
): string {
  const dash = o.dash ? ` stroke-dasharray="${o.dash}"` : '';
  const kind = o.kind === 'data' ? ' data-kind="data"' : '';
  return `<line x1="${x1.toFixed(1)}" y1="${y1.toFixed(1)}" x2="${x2.toFixed(1)}" y2="${y2.toFixed(1)}" ${paint({ stroke: o.color })} stroke-width="${o.width}"${dash}${kind}/>`;
}

/** A chart as drawn: its size in units (CSS px at 1×) and its SVG document. */
export interface ChartDrawing {
  width: number;
  height: number;
  svg: string;
}

/**
 * Wraps chart content in the card: background, border and `header` (already drawn). `height` is the
 * card's; the width is always CHART_WIDTH.
 */
export function card(height: number, header: string, body: string): ChartDrawing {
  const w = CHART_WIDTH;
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${height}" viewBox="0 0 ${w} ${height}">`,
    `<rect x="0.5" y="0.5" width="${w - 1}" height="${height - 1}" rx="8" ${paint({ fill: 'card', stroke: 'border' })}/>`,
    header,
    body,
    '</svg>',
  ].join('');
  return { width: w, height, svg };
}

/**
 * The title, and the subtitle beside it when both fit on one line, else under it. Returns the drawn text
 * and the y of the first free line below.
 */
export function header(title: string, subtitle: string): { svg: string; bottom: number } {
  const inner = CHART_WIDTH - 2 * PAD;
  const titleY = PAD + TITLE_FONT;
  const drawnTitle = text(PAD, titleY, title, { size: TITLE_FONT, weight: 'bold', color: 'text' });
  if (!subtitle) return { svg: drawnTitle, bottom: titleY + 10 };
  const together = textWidth(title, TITLE_FONT, 'bold') + 24 + textWidth(subtitle, MIN_FONT) <= inner;
  if (together) {
    return {
      svg: drawnTitle + text(CHART_WIDTH - PAD, titleY, subtitle, { anchor: 'end' }),
      bottom: titleY + 10,
    };
  }
  const subtitleY = titleY + MIN_FONT + 8;
  return { svg: drawnTitle + text(PAD, subtitleY, subtitle), bottom: subtitleY + 10 };
}

/** The empty state: a card that says plainly there is nothing to draw, instead of a broken chart. */
export function unavailableCard(title: string, why = 'data unavailable'): ChartDrawing {
  const top = header(title, '');
  const height = 200;
  const box = `<rect x="${PAD}" y="${top.bottom}" width="${CHART_WIDTH - 2 * PAD}" height="${height - top.bottom - PAD}" rx="6" ${paint({ fill: 'soft' })}/>`;
  const middle = (top.bottom + height - PAD) / 2 + 8;
  return card(
    height,
    top.svg,
    `${box}${text(CHART_WIDTH / 2, middle, why, { size: TITLE_FONT, anchor: 'middle' })}`,
  );
}

export interface LegendItem {
  label: string;
  color: ColorRole;
  dashed?: boolean;
}

const SWATCH = 26;

/**
 * Legend entries left to right from `top`, wrapping to a new line when the next one would not fit.
 * Returns the drawn legend and the y below its last line.
 */
export function legend(items: LegendItem[], top: number): { svg: string; bottom: number } {
  const inner = CHART_WIDTH - PAD;
  let x = PAD;
  let baseline = top + MIN_FONT;
  const parts: string[] = [];
  for (const item of items) {
    const width = SWATCH + 8 + textWidth(item.label, MIN_FONT);
    if (x > PAD && x + width > inner) {
      x = PAD;
      baseline += MIN_FONT + 10;
    }
    const y = baseline - 7;
    parts.push(
      line(x, y, x + SWATCH, y, {
        color: item.color,
        width: 4,
        dash: item.dashed ? '7 4' : undefined,
        kind: 'data',
      }),
      text(x + SWATCH + 8, baseline, item.label, { color: 'text' }),
    );
    x += width + 24;
  }
  return { svg: parts.join(''), bottom: baseline + 8 };
}

/** Compact axis numbers: 60k, 1.2M, 950. */
export function compact(v: number): string {
  const abs = Math.abs(v);
  if (abs >= 1e6) return `${Number((v / 1e6).toFixed(1))}M`;
  if (abs >= 1e4) return `${Number((v / 1e3).toFixed(0))}k`;
  if (abs >= 1e3) return v.toLocaleString('en-US', { maximumFractionDigits: 0 });
  return `${Number(v.toFixed(abs < 1 ? 3 : abs < 10 ? 1 : 0))}`;
}
