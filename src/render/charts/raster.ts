/**
 * SVG → PNG with resvg and the bundled DejaVu fonts. System fonts are never loaded, so a PNG looks the
 * same on a laptop, in CI and in Lambda.
 */
import { Resvg } from '@resvg/resvg-js';
import { CHART_SCALE } from './catalog';
import { chartFontFiles, FONT } from './fonts';

/** Rasterises one chart SVG at CHART_SCALE× its CSS size. */
export function svgToPng(svg: string): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: CHART_SCALE },
    font: { fontFiles: chartFontFiles(), loadSystemFonts: false, defaultFontFamily: FONT },
  });
  return resvg.render().asPng();
}

/** Pixel width and height of a PNG, read from its IHDR chunk (bytes 16–23); `null` if it is no PNG. */
export function pngDimensions(png: Buffer): { width: number; height: number } | null {
  const signature = '89504e470d0a1a0a';
  if (png.length < 24 || png.subarray(0, 8).toString('hex') !== signature) return null;
  if (png.subarray(12, 16).toString('latin1') !== 'IHDR') return null;
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  return width > 0 && height > 0 ? { width, height } : null;
}
