/**
 * An alert edition drawn three ways: a short MJML email (the alert, its two or three numbers, one chart, a
 * link to the latest issue, the footer with unsubscribe and preferences placeholders), its plain-text
 * part, and the public web edition (`alerts/<id>/index.html`, with `alert.txt`). Rendered once per
 * edition; the sender personalises it like an issue. Pure apart from CPU.
 */
import type { AlertEdition } from '../alerts/edition';
import { breakPlaceholderSyntax, placeholderTokens } from '../contracts/placeholders';
import type { StoredEmail } from '../contracts/stored-email';
import type { ChartRow, Metrics } from '../snapshot/schema';
import { longDate } from '../text/dates';
import { escapeHtml, safeHttpUrl } from '../text/escape';
import { wrap } from '../text/wrap';
import { CHARTS, type ChartId } from './charts/catalog';
import { hashrateDifficultyChart, poolSharesChart, priceHashpriceChart } from './charts/issue-charts';
import { pngDimensions, svgToPng } from './charts/raster';
import type { ChartDrawing } from './charts/svg';
import { emailChartSize } from './email';
import { feedLinkTags } from './feeds';
import { compileMjml } from './mjml-compile';
import { partial } from './template';
import type { ChartImage } from './types';
import { renderPage } from './web/shell';

const ALERT_STYLE = {
  critical: { bar: '#b42318', bg: '#fdecea', label: 'Critical' },
  warning: { bar: '#b26a00', bg: '#fff4d6', label: 'Warning' },
  info: { bar: '#1f4e8c', bg: '#eaf1fb', label: 'Note' },
} as const;

/** Links an edition prints; relative ones are dropped from the email (they could not resolve there). */
export interface AlertLinks {
  /** The latest weekly issue's web version. */
  latestIssueUrl: string;
  /** This edition's web version. */
  editionUrl: string;
  archiveIndexUrl: string;
  feedUrl: string;
}

export interface RenderAlertInput {
  edition: AlertEdition;
  /** The window's daily rows (hashprice and hashrate charts). */
  series: ChartRow[];
  /** The week's pools (the pools chart). */
  pools: Metrics['pools'];
  links: AlertLinks;
  footer: { postalAddress: string };
  imageMode: 'hosted' | 'cid';
  publicBaseUrl?: string;
  placeholderNonce: string;
}

export interface RenderedAlert {
  subject: string;
  emailHtml: string;
  emailText: string;
  webHtml: string;
  webText: string;
  image: ChartImage;
  stored: StoredEmail;
}

/** The edition's one chart: the issue's own chart for its kind, drawn over the latest data. */
function chartFor(input: RenderAlertInput): { id: ChartId; drawing: ChartDrawing } {
  const { edition, series, pools } = input;
  if (edition.chart.kind === 'hashprice')
    return { id: 'price-hashprice', drawing: priceHashpriceChart(series) };
  if (edition.chart.kind === 'hashrate') {
    return { id: 'hashrate-difficulty', drawing: hashrateDifficultyChart(series) };
  }
  return { id: 'pools', drawing: poolSharesChart(pools) };
}

function numbersRows(edition: AlertEdition): string {
  const th =
    'padding:6px 4px;border-bottom:1px solid #e6e9ee;font-size:12px;color:#57606a;font-weight:600;text-align:left';
  const td = 'padding:6px 4px;border-bottom:1px solid #e6e9ee;vertical-align:top';
  return `<tr><th style="${th}">Measure</th><th style="${th};text-align:right">Value</th></tr>${edition.numbers
    .map(
      (n) =>
        `<tr><td style="${td}">${escapeHtml(n.label)}</td><td class="hb-r" style="${td};text-align:right;white-space:nowrap;font-weight:600">${escapeHtml(n.value)}</td></tr>`,
    )
    .join('')}`;
}

function callout(edition: AlertEdition): string {
  const s = ALERT_STYLE[edition.severity];
  return `<tr><td style="background:${s.bg};border-left:4px solid ${s.bar};padding:10px 12px;font-size:14px;line-height:1.45"><strong style="color:${s.bar}">${s.label}:</strong> ${escapeHtml(edition.message)}</td></tr>`;
}

/** Email links in reading order: only absolute http(s) ones. */
function emailLinks(edition: AlertEdition, links: AlertLinks): { label: string; url: string }[] {
  return [
    {
      label: `Read the latest issue (data to ${longDate(edition.latestIssue.asOf)})`,
      url: links.latestIssueUrl,
    },
    { label: 'This alert on the web', url: links.editionUrl },
    { label: 'All issues and alerts (archive)', url: links.archiveIndexUrl },
    { label: 'Follow every issue and alert in a feed reader (Atom)', url: links.feedUrl },
  ].flatMap((l) => {
    const url = safeHttpUrl(l.url);
    return url ? [{ label: l.label, url }] : [];
  });
}

/** The MJML document of the alert email (issue.mjml with the alert's own sections). */
function alertMjml(input: RenderAlertInput, edition: AlertEdition, image: ChartImage, src: string): string {
  const tokens = placeholderTokens(input.placeholderNonce);
  const size = emailChartSize(pngDimensions(image.png) ?? { width: image.width, height: image.height });
  const links = emailLinks(edition, input.links);
  const blocks = [
    partial('partials/alerts', { rows: { raw: callout(edition) } }),
    partial('partials/table', { caption: 'The numbers behind it', rows: { raw: numbersRows(edition) } }),
    partial('partials/chart', {
      src,
      alt: edition.chart.alt,
      caption: edition.chart.caption,
      width: String(size.width),
      height: String(size.height),
    }),
    partial('partials/paragraphs', {
      paragraphs: {
        raw: `<p style="margin:0 0 10px">${escapeHtml(`A mid-week alert: this tripped on ${longDate(edition.asOf)}, after the latest weekly issue. The next issue puts it in context.`)}</p>`,
      },
    }),
  ].join('\n');
  return partial('issue', {
    subject: edition.title,
    preheader: edition.message,
    banner: { raw: '' },
    masthead: {
      raw: partial('partials/masthead', {
        dateline: `Alert \u00b7 data to ${edition.asOf} (UTC)`,
        greeting: tokens.greeting,
        headline: edition.headline,
      }),
    },
    personal: { raw: '' },
    sections: {
      raw: partial('partials/section', { id: 'alert', title: 'What tripped', blocks: { raw: blocks } }),
    },
    links: {
      raw:
        links.length === 0
          ? ''
          : partial('partials/links', {
              links: {
                raw: links
                  .map(
                    (l) =>
                      `<p style="margin:0 0 6px"><a href="${escapeHtml(l.url)}">${escapeHtml(l.label)}</a></p>`,
                  )
                  .join(''),
              },
            }),
    },
    footer: {
      raw: partial('partials/footer', {
        attribution: { raw: `Source: ${escapeHtml(edition.attribution)}` },
        subscription: {
          raw: `You receive hashbrief alerts because you subscribed. <a href="${tokens.unsubscribeUrl}">Unsubscribe</a> with one click, or <a href="${tokens.preferencesUrl}">choose what you get</a> (the weekly issue, alerts, your power price).`,
        },
        postalAddress: input.footer.postalAddress,
      }),
    },
  });
}

function textPart(input: RenderAlertInput, edition: AlertEdition, variant: 'email' | 'web'): string {
  const tokens = placeholderTokens(input.placeholderNonce);
  const lines: string[] = [...wrap(`hashbrief alert: data to ${edition.asOf} (UTC)`)];
  lines.push('', variant === 'email' ? tokens.greeting : 'Hello,', '');
  lines.push(edition.headline.toUpperCase(), '='.repeat(Math.min(72, edition.headline.length)), '');
  lines.push(...wrap(`${ALERT_STYLE[edition.severity].label}: ${edition.message}`), '');
  for (const n of edition.numbers) lines.push(...wrap(`- ${n.label}: ${n.value}`, 72, '  '));
  lines.push('', ...wrap(`Chart: ${edition.chart.alt}`));
  lines.push(
    '',
    ...wrap(
      `A mid-week alert: this tripped on ${longDate(edition.asOf)}, after the latest weekly issue. The next issue puts it in context.`,
    ),
  );
  const links =
    variant === 'email'
      ? emailLinks(edition, input.links)
      : [
          {
            label: `The latest issue (data to ${longDate(edition.latestIssue.asOf)})`,
            url: `../../issues/${edition.latestIssue.issueId}/newsletter.html`,
          },
        ];
  if (links.length > 0) {
    lines.push('');
    for (const l of links) lines.push(`${l.label}:`, l.url);
  }
  lines.push('', ...wrap(`Source: ${edition.attribution}`));
  if (variant === 'email') {
    lines.push(
      '',
      ...wrap('You receive hashbrief alerts because you subscribed. Unsubscribe with one click:'),
      tokens.unsubscribeUrl,
      '',
      ...wrap('Choose what you get (the weekly issue, alerts, your power price):'),
      tokens.preferencesUrl,
    );
  }
  lines.push('', ...wrap(input.footer.postalAddress));
  lines.push('', ...wrap('Not investment advice. Figures are estimates from public data.'));
  return `${lines.map((l) => l.trimEnd()).join('\n')}\n`;
}

function webPage(input: RenderAlertInput, edition: AlertEdition, image: ChartImage): string {
  const s = ALERT_STYLE[edition.severity];
  const rows = edition.numbers
    .map((n) => `<tr><td>${escapeHtml(n.label)}</td><td class="r b">${escapeHtml(n.value)}</td></tr>`)
    .join('');
  const latest = [
    '..',
    '..',
    'issues',
    encodeURIComponent(edition.latestIssue.issueId),
    'newsletter.html',
  ].join('/');
  const main = [
    `<section class="hb-card"><p class="hb-muted">Hello,</p><h1>${escapeHtml(edition.headline)}</h1><div class="hb-alert ${edition.severity}"><strong>${s.label}:</strong> ${escapeHtml(edition.message)}</div></section>`,
    `<section class="hb-card" id="alert"><h2>The numbers behind it</h2><table class="hb-t"><tr><th>Measure</th><th class="r">Value</th></tr>${rows}</table><figure><img src="charts/${escapeHtml(image.filename)}" width="600" height="320" alt="${escapeHtml(edition.chart.alt)}"><figcaption>${escapeHtml(edition.chart.caption)}</figcaption></figure><p>A mid-week alert: this tripped on ${escapeHtml(longDate(edition.asOf))}, after the latest weekly issue. The next issue puts it in context.</p></section>`,
    `<section class="hb-card hb-links"><h2>More</h2><ul><li><a href="${escapeHtml(latest)}">The latest issue (data to ${escapeHtml(longDate(edition.latestIssue.asOf))})</a></li><li><a href="alert.json">This alert's data (alert.json)</a></li><li><a href="../../index.html">All issues</a></li><li><a href="../../feed.xml">Atom feed</a> · <a href="../../feed.json">JSON Feed</a></li></ul></section>`,
  ].join('\n');
  return renderPage({
    title: edition.title,
    description: edition.message,
    homeHref: '../../index.html',
    tagline: `Bitcoin mining economics and network security. Alert, data to ${edition.asOf} (UTC).`,
    head: feedLinkTags('../../'),
    main,
    attribution: [edition.attribution],
    footer: [
      escapeHtml(input.footer.postalAddress),
      'Not investment advice. Figures are estimates from public data.',
    ],
  });
}

/** The edition's content with every string unable to spell a placeholder (as the issue's model is). */
function safeEdition(edition: AlertEdition): AlertEdition {
  return {
    ...edition,
    message: breakPlaceholderSyntax(edition.message),
    title: breakPlaceholderSyntax(edition.title),
    headline: breakPlaceholderSyntax(edition.headline),
    numbers: edition.numbers.map((n) => ({
      ...n,
      label: breakPlaceholderSyntax(n.label),
      value: breakPlaceholderSyntax(n.value),
    })),
    chart: { ...edition.chart, alt: breakPlaceholderSyntax(edition.chart.alt) },
  };
}

/** Renders an edition once: email (with the edition's placeholders), text, web, its one chart. */
export async function renderAlertEdition(input: RenderAlertInput): Promise<RenderedAlert> {
  const edition = safeEdition(input.edition);
  const { id, drawing } = chartFor(input);
  const filename = CHARTS[id].filename;
  const image: ChartImage = {
    id,
    filename,
    svgFilename: CHARTS[id].svgFilename,
    cid: `${id}.${edition.editionId}@hashbrief`,
    alt: edition.chart.alt,
    width: drawing.width,
    height: drawing.height,
    png: svgToPng(drawing.svg),
    svg: drawing.svg,
  };
  let src = `cid:${image.cid}`;
  if (input.imageMode === 'hosted') {
    const base = safeHttpUrl(input.publicBaseUrl);
    if (base === null) throw new Error("imageMode 'hosted' needs an http(s) publicBaseUrl");
    src = `${base.replace(/\/+$/, '')}/alerts/${encodeURIComponent(edition.editionId)}/charts/${filename}`;
  }
  const emailHtml = await compileMjml(alertMjml(input, edition, image, src));
  const emailText = textPart(input, edition, 'email');
  return {
    subject: edition.title,
    emailHtml,
    emailText,
    webHtml: webPage(input, edition, image),
    webText: textPart(input, edition, 'web'),
    image,
    stored: {
      issueId: edition.editionId,
      subject: edition.title,
      preheader: edition.message,
      html: emailHtml,
      text: emailText,
      placeholderNonce: input.placeholderNonce,
      imageMode: input.imageMode,
      images: [{ filename, cid: image.cid, contentType: 'image/png' }],
    },
  };
}
