/**
 * The charts' bundled DejaVu fonts and their advance widths, so the layout can measure a label before
 * drawing it (legends wrap, axes make room for their widest tick, long pool names are cut to fit) instead
 * of guessing from the number of characters. Widths are read from the TTFs' `cmap` and `hmtx` tables
 * once per process; kerning is ignored (it only ever narrows DejaVu text by a fraction of a pixel).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The family every chart text names first; resvg loads only these files. */
export const FONT = 'DejaVu Sans';

/**
 * The font-family written into the SVG. resvg has DejaVu Sans; a browser showing the web edition's inline
 * SVG without it falls back to Verdana, which DejaVu (via Bitstream Vera) was drawn to match in width.
 */
export const FONT_STACK = `${FONT}, Verdana, sans-serif`;

let fontFiles: { regular: string; bold: string } | undefined;

/** Paths of the DejaVu TTFs from the `dejavu-fonts-ttf` package, resolved once. */
export function chartFontPaths(): { regular: string; bold: string } {
  fontFiles ??= {
    regular: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'),
    bold: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'),
  };
  return fontFiles;
}

/** Paths of the DejaVu TTFs, for resvg. */
export function chartFontFiles(): string[] {
  const { regular, bold } = chartFontPaths();
  return [regular, bold];
}

/** Advance widths of one font: em units per code point. */
interface Metrics {
  unitsPerEm: number;
  advance(codePoint: number): number;
}

export class FontMetricsError extends Error {
  override name = 'FontMetricsError';
}

function tableOffsets(font: Buffer): Map<string, number> {
  const tables = new Map<string, number>();
  const count = font.readUInt16BE(4);
  for (let i = 0; i < count; i++) {
    const record = 12 + i * 16;
    tables.set(font.toString('latin1', record, record + 4), font.readUInt32BE(record + 8));
  }
  return tables;
}

/** The format-4 (BMP) subtable of the Windows Unicode cmap, as a code point → glyph id function. */
function cmapFormat4(font: Buffer, cmap: number): (codePoint: number) => number {
  const count = font.readUInt16BE(cmap + 2);
  let sub = -1;
  for (let i = 0; i < count; i++) {
    const record = cmap + 4 + i * 8;
    const platform = font.readUInt16BE(record);
    const encoding = font.readUInt16BE(record + 2);
    const offset = cmap + font.readUInt32BE(record + 4);
    if (font.readUInt16BE(offset) !== 4) continue;
    if ((platform === 3 && encoding === 1) || platform === 0) sub = offset;
  }
  if (sub < 0) throw new FontMetricsError('the chart font has no Unicode BMP cmap');
  const segments = font.readUInt16BE(sub + 6) / 2;
  const ends = sub + 14;
  const starts = ends + segments * 2 + 2;
  const deltas = starts + segments * 2;
  const rangeOffsets = deltas + segments * 2;
  return (codePoint) => {
    if (codePoint > 0xffff) return 0;
    for (let i = 0; i < segments; i++) {
      if (font.readUInt16BE(ends + i * 2) < codePoint) continue;
      const start = font.readUInt16BE(starts + i * 2);
      if (start > codePoint) return 0;
      const delta = font.readInt16BE(deltas + i * 2);
      const rangeAt = rangeOffsets + i * 2;
      const rangeOffset = font.readUInt16BE(rangeAt);
      if (rangeOffset === 0) return (codePoint + delta) & 0xffff;
      const glyph = font.readUInt16BE(rangeAt + rangeOffset + 2 * (codePoint - start));
      return glyph === 0 ? 0 : (glyph + delta) & 0xffff;
    }
    return 0;
  };
}

function loadMetrics(file: string): Metrics {
  const font = readFileSync(file);
  const tables = tableOffsets(font);
  const head = tables.get('head');
  const hhea = tables.get('hhea');
  const hmtx = tables.get('hmtx');
  const cmap = tables.get('cmap');
  if (head === undefined || hhea === undefined || hmtx === undefined || cmap === undefined)
    throw new FontMetricsError(`${file} lacks a head, hhea, hmtx or cmap table`);
  const unitsPerEm = font.readUInt16BE(head + 18);
  const longMetrics = font.readUInt16BE(hhea + 34);
  const glyphOf = cmapFormat4(font, cmap);
  const cache = new Map<number, number>();
  return {
    unitsPerEm,
    advance(codePoint) {
      let width = cache.get(codePoint);
      if (width === undefined) {
        const glyph = Math.min(glyphOf(codePoint), longMetrics - 1);
        width = font.readUInt16BE(hmtx + glyph * 4);
        cache.set(codePoint, width);
      }
      return width;
    },
  };
}

const metrics: { regular?: Metrics; bold?: Metrics } = {};

/** Width in user units of `text` set in the chart font at `size`. */
export function textWidth(text: string, size: number, weight: 'normal' | 'bold' = 'normal'): number {
  const key = weight === 'bold' ? 'bold' : 'regular';
  const m = metrics[key] ?? loadMetrics(chartFontPaths()[key]);
  metrics[key] = m;
  let units = 0;
  for (const ch of text) units += m.advance(ch.codePointAt(0) ?? 0);
  return (units / m.unitsPerEm) * size;
}

/** `text` cut with an ellipsis to fit `maxWidth` at `size` (unchanged when it fits). */
export function fitText(text: string, size: number, maxWidth: number, weight: 'normal' | 'bold' = 'normal') {
  if (textWidth(text, size, weight) <= maxWidth) return text;
  const chars = [...text];
  while (chars.length > 0 && textWidth(`${chars.join('').trimEnd()}\u2026`, size, weight) > maxWidth)
    chars.pop();
  return `${chars.join('').trimEnd()}\u2026`;
}
