/**
 * The archive's feeds: `feed.xml` (Atom 1.0, RFC 4287) and `feed.json` (JSON Feed 1.1), one entry per live
 * issue and per alert edition, newest first. Sample issues are left out once a live one exists. Every
 * entry's id is a tag: URI (RFC 4151) made from the archive's host, the entry's event day and its id, so it
 * never changes when the feed is rewritten. Links are absolute under the public base URL when there is
 * one, relative to the archive root otherwise (where the feeds live). Pure: same lists, same bytes.
 */

import {
  type AlertIndexEntry,
  type ArchivedFile,
  type IssueIndexEntry,
  type RenderedFeeds,
  sortEntries,
} from '../contracts/index-entry';
import { COINMETRICS_ATTRIBUTION } from '../snapshot/schema';
import { escapeHtml } from '../text/escape';
import { headlineFigures } from './format';

export const FEED_TITLE = 'hashbrief';
const FEED_SUBTITLE =
  'Bitcoin mining economics and network security: the weekly issues and the mid-week alerts.';
/** Authority of the tag: URIs when the archive has no public host (a local archive). */
const LOCAL_AUTHORITY = 'localhost';
/** The year in the feed's own tag: URI; fixed, so the feed's id never changes. */
const FEED_TAG_DATE = '2024';

export interface FeedOptions {
  /** The archive's public base URL (HASHBRIEF_PUBLIC_BASE_URL); links are relative without it. */
  publicBaseUrl?: string;
  /** Only for an empty feed, whose `updated` no entry can give. */
  now: Date;
}

/** One entry of either feed, before it is written out. */
export interface FeedItem {
  id: string;
  kind: 'issue' | 'alert';
  title: string;
  summary: string;
  /** ISO 8601 instants: when the issue or edition was made. */
  updated: string;
  /** The web edition, when it was archived. */
  url: string | null;
  attachments: { url: string; type: string; title: string; bytes: number }[];
  /** Severity of an alert; null for issues. */
  severity: string | null;
}

/** `https://host` with no trailing slash, or null. */
function baseOf(publicBaseUrl: string | undefined): string | null {
  return publicBaseUrl ? publicBaseUrl.replace(/\/+$/, '') : null;
}

/** The host that mints the tag: URIs (the archive's public host), lower-cased, without a port. */
export function tagAuthority(publicBaseUrl: string | undefined): string {
  if (!publicBaseUrl) return LOCAL_AUTHORITY;
  try {
    return new URL(publicBaseUrl).hostname.toLowerCase() || LOCAL_AUTHORITY;
  } catch {
    return LOCAL_AUTHORITY;
  }
}

/** A key under the archive root as a link: absolute under the base URL, else relative to the root. */
function href(base: string | null, key: string): string {
  const path = key.split('/').map(encodeURIComponent).join('/');
  return base ? `${base}/${path}` : path;
}

/** The tag: URI of an entry: `tag:<host>,<day>:<kind>/<id>` (RFC 4151; the day is the entry's own). */
export function entryTag(authority: string, day: string, kind: 'issue' | 'alert', id: string): string {
  return `tag:${authority},${day}:${kind}/${encodeURIComponent(id)}`;
}

function headlineSummary(e: IssueIndexEntry): string {
  return `${headlineFigures(e.headline, 'feed').join('; ')}.`;
}

const DOWNLOADS: { file: string; type: string; title: string }[] = [
  { file: 'snapshot.json', type: 'application/json', title: 'Data (snapshot.json)' },
  { file: 'metrics.csv', type: 'text/csv', title: 'Daily series (metrics.csv)' },
];

function attachments(base: string | null, files: Record<string, ArchivedFile>): FeedItem['attachments'] {
  return DOWNLOADS.flatMap((d) => {
    const file = files[d.file];
    return file ? [{ url: href(base, file.key), type: d.type, title: d.title, bytes: file.bytes }] : [];
  });
}

/**
 * The entries of the feeds, newest first: every live issue (every sample issue instead while no live one
 * exists) and every alert edition. Ties on time keep issues before alerts, then ids descending.
 */
export function feedItems(
  issues: readonly IssueIndexEntry[],
  alerts: readonly AlertIndexEntry[],
  options: Pick<FeedOptions, 'publicBaseUrl'>,
): FeedItem[] {
  const base = baseOf(options.publicBaseUrl);
  const authority = tagAuthority(options.publicBaseUrl);
  const live = issues.some((e) => !e.sample);
  const issueItems: FeedItem[] = sortEntries(issues)
    .filter((e) => !live || !e.sample)
    .map((e) => {
      const web = e.files['newsletter.html'];
      return {
        id: entryTag(authority, e.asOf, 'issue', e.issueId),
        kind: 'issue',
        title: e.title ?? `hashbrief ${e.issueId}${e.sample ? ' [SAMPLE DATA, not live]' : ''}`,
        summary: e.summary ?? headlineSummary(e),
        updated: e.generatedAt,
        url: web ? href(base, web.key) : null,
        attachments: attachments(base, e.files),
        severity: null,
      };
    });
  const alertItems: FeedItem[] = alerts.map((e) => {
    const web = e.files['index.html'];
    const record = e.files['alert.json'];
    return {
      id: entryTag(authority, e.asOf, 'alert', e.editionId),
      kind: 'alert',
      title: e.title,
      summary: e.summary,
      updated: e.createdAt,
      url: web ? href(base, web.key) : null,
      attachments: record
        ? [
            {
              url: href(base, record.key),
              type: 'application/json',
              title: 'Alert (alert.json)',
              bytes: record.bytes,
            },
          ]
        : [],
      severity: e.severity,
    };
  });
  return [...issueItems, ...alertItems].sort((a, b) => {
    if (a.updated !== b.updated) return a.updated < b.updated ? 1 : -1;
    if (a.kind !== b.kind) return a.kind === 'issue' ? -1 : 1;
    return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
  });
}

/**
 * Text safe in XML 1.0: characters XML cannot carry at all (C0 controls other than tab, LF and CR,
 * U+FFFE/U+FFFF, lone surrogates) are dropped, then markup is escaped.
 */
export function xmlText(value: string): string {
  let clean = '';
  for (const ch of value) {
    const c = ch.codePointAt(0) ?? 0;
    const allowed =
      c === 0x9 ||
      c === 0xa ||
      c === 0xd ||
      (c >= 0x20 && c <= 0xd7ff) ||
      (c >= 0xe000 && c <= 0xfffd) ||
      (c >= 0x10000 && c <= 0x10ffff);
    if (allowed) clean += ch;
  }
  return escapeHtml(clean);
}

/** RFC 3339 as Atom wants it: `2026-01-05T07:00:12.345Z` (Date#toISOString is one). */
function rfc3339(instant: string, fallback: Date): string {
  const t = Date.parse(instant);
  return Number.isNaN(t) ? fallback.toISOString() : new Date(t).toISOString();
}

function updatedOf(items: readonly FeedItem[], now: Date): string {
  const first = items[0];
  return first ? rfc3339(first.updated, now) : now.toISOString();
}

/** `feed.xml`: Atom 1.0, one `<entry>` per item, each with exactly one id, title and updated. */
export function renderAtomFeed(items: readonly FeedItem[], options: FeedOptions): string {
  const base = baseOf(options.publicBaseUrl);
  const authority = tagAuthority(options.publicBaseUrl);
  const a = (v: string) => xmlText(v);
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">',
    `  <id>${a(`tag:${authority},${FEED_TAG_DATE}:feed`)}</id>`,
    `  <title>${a(FEED_TITLE)}</title>`,
    `  <subtitle>${a(FEED_SUBTITLE)}</subtitle>`,
    `  <updated>${updatedOf(items, options.now)}</updated>`,
    `  <author><name>${a(FEED_TITLE)}</name></author>`,
    `  <link rel="self" type="application/atom+xml" href="${a(href(base, 'feed.xml'))}"/>`,
    `  <link rel="alternate" type="text/html" href="${a(href(base, 'index.html'))}"/>`,
    `  <rights>${a(`Source: ${COINMETRICS_ATTRIBUTION}`)}</rights>`,
  ];
  for (const item of items) {
    const updated = rfc3339(item.updated, options.now);
    lines.push(
      '  <entry>',
      `    <id>${a(item.id)}</id>`,
      `    <title type="text">${a(item.title)}</title>`,
      `    <updated>${updated}</updated>`,
      `    <published>${updated}</published>`,
      `    <category term="${item.kind}"${item.severity ? ` label="${a(`${item.kind}: ${item.severity}`)}"` : ''}/>`,
      `    <summary type="text">${a(item.summary)}</summary>`,
    );
    // An entry without a web edition carries its text as content (RFC 4287 4.1.1.1: content or alternate).
    if (item.url) lines.push(`    <link rel="alternate" type="text/html" href="${a(item.url)}"/>`);
    else lines.push(`    <content type="text">${a(item.summary)}</content>`);
    for (const file of item.attachments) {
      lines.push(
        `    <link rel="enclosure" type="${a(file.type)}" length="${file.bytes}" title="${a(file.title)}" href="${a(file.url)}"/>`,
      );
    }
    lines.push('  </entry>');
  }
  lines.push('</feed>', '');
  return lines.join('\n');
}

/** `feed.json`: JSON Feed 1.1, items in the same order and with the same ids as the Atom feed. */
export function renderJsonFeed(items: readonly FeedItem[], options: FeedOptions): string {
  const base = baseOf(options.publicBaseUrl);
  const feed = {
    version: 'https://jsonfeed.org/version/1.1',
    title: FEED_TITLE,
    description: `${FEED_SUBTITLE} Source: ${COINMETRICS_ATTRIBUTION}`,
    home_page_url: href(base, 'index.html'),
    feed_url: href(base, 'feed.json'),
    language: 'en',
    authors: [{ name: FEED_TITLE }],
    items: items.map((item) => ({
      id: item.id,
      ...(item.url ? { url: item.url } : {}),
      title: item.title,
      summary: item.summary,
      content_text: item.summary,
      date_published: rfc3339(item.updated, options.now),
      date_modified: rfc3339(item.updated, options.now),
      tags: item.severity ? [item.kind, item.severity] : [item.kind],
      ...(item.attachments.length > 0
        ? {
            attachments: item.attachments.map((f) => ({
              url: f.url,
              mime_type: f.type,
              title: f.title,
              size_in_bytes: f.bytes,
            })),
          }
        : {}),
    })),
  };
  return `${JSON.stringify(feed, null, 2)}\n`;
}

/** Both feeds from the manifests' lists (the ManifestDeps.renderFeeds of a deployment). */
export function renderFeeds(
  issues: readonly IssueIndexEntry[],
  alerts: readonly AlertIndexEntry[],
  options: FeedOptions,
): RenderedFeeds {
  const items = feedItems(issues, alerts, options);
  return { atom: renderAtomFeed(items, options), json: renderJsonFeed(items, options) };
}

/** The `<link rel="alternate">` tags that advertise both feeds, for a page `toRoot` below the root. */
export function feedLinkTags(toRoot: string): string {
  return [
    `<link rel="alternate" type="application/atom+xml" title="hashbrief (Atom)" href="${escapeHtml(`${toRoot}feed.xml`)}">`,
    `<link rel="alternate" type="application/feed+json" title="hashbrief (JSON Feed)" href="${escapeHtml(`${toRoot}feed.json`)}">`,
  ].join('\n');
}
