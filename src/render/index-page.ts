/**
 * The archive index (index.html): every issue, live issues first and each group newest first, with its
 * headline numbers and download links, drawn through the same page shell as each issue's web version.
 */

import { type IssueIndexEntry, sortEntries } from '../contracts/index-entry';
import { escapeHtml, safeHttpUrl } from '../text/escape';
import { feedLinkTags } from './feeds';
import { headlineFigures } from './format';
import { renderPage } from './web/shell';

const DOWNLOADS: { file: string; label: string }[] = [
  { file: 'newsletter.html', label: 'Read' },
  { file: 'newsletter.txt', label: 'Text' },
  { file: 'snapshot.json', label: 'JSON' },
  { file: 'metrics.csv', label: 'CSV' },
];

function kb(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(bytes < 10_240 ? 1 : 0)} KB`;
}

/** Relative link to a file of an issue; each path segment is encoded so an odd id cannot break out. */
function issueHref(issueId: string, file: string): string {
  return ['issues', issueId, ...file.split('/')].map(encodeURIComponent).join('/');
}

function entryHtml(e: IssueIndexEntry): string {
  const figures = headlineFigures(e.headline, 'page');
  const links = DOWNLOADS.filter((d) => e.files[d.file] !== undefined).map((d) => {
    const f = e.files[d.file];
    const size = f ? ` <span class="hb-muted">(${escapeHtml(kb(f.bytes))})</span>` : '';
    return `<span class="hb-file"><a href="${escapeHtml(issueHref(e.issueId, d.file))}">${escapeHtml(d.label)}</a>${size}</span>`;
  });
  const title = e.files['newsletter.html']
    ? `<a href="${escapeHtml(issueHref(e.issueId, 'newsletter.html'))}">Week to ${escapeHtml(e.asOf)}</a>`
    : `Week to ${escapeHtml(e.asOf)}`;
  const sample = e.sample ? ' <span class="hb-tagpill">SAMPLE DATA, not live</span>' : '';
  const id = e.issueId === e.asOf ? '' : ` <span class="hb-muted">(${escapeHtml(e.issueId)})</span>`;
  return `<article class="hb-entry"><h2>${title}${id}${sample}</h2><p>${figures.map(escapeHtml).join(' &middot; ')}</p><p class="hb-dl">${links.join(' ')}</p></article>`;
}

/** Renders index.html for the archive; entries in any order (shown live first, newest first). */
export function renderArchiveIndexPage(
  entries: IssueIndexEntry[],
  options: { title?: string; subscribeUrl?: string } = {},
): string {
  const title = options.title ?? 'hashbrief archive';
  const subscribeHref = options.subscribeUrl ? safeHttpUrl(options.subscribeUrl) : null;
  const subscribe = subscribeHref
    ? `<p class="hb-subscribe">Get hashbrief by email every week: <a href="${escapeHtml(subscribeHref)}">subscribe</a>.</p>`
    : '';
  const feeds =
    '<p class="hb-muted">Follow in a feed reader: <a href="feed.xml">Atom</a> or <a href="feed.json">JSON Feed</a> (every issue and mid-week alert).</p>';
  // The manifest's order: a sample issue never tops the page while a live issue exists.
  const sorted = sortEntries(entries);
  const list = sorted.length
    ? sorted.map(entryHtml).join('\n')
    : '<p class="hb-muted">No issues yet. Run <code>hashbrief run</code> to make the first one.</p>';
  return renderPage({
    title,
    description: 'Every hashbrief issue with its headline numbers and data downloads.',
    homeHref: 'index.html',
    tagline: 'Bitcoin mining economics and network security, weekly. All issues.',
    head: feedLinkTags(''),
    main: `<section class="hb-card"><h1>${escapeHtml(title)}</h1><p class="hb-muted">${sorted.length} issue${sorted.length === 1 ? '' : 's'}, newest first${sorted.some((e) => e.sample) && sorted.some((e) => !e.sample) ? ', sample-data issues after the live ones' : ''}. Each issue has its data as JSON (snapshot) and CSV (daily series).</p>${subscribe}${feeds}${list}</section>`,
  });
}
