import { describe, expect, it } from 'vitest';
import { entryFromSnapshot } from '../../../src/archive/snapshot-entry';
import type { AlertIndexEntry, IssueIndexEntry } from '../../../src/contracts/index-entry';
import { feedItems, renderFeeds } from '../../../src/render/feeds';
import { renderArchiveIndexPage } from '../../../src/render/index-page';
import { buildIssueModel } from '../../../src/render/model';
import { renderIssueWebPage } from '../../../src/render/web/issue-page';
import { makeSnapshot } from '../../fixtures/archive/issue';
import { fixtureFooter, fixtureLinks, fixtureSnapshot } from '../../fixtures/render/fixture';
import { childrenNamed, parseXml, type XmlElement } from '../../support/xml';

const ATOM = 'http://www.w3.org/2005/Atom';
const NOW = new Date('2026-02-01T00:00:00Z');
const BASE = 'https://brief.example.org';

function file(key: string, bytes = 100) {
  return { key, bytes, sha256: 'a'.repeat(64), contentType: 'application/octet-stream' };
}

function issue(issueId: string, asOf: string, sample = false, extra: Partial<IssueIndexEntry> = {}) {
  const entry: IssueIndexEntry = {
    ...entryFromSnapshot(makeSnapshot(issueId, asOf, 40), `Hashprice news — hashbrief ${issueId}`),
    sample,
    generatedAt: `${asOf}T07:00:00.000Z`,
    files: Object.fromEntries(
      ['newsletter.html', 'snapshot.json', 'metrics.csv'].map((n) => [
        n,
        file(`issues/${issueId}/${n}`, n.length * 100),
      ]),
    ),
    ...extra,
  };
  return entry;
}

function alert(asOf: string, alertId: string, createdAt: string): AlertIndexEntry {
  const editionId = `${asOf}-${alertId}`;
  return {
    editionId,
    alertId,
    asOf,
    createdAt,
    severity: 'critical',
    title: `Alert: hashprice at a record low — hashbrief ${asOf}`,
    summary: 'Hashprice set a record low: $27.27/PH/day (7-day average).',
    levels: { 'hashprice-low': 3 },
    files: {
      'index.html': file(`alerts/${editionId}/index.html`),
      'alert.json': file(`alerts/${editionId}/alert.json`, 900),
    },
  };
}

/** Exactly one child `name` under `parent`; its text. */
function one(parent: XmlElement, name: string): string {
  const found = childrenNamed(parent, name);
  expect(found, `exactly one <${name}> in <${parent.name}>`).toHaveLength(1);
  return found[0]?.text ?? '';
}

describe('the XML parser these tests use', () => {
  it.each([
    ['a bare ampersand', '<a>&</a>'],
    ['a control character', '<a>\u0001</a>'],
    ['a mismatched tag', '<a><b></a>'],
    ['an HTML-only entity', '<a>&nbsp;</a>'],
    ['two root elements', '<a>x</a><b/>'],
  ])('rejects %s', (_what, xml) => {
    expect(() => parseXml(xml)).toThrow();
  });
});

describe('the Atom feed (feed.xml)', () => {
  const issues = [
    issue('2026-01-05', '2026-01-05'),
    issue('2026-01-12', '2026-01-12'),
    issue('2026-01-19-sample', '2026-01-19', true),
  ];
  const alerts = [alert('2026-01-14', 'hashprice-low', '2026-01-15T08:00:00.000Z')];

  it('parses as XML and has exactly one id, title and updated per feed and per entry', () => {
    const feed = parseXml(renderFeeds(issues, alerts, { publicBaseUrl: BASE, now: NOW }).atom);

    expect(feed.uri).toBe(ATOM);
    expect(feed.name).toBe('feed');
    for (const name of ['id', 'title', 'updated']) one(feed, name);
    const entries = childrenNamed(feed, 'entry');
    expect(entries).toHaveLength(3);
    for (const entry of entries) {
      for (const name of ['id', 'title', 'updated']) one(entry, name);
      expect(entry.uri).toBe(ATOM);
    }
  });

  it('lists live issues and alert editions newest first, leaving sample issues out once a live one exists', () => {
    const feed = parseXml(renderFeeds(issues, alerts, { publicBaseUrl: BASE, now: NOW }).atom);

    const ids = childrenNamed(feed, 'entry').map((e) => one(e, 'id'));
    expect(ids).toEqual([
      'tag:brief.example.org,2026-01-14:alert/2026-01-14-hashprice-low',
      'tag:brief.example.org,2026-01-12:issue/2026-01-12',
      'tag:brief.example.org,2026-01-05:issue/2026-01-05',
    ]);
    expect(one(feed, 'updated')).toBe('2026-01-15T08:00:00.000Z');
  });

  it('keeps sample issues while no live issue exists', () => {
    const onlySample = [issue('2026-01-19-sample', '2026-01-19', true)];
    const feed = parseXml(renderFeeds(onlySample, [], { now: NOW }).atom);

    expect(childrenNamed(feed, 'entry').map((e) => one(e, 'id'))).toEqual([
      'tag:localhost,2026-01-19:issue/2026-01-19-sample',
    ]);
  });

  it('gives an entry the same tag: id however many issues come after it', () => {
    const before = parseXml(renderFeeds(issues.slice(0, 1), [], { publicBaseUrl: BASE, now: NOW }).atom);
    const after = parseXml(renderFeeds(issues, alerts, { publicBaseUrl: BASE, now: NOW }).atom);

    const idOf = (feed: XmlElement, issueId: string) =>
      childrenNamed(feed, 'entry')
        .map((e) => one(e, 'id'))
        .find((id) => id.endsWith(`/${issueId}`));
    expect(idOf(before, '2026-01-05')).toBe(idOf(after, '2026-01-05'));
    expect(one(before, 'id')).toBe(one(after, 'id'));
  });

  it('carries the subject as title, the narrative as summary, and the web edition and downloads as links', () => {
    const feed = parseXml(renderFeeds(issues, [], { publicBaseUrl: BASE, now: NOW }).atom);
    const entry = childrenNamed(feed, 'entry')[0] as XmlElement;

    expect(one(entry, 'title')).toBe('Hashprice news — hashbrief 2026-01-12');
    expect(one(entry, 'summary')).toBe(issues[1]?.summary);
    const links = childrenNamed(entry, 'link').map((l) => l.attributes);
    expect(links).toEqual([
      { rel: 'alternate', type: 'text/html', href: `${BASE}/issues/2026-01-12/newsletter.html` },
      expect.objectContaining({
        rel: 'enclosure',
        type: 'application/json',
        href: `${BASE}/issues/2026-01-12/snapshot.json`,
        length: '1300',
      }),
      expect.objectContaining({
        rel: 'enclosure',
        type: 'text/csv',
        href: `${BASE}/issues/2026-01-12/metrics.csv`,
      }),
    ]);
    expect(childrenNamed(feed, 'link').map((l) => l.attributes.href)).toEqual([
      `${BASE}/feed.xml`,
      `${BASE}/index.html`,
    ]);
  });

  it('links relative to the archive root without a public base URL', () => {
    const feed = parseXml(renderFeeds(issues, alerts, { now: NOW }).atom);

    const hrefs = childrenNamed(feed, 'entry').flatMap((e) =>
      childrenNamed(e, 'link').map((l) => l.attributes.href ?? ''),
    );
    expect(hrefs).toContain('issues/2026-01-12/newsletter.html');
    expect(hrefs).toContain('alerts/2026-01-14-hashprice-low/index.html');
    expect(hrefs.every((h) => !h.startsWith('http') && !h.startsWith('/'))).toBe(true);
  });

  it('stays well-formed with markup and control characters in a title', () => {
    const hostile = issue('2026-01-05', '2026-01-05', false, {
      title: 'Pool <b>&</b> "x" \u0001\u0008 ]]> end',
    });
    const feed = parseXml(renderFeeds([hostile], [], { now: NOW }).atom);

    expect(one(childrenNamed(feed, 'entry')[0] as XmlElement, 'title')).toBe('Pool <b>&</b> "x"  ]]> end');
  });

  it('falls back to true words for entries written before titles and summaries were kept', () => {
    const old = issue('2026-01-05', '2026-01-05');
    delete old.title;
    delete old.summary;
    const feed = parseXml(renderFeeds([old], [], { now: NOW }).atom);
    const entry = childrenNamed(feed, 'entry')[0] as XmlElement;

    expect(one(entry, 'title')).toBe('hashbrief 2026-01-05');
    expect(one(entry, 'summary')).toMatch(/^Hashprice \$40\.00\/PH\/day \(7-day average\)/);
  });
});

describe('the JSON Feed (feed.json)', () => {
  it('is JSON Feed 1.1 with the same entries, ids and order as the Atom feed', () => {
    const issues = [issue('2026-01-05', '2026-01-05'), issue('2026-01-12', '2026-01-12')];
    const alerts = [alert('2026-01-14', 'hashprice-low', '2026-01-15T08:00:00.000Z')];
    const feeds = renderFeeds(issues, alerts, { publicBaseUrl: BASE, now: NOW });
    const feed = JSON.parse(feeds.json);
    const atomIds = childrenNamed(parseXml(feeds.atom), 'entry').map((e) => one(e, 'id'));

    expect(feed.version).toBe('https://jsonfeed.org/version/1.1');
    expect(feed.feed_url).toBe(`${BASE}/feed.json`);
    expect(feed.items.map((i: { id: string }) => i.id)).toEqual(atomIds);
    for (const item of feed.items) {
      expect(typeof item.title).toBe('string');
      expect(typeof item.content_text).toBe('string');
      expect(item.url).toMatch(/^https:\/\/brief\.example\.org\//);
      expect(Number.isNaN(Date.parse(item.date_published))).toBe(false);
    }
    expect(feed.items[1].attachments.map((a: { url: string }) => a.url)).toEqual([
      `${BASE}/issues/2026-01-12/snapshot.json`,
      `${BASE}/issues/2026-01-12/metrics.csv`,
    ]);
    expect(feed.items[0].tags).toEqual(['alert', 'critical']);
  });
});

describe('advertising the feeds', () => {
  const atomLink = (prefix: string) =>
    `<link rel="alternate" type="application/atom+xml" title="hashbrief (Atom)" href="${prefix}feed.xml">`;
  const jsonLink = (prefix: string) =>
    `<link rel="alternate" type="application/feed+json" title="hashbrief (JSON Feed)" href="${prefix}feed.json">`;

  it('links both feeds from the archive index', () => {
    const html = renderArchiveIndexPage([]);
    const head = html.slice(0, html.indexOf('</head>'));

    expect(head).toContain(atomLink(''));
    expect(head).toContain(jsonLink(''));
  });

  it('links both feeds from every web edition, relative to the archive root', () => {
    const model = buildIssueModel({
      snapshot: fixtureSnapshot(),
      links: fixtureLinks,
      footer: fixtureFooter,
    });
    const html = renderIssueWebPage(model);
    const head = html.slice(0, html.indexOf('</head>'));

    expect(head).toContain(atomLink('../../'));
    expect(head).toContain(jsonLink('../../'));
  });
});

describe('an issue entry without a summary', () => {
  const headline = {
    hashpriceUsdPerPhDay: 48.2,
    hashpriceChange7dPct: 3.1,
    priceUsd: 91_000,
    hashrateEhs7d: 1_050,
  };

  it('is summarised by its headline figures in a sentence', () => {
    const [item] = feedItems(
      [issue('2026-01-05', '2026-01-05', false, { summary: undefined, headline })],
      [],
      {},
    );

    expect(item?.summary).toBe(
      'Hashprice $48.20/PH/day (7-day average), +3.1% w/w; BTC $91,000; hashrate 1,050 EH/s.',
    );
  });

  it('says there is no hashprice this week and leaves out the figures it does not have', () => {
    const bare = {
      hashpriceUsdPerPhDay: null,
      hashpriceChange7dPct: null,
      priceUsd: null,
      hashrateEhs7d: null,
    };
    const [item] = feedItems(
      [issue('2026-01-05', '2026-01-05', false, { summary: undefined, headline: bare })],
      [],
      {},
    );

    expect(item?.summary).toBe('No hashprice this week.');
  });
});
