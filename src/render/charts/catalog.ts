/**
 * The four charts of every issue: ids, file names and drawn size. Shared by the model (which refers to
 * charts by id) and the chart renderers, without pulling in d3 or resvg.
 */

export type ChartId = 'price-hashprice' | 'hashrate-difficulty' | 'pools' | 'breakeven';

/** Width of every chart in CSS px (SVG user units); the height depends on the chart. */
export const CHART_WIDTH = 600;

/** Size of the time charts, and what the email assumes for a chart whose PNG size is unknown. */
export const CHART_SIZE = { width: CHART_WIDTH, height: 360 } as const;

/** Pixel density of the PNGs relative to the CSS size: 2× for sharp phone screens. */
export const CHART_SCALE = 2;

/**
 * The narrowest display width of a chart: a 375-px phone minus the email's 24-px margins. Every label
 * is drawn to be at least 11 CSS px at this width.
 */
export const NARROWEST_CHART_PX = 327;

/** Each chart's archived files under `issues/<id>/charts/`: the PNG the email shows, and its SVG. */
export const CHARTS: Record<ChartId, { filename: string; svgFilename: string }> = {
  'price-hashprice': { filename: 'price-hashprice.png', svgFilename: 'price-hashprice.svg' },
  'hashrate-difficulty': { filename: 'hashrate-difficulty.png', svgFilename: 'hashrate-difficulty.svg' },
  pools: { filename: 'pools.png', svgFilename: 'pools.svg' },
  breakeven: { filename: 'breakeven.png', svgFilename: 'breakeven.svg' },
};

/** Content-ID of a chart in a given issue (unique per issue so clients never mix cached images). */
export function chartCid(id: ChartId, issueId: string): string {
  return `${id}.${issueId}@hashbrief`;
}
