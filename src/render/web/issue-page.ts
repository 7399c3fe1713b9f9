/**
 * Content model → the issue's public web version (newsletter.html). Same model as the email, drawn in
 * the site's page shell; no personal tokens, a neutral greeting, charts as relative `charts/<file>`.
 */
import { CHARTS } from '../charts/catalog';
import { escapeHtml } from '../escape';
import { feedLinkTags } from '../feeds';
import { type Block, type IssueModel, linkList, type Section } from '../model';
import { renderPage } from './shell';

function tone(t: string | undefined): string {
  return t && t !== 'neutral' ? ` ${t}` : '';
}

function block(b: Block): string {
  switch (b.kind) {
    case 'paragraphs':
      return b.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('');
    case 'figures': {
      const head = `<tr><th>Measure</th><th class="r">Value</th>${b.changeLabel ? `<th class="r">${escapeHtml(b.changeLabel)}</th>` : ''}</tr>`;
      const rows = b.figures.map((f) => {
        const change = f.change
          ? `<td class="r${tone(f.change.tone)}">${escapeHtml(`${f.change.arrow ? `${f.change.arrow} ` : ''}${f.change.text}`)}</td>`
          : b.changeLabel
            ? '<td class="r"></td>'
            : '';
        return `<tr><td>${escapeHtml(f.label)}</td><td class="r b">${escapeHtml(f.value)}</td>${change}</tr>`;
      });
      return `<p class="hb-cap">${escapeHtml(b.caption)}</p><table class="hb-t">${head}${rows.join('')}</table>`;
    }
    case 'table': {
      const head = `<tr>${b.columns.map((c) => `<th${c.align === 'right' ? ' class="r"' : ''}>${escapeHtml(c.label)}</th>`).join('')}</tr>`;
      const rows = b.rows.map((row) => {
        const cells = row.cells.map((c, i) => {
          const right = b.columns[i]?.align === 'right';
          const last = i === row.cells.length - 1;
          const cls = `${right ? 'r' : ''}${last ? tone(row.tone) : ''}`.trim();
          return `<td${cls ? ` class="${cls}"` : ''}>${escapeHtml(c)}</td>`;
        });
        return `<tr>${cells.join('')}</tr>`;
      });
      return `<p class="hb-cap">${escapeHtml(b.caption)}</p><table class="hb-t">${head}${rows.join('')}</table>`;
    }
    case 'chart':
      return `<figure><img src="charts/${escapeHtml(CHARTS[b.chart].filename)}" width="600" height="320" alt="${escapeHtml(b.alt)}"><figcaption>${escapeHtml(b.caption)}</figcaption></figure>`;
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

function section(s: Section): string {
  return `<section class="hb-card" id="${escapeHtml(s.id)}"><h2>${escapeHtml(s.title)}</h2>${s.blocks.map(block).join('')}</section>`;
}

/** The public web version of an issue, served at `issues/<id>/newsletter.html`. */
export function renderIssueWebPage(model: IssueModel): string {
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
    ...model.sections.map(section),
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
