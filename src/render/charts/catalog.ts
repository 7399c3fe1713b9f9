/**
 * The four charts of every issue: ids, file names and drawn size. Shared by the model (which refers to
 * charts by id) and the chart renderers, without pulling in d3 or resvg.
 */

export type ChartId = 'price-hashprice' | 'hashrate-difficulty' | 'pools' | 'breakeven';

/** CSS pixel size of every chart; the PNG is drawn at 2× for sharp phones. */
export const CHART_SIZE = { width: 600, height: 320 } as const;

/** Pixel density of the PNGs relative to CHART_SIZE. */
export const CHART_SCALE = 2;

export const CHARTS: Record<ChartId, { filename: string }> = {
  'price-hashprice': { filename: 'price-hashprice.png' },
  'hashrate-difficulty': { filename: 'hashrate-difficulty.png' },
  pools: { filename: 'pools.png' },
  breakeven: { filename: 'breakeven.png' },
};

/** Content-ID of a chart in a given issue (unique per issue so clients never mix cached images). */
export function chartCid(id: ChartId, issueId: string): string {
  return `${id}.${issueId}@hashbrief`;
}
