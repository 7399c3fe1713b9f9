/**
 * Renders the issue's charts to PNG images with their file names, content ids and alt text.
 */
import type { ChartRow, Snapshot } from '../../snapshot/schema';
import type { ChartImage } from '../types';
import { CHART_SIZE, CHARTS, type ChartId, chartCid } from './catalog';
import { issueChartSvgs } from './issue-charts';
import { svgToPng } from './raster';

/** Draws every chart; `alts` comes from the content model so alt text and captions agree. */
export function renderCharts(
  snapshot: Snapshot,
  series: ChartRow[],
  alts: Partial<Record<ChartId, string>>,
): ChartImage[] {
  const svgs = issueChartSvgs(snapshot, series);
  return (Object.keys(CHARTS) as ChartId[]).map((id) => ({
    filename: CHARTS[id].filename,
    cid: chartCid(id, snapshot.issueId),
    alt: alts[id] ?? id,
    width: CHART_SIZE.width,
    height: CHART_SIZE.height,
    png: svgToPng(svgs[id]),
  }));
}
