/**
 * Content model → the issue's public web version (newsletter.html). Same model as the email, drawn in
 * the site's page shell; no personal tokens, a neutral greeting. Charts are inlined as SVG (sharp at any
 * density, text selectable, recoloured by the dark theme), or `charts/<file>.png` when no drawing is given.
 */

import { escapeHtml } from '../../text/escape';
import { CHART_SIZE, CHARTS, type ChartId } from '../charts/catalog';
import { feedLinkTags } from '../feeds';
import { changeText } from '../format';
import { type Block, type IssueModel, linkList, type Section } from '../model';
import { figureLabels, stackedLabels } from '../stacked';
import { renderPage } from './shell';

/** The issue's charts as drawn, by id: SVG documents and their size in CSS px. */
export type WebCharts = Partial<Record<ChartId, { svg: string; width: number; height: number }>>;

function tone(t: string | undefined): string {
  return t && t !== 'neutral' ? ` ${t}` : '';
}

/** The label a stacked row shows before a cell (hidden on wide screens). */
function stackedLabel(label: string | null | undefined): string {
  return label ? `<span class="hb-k">${escapeHtml(label)}: </span>` : '';
}

/**
 * A chart SVG document as inline markup: the root's fixed size gives way to its viewBox (the CSS sizes
 * it to the column), and it becomes one image to assistive technology, named by the alt text.
 */
export function inlineChartSvg(svg: string, alt: string): string {
  const root = /^<svg\b[^>]*\bviewBox="([\d. ]+)"[^>]*>/.exec(svg);
  if (!root) return '';
  return `<svg viewBox="${root[1]}" role="img" aria-label="${escapeHtml(alt)}" focusable="false">${svg.slice(root[0].length)}`;
}

function chart(b: Extract<Block, { kind: 'chart' }>, charts: WebCharts): string {
  const drawn = charts[b.chart];
  const inline = drawn ? inlineChartSvg(drawn.svg, b.alt) : '';
  const size = drawn ?? CHART_SIZE;
  const picture =
    inline ||
    `<img src="charts/${escapeHtml(CHARTS[b.chart].filename)}" width="${size.width}" height="${size.height}" alt="${escapeHtml(b.alt)}">`;
  return `<figure class="hb-fig" id="chart-${escapeHtml(b.chart)}">${picture}<figcaption>${escapeHtml(b.caption)}</figcaption></figure>`;
}

function block(b: Block, charts: WebCharts): string {
  switch (b.kind) {
    case 'paragraphs':
      return b.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('');
    case 'figures': {
      const labels = figureLabels(b.changeLabel);
      const head = `<tr class="hb-h"><th scope="col">Measure</th><th scope="col" class="r">Value</th>${b.changeLabel ? `<th scope="col" class="r">${escapeHtml(b.changeLabel)}</th>` : ''}</tr>`;
      const rows = b.figures.map((f) => {
        const change = f.change
          ? `<td class="r${tone(f.change.tone)}">${stackedLabel(labels[2])}${escapeHtml(changeText(f.change))}</td>`
          : b.changeLabel
            ? '<td class="r"></td>'
            : '';
        return `<tr><td class="l">${escapeHtml(f.label)}</td><td class="r b">${escapeHtml(f.value)}</td>${change}</tr>`;
      });
      return `<p class="hb-cap">${escapeHtml(b.caption)}</p><table class="hb-t">${head}${rows.join('')}</table>`;
    }
    case 'table': {
      const labels = stackedLabels(b.columns);
      const head = `<tr class="hb-h">${b.columns.map((c) => `<th scope="col"${c.align === 'right' ? ' class="r"' : ''}>${escapeHtml(c.label)}</th>`).join('')}</tr>`;
      const rows = b.rows.map((row) => {
        const cells = row.cells.map((c, i) => {
          const right = b.columns[i]?.align === 'right';
          const last = i === row.cells.length - 1;
          const cls = `${i === 0 ? 'l' : right ? 'r' : ''}${last ? tone(row.tone) : ''}`.trim();
          return `<td${cls ? ` class="${cls}"` : ''}>${c === '' ? '' : stackedLabel(labels[i])}${escapeHtml(c)}</td>`;
        });
        return `<tr>${cells.join('')}</tr>`;
      });
      return `<p class="hb-cap">${escapeHtml(b.caption)}</p><table class="hb-t">${head}${rows.join('')}</table>`;
    }
    case 'chart':
      return chart(b, charts);
    case 'alerts':
      return b.alerts
        .map(
          (a) =>
            `<div class="hb-alert ${a.severity}"><strong>${a.severity === 'critical' ? 'Critical' : a.severity === 'warning' ? 'Warning' : 'Note'}:</strong> ${escapeHtml(a.message)}</div>`,
        )
        .join('');
    case 'notes':
      return `<div class="hb-notes">${b.notes.map((n) => `<p>${escapeHtml(n)}</p>`).join('')}</div>`;
    case 'links':
      return `<ul>${b.links
        .filter((l) => l.url !== null)
        .map((l) => `<li><a href="${escapeHtml(l.url ?? '')}">${escapeHtml(l.label)}</a></li>`)
        .join('')}</ul>`;
  }
}

function section(s: Section, charts: WebCharts): string {
  return `<section class="hb-card" id="${escapeHtml(s.id)}"><h2>${escapeHtml(s.title)}</h2>${s.blocks.map((b) => block(b, charts)).join('')}</section>`;
}

/**
 * The public web version of an issue, served at `issues/<id>/newsletter.html`; `charts` are inlined,
 * a chart without a drawing falls back to its PNG beside the page.
 */
export function renderIssueWebPage(model: IssueModel, charts: WebCharts = {}): string {
  // Links within the archive are relative, so the page works from S3/CloudFront and from `hashbrief preview`.
  const downloads = [
    { label: 'Data (snapshot.json)', href: 'snapshot.json' },
    { label: 'Series (metrics.csv)', href: 'metrics.csv' },
    { label: 'Plain text (newsletter.txt)', href: 'newsletter.txt' },
    { label: 'All issues', href: '../../index.html' },
  ];
  const permalink = linkList(model)[0]?.url;
  const main = [
    model.sampleNotice ? `<div class="hb-banner" role="note">${escapeHtml(model.sampleNotice)}</div>` : '',
    `<section class="hb-card"><p class="hb-muted">${escapeHtml(model.neutralGreeting)}</p><h1>${escapeHtml(model.headline)}</h1></section>`,
    ...model.sections.map((s) => section(s, charts)),
    `<section class="hb-card hb-links"><h2>Archive and downloads</h2><ul>${downloads
      .map((d) => `<li><a href="${escapeHtml(d.href)}">${escapeHtml(d.label)}</a></li>`)
      .join(
        '',
      )}</ul>${permalink ? `<p class="hb-muted">Permanent link: <a href="${escapeHtml(permalink)}">${escapeHtml(permalink)}</a></p>` : ''}</section>`,
  ].join('\n');
  const subscribe = model.links.subscribeUrl
    ? `Get hashbrief by email every week: <a href="${escapeHtml(model.links.subscribeUrl)}">subscribe</a>.`
    : 'hashbrief is a self-hosted weekly briefing.';
  return renderPage({
    title: model.subject,
    description: model.preheader,
    homeHref: '../../index.html',
    tagline: `Bitcoin mining economics and network security, weekly. ${model.dateline}`,
    // The page lives at issues/<id>/newsletter.html; the feeds at the archive root.
    head: feedLinkTags('../../'),
    main,
    attribution: model.attribution,
    footer: [
      subscribe,
      escapeHtml(model.postalAddress),
      'Not investment advice. Figures are estimates from public data; see the data sources above.',
    ],
  });
}
