import { beforeAll, describe, expect, it } from 'vitest';
import { contentHeadersFor } from '../../../src/archive/content-types';
import { type IssueFile, issueFiles } from '../../../src/pipeline/issue-files';
import { renderIssue } from '../../../src/render/render-issue';
import type { RenderedIssue } from '../../../src/render/types';
import { fixtureRenderInput, fixtureSeries, fixtureSnapshot } from '../../fixtures/render/fixture';

describe('issue files', () => {
  let rendered: RenderedIssue;
  let files: IssueFile[];

  beforeAll(async () => {
    rendered = await renderIssue(fixtureRenderInput());
    files = issueFiles({ snapshot: fixtureSnapshot(), series: fixtureSeries(), rendered, recordings: [] });
  });

  it('archive each chart as SVG beside its PNG', () => {
    const charts = files.filter((f) => f.name.startsWith('charts/')).map((f) => f.name);

    expect(charts.sort()).toEqual(
      ['breakeven', 'hashrate-difficulty', 'pools', 'price-hashprice'].flatMap((n) => [
        `charts/${n}.png`,
        `charts/${n}.svg`,
      ]),
    );
  });

  it('store the SVG the PNG was drawn from, labelled image/svg+xml', () => {
    for (const image of rendered.images) {
      const svg = files.find((f) => f.name === `charts/${image.svgFilename}`);

      expect(svg?.body).toBe(image.svg);
      expect(svg?.contentType).toBe('image/svg+xml');
      expect(contentHeadersFor(svg?.name ?? '').contentType).toBe('image/svg+xml');
      expect(String(svg?.body)).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" /);
      expect(String(svg?.body)).not.toMatch(/<script|<[^>]*\son[a-z]+=/i);
    }
  });

  it('keep snapshot.json last, the mark of a complete issue', () => {
    expect(files.at(-1)?.name).toBe('snapshot.json');
  });
});
