import { describe, expect, it } from 'vitest';
import { CHART_SCALE, CHART_SIZE } from '../../../src/render/charts/catalog';
import { renderCharts } from '../../../src/render/charts/index';
import { issueChartSvgs } from '../../../src/render/charts/issue-charts';
import { pngDimensions } from '../../../src/render/charts/raster';
import { EMAIL_CHART_WIDTH, emailChartSize } from '../../../src/render/email';
import { fixtureSeries, fixtureSnapshot } from '../../fixtures/render/fixture';

function pngSize(png: Buffer): { width: number; height: number } {
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('issue charts', () => {
  it('breaks lines at null gaps instead of bridging them', () => {
    // Act
    const svg = issueChartSvgs(fixtureSnapshot(), fixtureSeries())['price-hashprice'];

    // Assess: the fixture has one gap, so each line path starts twice.
    const paths = [...svg.matchAll(/<path d="([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(paths).toHaveLength(2);
    for (const d of paths) expect(d.match(/M/g)).toHaveLength(2);
  });

  it('draws "data unavailable" for an empty series and no pools', () => {
    // Prepare
    const snapshot = fixtureSnapshot();
    snapshot.metrics.pools.top = [];
    snapshot.metrics.miners.breakeven = [];

    // Act
    const svgs = issueChartSvgs(snapshot, []);

    // Assess
    for (const svg of Object.values(svgs)) expect(svg).toContain('data unavailable');
  });

  it('escapes hostile pool names inside the SVG', () => {
    const svg = issueChartSvgs(fixtureSnapshot(), fixtureSeries()).pools;
    expect(svg).not.toContain('<script');
    expect(svg).toContain('&lt;script&gt;');
  });

  it('renders four opaque PNGs at twice the CSS size, each with its SVG and alt text', () => {
    // Act
    const images = renderCharts(fixtureSnapshot(), fixtureSeries(), { pools: 'Pool shares' });

    // Assess
    expect(images.map((i) => i.filename)).toEqual([
      'price-hashprice.png',
      'hashrate-difficulty.png',
      'pools.png',
      'breakeven.png',
    ]);
    for (const image of images) {
      expect(image.png.subarray(1, 4).toString()).toBe('PNG');
      expect(image.width).toBe(CHART_SIZE.width);
      expect(pngSize(image.png)).toEqual({
        width: image.width * CHART_SCALE,
        height: image.height * CHART_SCALE,
      });
      expect(image.svgFilename).toBe(image.filename.replace(/\.png$/, '.svg'));
      expect(image.svg).toMatch(new RegExp(`^<svg [^>]*viewBox="0 0 ${image.width} ${image.height}"`));
      expect(image.alt.length).toBeGreaterThan(0);
    }
    expect(images.find((i) => i.filename === 'pools.png')?.alt).toBe('Pool shares');
  });
});

describe('chart subtitles', () => {
  it('say how long a history shorter than a year really is', () => {
    const year = issueChartSvgs(fixtureSnapshot(), fixtureSeries())['price-hashprice'];
    const fiveWeeks = issueChartSvgs(fixtureSnapshot(), fixtureSeries(35))['hashrate-difficulty'];
    const sixMonths = issueChartSvgs(fixtureSnapshot(), fixtureSeries(183))['price-hashprice'];

    expect(year).toContain('>daily, 12 months<');
    expect(fiveWeeks).toContain('>daily, 35 days<');
    expect(sixMonths).toContain('>daily, 6 months<');
  });
});

describe('email chart size', () => {
  it('reads a PNG size from its header and refuses anything else', () => {
    // Prepare
    const png = renderCharts(fixtureSnapshot(), fixtureSeries(), {})[0]?.png as Buffer;

    // Act / Assess
    expect(pngDimensions(png)).toEqual(pngSize(png));
    expect(pngDimensions(Buffer.from('GIF89a not a png at all, long enough'))).toBeNull();
    expect(pngDimensions(png.subarray(0, 20))).toBeNull();
  });

  it('scales the height to the email display width with the PNG aspect ratio', () => {
    expect(EMAIL_CHART_WIDTH).toBe(552);
    expect(emailChartSize({ width: 1200, height: 640 })).toEqual({ width: 552, height: 294 });
    expect(emailChartSize({ width: 1200, height: 720 })).toEqual({ width: 552, height: 331 });
    expect(emailChartSize({ width: 1000, height: 1000 })).toEqual({ width: 552, height: 552 });
    expect(emailChartSize({ width: 1200, height: 500 })).toEqual({ width: 552, height: 230 });
    // Unknown or broken size: the time charts' CSS size (600×360).
    expect(emailChartSize(undefined)).toEqual({ width: 552, height: 331 });
    expect(emailChartSize({ width: 0, height: 0 })).toEqual({ width: 552, height: 331 });
  });
});
