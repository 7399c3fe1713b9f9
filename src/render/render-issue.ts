/**
 * The render stage's entry point: snapshot + series in, every rendered part of the issue out (email HTML
 * and text with personal tokens, public web HTML and text, chart PNGs). Pure apart from CPU: no clock,
 * no environment, no I/O besides reading the bundled templates and fonts.
 */

import { breakPlaceholderSyntax, placeholderTokens } from '../contracts/placeholders';
import type { PersonalData, StoredEmail } from '../contracts/stored-email';
import { machineId } from '../metrics/machines';
import type { ChartRow, Snapshot } from '../snapshot/schema';
import { safeHttpUrl } from '../text/escape';
import { CHARTS, type ChartId, chartCid } from './charts/catalog';
import { renderCharts } from './charts/index';
import { pngDimensions } from './charts/raster';
import { buildEmailMjml, type ImageSizes, type ImageSource } from './email';
import { compileMjml } from './mjml-compile';
import { buildIssueModel, type IssueModel } from './model';
import { renderText } from './text';
import type { ChartImage, RenderedIssue } from './types';
import { renderIssueWebPage, type WebCharts } from './web/issue-page';

/** Public links printed in the issue; each must be http(s) or it is left out. */
export interface IssueLinks {
  issueUrl: string;
  snapshotUrl: string;
  csvUrl: string;
  archiveIndexUrl: string;
  subscribeUrl?: string;
}

export interface RenderIssueInput {
  snapshot: Snapshot;
  series: ChartRow[];
  links: IssueLinks;
  footer: { postalAddress: string };
  /** `cid`: images travel as inline attachments; `hosted`: absolute URLs under `publicBaseUrl`. */
  imageMode: 'hosted' | 'cid';
  /** Required for `hosted`: the archive's public base URL (CloudFront), http(s). */
  publicBaseUrl?: string;
  /**
   * 32 hex digits that go into every per-recipient placeholder of the email (src/contracts/placeholders.ts): new per
   * issue (`newPlaceholderNonce`), or the archived issue's own when it is replayed.
   */
  placeholderNonce: string;
}

export class RenderInputError extends Error {
  override name = 'RenderInputError';
}

function imageSource(input: RenderIssueInput): ImageSource {
  const { snapshot, imageMode } = input;
  if (imageMode === 'cid') return (chart: ChartId) => `cid:${chartCid(chart, snapshot.issueId)}`;
  const base = safeHttpUrl(input.publicBaseUrl);
  if (base === null) throw new RenderInputError("imageMode 'hosted' needs an http(s) publicBaseUrl");
  const root = base.replace(/\/+$/, '');
  return (chart: ChartId) =>
    `${root}/issues/${encodeURIComponent(snapshot.issueId)}/charts/${CHARTS[chart].filename}`;
}

function chartAlts(model: IssueModel): Partial<Record<ChartId, string>> {
  const alts: Partial<Record<ChartId, string>> = {};
  for (const s of model.sections) for (const b of s.blocks) if (b.kind === 'chart') alts[b.chart] = b.alt;
  return alts;
}

/** Each chart's real PNG size, so the email's fixed <img> height keeps the drawn aspect ratio. */
function imageSizes(images: ChartImage[]): ImageSizes {
  const sizes: ImageSizes = {};
  for (const id of Object.keys(CHARTS) as ChartId[]) {
    const image = images.find((i) => i.filename === CHARTS[id].filename);
    if (image) sizes[id] = pngDimensions(image.png) ?? { width: image.width, height: image.height };
  }
  return sizes;
}

/** The drawn charts for the web edition, which inlines their SVG. */
function webCharts(images: ChartImage[]): WebCharts {
  const charts: WebCharts = {};
  for (const image of images) charts[image.id] = { svg: image.svg, width: image.width, height: image.height };
  return charts;
}

/**
 * The model with every string run through `breakPlaceholderSyntax`. Upstream text (pool names, source
 * reasons, warnings) reaches the model unchanged, and the model is all the data an email shows, so after
 * this no data string in the email can contain `%%`, the delimiter of every placeholder.
 */
function withoutPlaceholderSyntax<T>(value: T): T {
  if (typeof value === 'string') return breakPlaceholderSyntax(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => withoutPlaceholderSyntax(v)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutPlaceholderSyntax(v)])) as T;
  }
  return value;
}

/** Renders one issue once; per-recipient parts stay as the issue's placeholders for `personalize`. */
export async function renderIssue(input: RenderIssueInput): Promise<RenderedIssue> {
  const src = imageSource(input);
  const tokens = placeholderTokens(input.placeholderNonce);
  const model = buildIssueModel({ snapshot: input.snapshot, links: input.links, footer: input.footer });
  const emailModel = withoutPlaceholderSyntax(model);
  const images = renderCharts(input.snapshot, input.series, chartAlts(model));
  const emailHtml = await compileMjml(buildEmailMjml(emailModel, src, imageSizes(images), tokens));
  return {
    issueId: model.issueId,
    subject: model.subject,
    preheader: model.preheader,
    emailHtml,
    emailText: renderText(emailModel, 'email', tokens),
    placeholderNonce: input.placeholderNonce,
    webHtml: renderIssueWebPage(model, webCharts(images)),
    webText: renderText(model, 'web'),
    imageMode: input.imageMode,
    images,
    personal: personalDataOf(input.snapshot),
  };
}

/** The issue's figures behind each reader's "Your numbers": the 7-day hashprice and the modelled fleet. */
export function personalDataOf(snapshot: Snapshot): PersonalData {
  return {
    asOf: snapshot.asOf,
    hashpriceUsdPerPhDay: snapshot.metrics.hashprice.usdPerPhDay,
    machines: snapshot.metrics.miners.breakeven.map((t) => ({
      id: machineId(t.model),
      model: breakPlaceholderSyntax(t.model),
      jPerTh: t.jPerTh,
    })),
  };
}

/** What the sender stores privately (`issues/<id>/email.json`): the email parts without PNG bytes. */
export function toStoredEmail(rendered: RenderedIssue): StoredEmail {
  return {
    issueId: rendered.issueId,
    subject: rendered.subject,
    preheader: rendered.preheader,
    html: rendered.emailHtml,
    text: rendered.emailText,
    placeholderNonce: rendered.placeholderNonce,
    imageMode: rendered.imageMode,
    images: rendered.images.map((i) => ({
      filename: i.filename,
      cid: i.cid,
      contentType: 'image/png' as const,
    })),
    personal: rendered.personal,
  };
}
