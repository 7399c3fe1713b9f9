/**
 * The charts read on a 375-px phone: computed from each chart's SVG, every label is at least 11 CSS px and
 * every data line at least 1.5 CSS px at the narrowest display width (327 px, the email on that phone),
 * and no label runs off the card or into another one.
 */
import { describe, expect, it } from 'vitest';
import { NARROWEST_CHART_PX } from '../../../src/render/charts/catalog';
import { textWidth } from '../../../src/render/charts/fonts';
import { issueChartSvgs } from '../../../src/render/charts/issue-charts';
import type { Snapshot } from '../../../src/snapshot/schema';
import { fixtureSeries, fixtureSnapshot } from '../../fixtures/render/fixture';

const MIN_LABEL_PX = 11;
const MIN_LINE_PX = 1.5;

interface Label {
  x: number;
  y: number;
  size: number;
  bold: boolean;
  anchor: string;
  content: string;
}

function attr(tag: string, name: string): string | undefined {
  return new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
}

function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** The chart's width in user units, from the root element's viewBox. */
function viewBox(svg: string): { width: number; height: number } {
  const box =
    attr(/<svg[^>]*>/.exec(svg)?.[0] ?? '', 'viewBox')
      ?.split(/\s+/)
      .map(Number) ?? [];
  return { width: box[2] ?? Number.NaN, height: box[3] ?? Number.NaN };
}

function labels(svg: string): Label[] {
  return [...svg.matchAll(/<text([^>]*)>([^<]*)<\/text>/g)].map((m) => ({
    x: Number(attr(m[1] ?? '', 'x')),
    y: Number(attr(m[1] ?? '', 'y')),
    size: Number(attr(m[1] ?? '', 'font-size')),
    bold: attr(m[1] ?? '', 'font-weight') === 'bold',
    anchor: attr(m[1] ?? '', 'text-anchor') ?? 'start',
    content: unescapeXml(m[2] ?? ''),
  }));
}

/** Smallest label of a chart in CSS px when the chart is shown `displayWidth` px wide. */
function smallestLabelPx(svg: string, displayWidth: number): number {
  const sizes = labels(svg).map((l) => l.size);
  return (Math.min(...sizes) * displayWidth) / viewBox(svg).width;
}

/** Thinnest data line (series, legend keys, reference markers) in CSS px at `displayWidth`. */
function thinnestDataLinePx(svg: string, displayWidth: number): number {
  const widths = [...svg.matchAll(/<(?:path|line)[^>]*data-kind="data"[^>]*>/g)].map((m) =>
    Number(attr(m[0], 'stroke-width')),
  );
  return (Math.min(...widths) * displayWidth) / viewBox(svg).width;
}

/** Boxes of the labels, measured in the chart font. */
function boxes(svg: string) {
  return labels(svg).map((l) => {
    const width = textWidth(l.content, l.size, l.bold ? 'bold' : 'normal');
    const x0 = l.anchor === 'end' ? l.x - width : l.anchor === 'middle' ? l.x - width / 2 : l.x;
    return { text: l.content, x0, x1: x0 + width, y0: l.y - 0.76 * l.size, y1: l.y + 0.24 * l.size };
  });
}

function layoutProblems(svg: string): string[] {
  const { width, height } = viewBox(svg);
  const all = boxes(svg);
  const problems: string[] = [];
  for (const b of all) {
    if (b.x0 < 0 || b.x1 > width || b.y0 < 0 || b.y1 > height) problems.push(`outside the card: ${b.text}`);
  }
  all.forEach((a, i) => {
    for (const b of all.slice(i + 1)) {
      if (a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1)
        problems.push(`${a.text} overlaps ${b.text}`);
    }
  });
  return problems;
}

/** Charts of several shapes of issue: the fixture, a short history, long names, nothing at all. */
function cases(): [string, Record<string, string>][] {
  const crowded: Snapshot = fixtureSnapshot();
  crowded.metrics.pools.top = Array.from({ length: 9 }, (_, i) => ({
    ...(crowded.metrics.pools.top[0] as Snapshot['metrics']['pools']['top'][number]),
    name: `A pool with a very long name number ${i} that goes on and on`,
    sharePct: 10 - i,
  }));
  crowded.metrics.miners.breakeven = crowded.metrics.miners.breakeven.map((t, i) => ({
    ...t,
    model: `Antminer S21 XP Hydro with a long model name (${13 + i}.5 J/TH)`,
    breakevenUsdPerKwh: i === 1 ? null : t.breakevenUsdPerKwh,
  }));
  const empty = fixtureSnapshot();
  empty.metrics.pools.top = [];
  empty.metrics.miners.breakeven = [];
  const halfMissing = fixtureSeries().map((r) => ({ ...r, hashpriceUsdPerPhDay7d: null, difficulty: null }));
  return [
    ['the fixture issue', issueChartSvgs(fixtureSnapshot(), fixtureSeries())],
    ['a five-week history', issueChartSvgs(fixtureSnapshot(), fixtureSeries(35))],
    ['long names and a missing value', issueChartSvgs(crowded, fixtureSeries())],
    ['one series missing on each chart', issueChartSvgs(fixtureSnapshot(), halfMissing)],
    ['no data at all', issueChartSvgs(empty, [])],
  ];
}

describe('charts on a 375-px phone', () => {
  for (const [name, svgs] of cases()) {
    for (const [chart, svg] of Object.entries(svgs)) {
      it(`${chart} (${name}): every label at least ${MIN_LABEL_PX} CSS px at ${NARROWEST_CHART_PX} px`, () => {
        expect(smallestLabelPx(svg, NARROWEST_CHART_PX)).toBeGreaterThanOrEqual(MIN_LABEL_PX);
      });

      it(`${chart} (${name}): no label off the card or over another`, () => {
        expect(layoutProblems(svg)).toEqual([]);
      });
    }
  }

  for (const [chart, svg] of Object.entries(issueChartSvgs(fixtureSnapshot(), fixtureSeries()))) {
    it(`${chart}: data lines at least ${MIN_LINE_PX} CSS px at ${NARROWEST_CHART_PX} px`, () => {
      expect(thinnestDataLinePx(svg, NARROWEST_CHART_PX)).toBeGreaterThanOrEqual(MIN_LINE_PX);
    });
  }

  it('thins the time axis to at most five month labels over a year', () => {
    const svg = issueChartSvgs(fixtureSnapshot(), fixtureSeries())['price-hashprice'];

    const months = labels(svg).filter((l) => /^[A-Z][a-z]{2} '\d\d$/.test(l.content));

    expect(months.length).toBeGreaterThanOrEqual(3);
    expect(months.length).toBeLessThanOrEqual(5);
  });

  it('labels a five-week history by day, not by a repeated month', () => {
    const svg = issueChartSvgs(fixtureSnapshot(), fixtureSeries(35))['price-hashprice'];

    const days = labels(svg).filter((l) => /^\d{1,2} [A-Z][a-z]{2}$/.test(l.content));

    expect(days.length).toBeGreaterThanOrEqual(2);
    expect(new Set(days.map((d) => d.content)).size).toBe(days.length);
  });

  it('measures text in the chart font (DejaVu Sans advance widths)', () => {
    expect(textWidth('m', 1000)).toBeCloseTo(974.1, 0);
    expect(textWidth('0', 1000)).toBeCloseTo(636.2, 0);
    expect(textWidth('0', 1000, 'bold')).toBeGreaterThan(textWidth('0', 1000));
  });
});
