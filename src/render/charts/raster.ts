/**
 * SVG → PNG with resvg and the bundled DejaVu fonts. System fonts are never loaded, so a PNG looks the
 * same on a laptop, in CI and in Lambda.
 */
import { createRequire } from 'node:module';
import { Resvg } from '@resvg/resvg-js';
import { CHART_SCALE } from './catalog';
import { FONT } from './svg';

const require = createRequire(import.meta.url);

let fontFiles: string[] | undefined;

/** Paths of the DejaVu TTFs from the `dejavu-fonts-ttf` package, resolved once. */
export function chartFontFiles(): string[] {
  fontFiles ??= ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((f) =>
    require.resolve(`dejavu-fonts-ttf/ttf/${f}`),
  );
  return fontFiles;
}

/** Rasterises one chart SVG at CHART_SCALE× its CSS size. */
export function svgToPng(svg: string): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: CHART_SCALE },
    font: { fontFiles: chartFontFiles(), loadSystemFonts: false, defaultFontFamily: FONT },
  });
  return resvg.render().asPng();
}
