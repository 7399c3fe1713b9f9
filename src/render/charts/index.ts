/**
 * Renders the issue's charts: each as its SVG and as a PNG at 2×, with file names, content ids and alt
 * text.
 */
import type { ChartRow, Snapshot } from '../../snapshot/schema';
import type { ChartImage } from '../types';
import { CHARTS, type ChartId, chartCid } from './catalog';
import { issueChartDrawings } from './issue-charts';
import { svgToPng } from './raster';

/** Draws every chart; `alts` comes from the content model so alt text and captions agree. */
export function renderCharts(
  snapshot: Snapshot,
  series: ChartRow[],
  alts: Partial<Record<ChartId, string>>,
): ChartImage[] {
  const drawings = issueChartDrawings(snapshot, series);
  return (Object.keys(CHARTS) as ChartId[]).map((id) => {
    const drawing = drawings[id];
    return {
      id,
      filename: CHARTS[id].filename,
      svgFilename: CHARTS[id].svgFilename,
      cid: chartCid(id, snapshot.issueId),
      alt: alts[id] ?? id,
      width: drawing.width,
      height: drawing.height,
      png: svgToPng(drawing.svg),
      svg: drawing.svg,
    };
  });
}
