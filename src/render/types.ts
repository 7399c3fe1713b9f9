/**
 * The render stage's output. Rendered once per issue; per-recipient parts are tokens substituted at send
 * time (src/delivery never loads MJML or chart code).
 */

import type { PersonalData } from '../contracts/stored-email';
import type { ChartId } from './charts/catalog';

export interface ChartImage {
  id: ChartId;
  /** File name of the PNG under `issues/<id>/charts/`, e.g. `price-hashprice.png`. */
  filename: string;
  /** File name of the SVG beside it, e.g. `price-hashprice.svg`. */
  svgFilename: string;
  /** Content-ID used when the image travels inline. */
  cid: string;
  alt: string;
  /** Size in CSS px; the PNG has CHART_SCALE× as many pixels. */
  width: number;
  height: number;
  png: Buffer;
  /** The chart as a standalone SVG document (what the PNG is rasterised from). */
  svg: string;
}

export interface RenderedIssue {
  issueId: string;
  subject: string;
  preheader: string;
  /** Email HTML with the issue's placeholders; images referenced as `cid:` or hosted URLs per `imageMode`. */
  emailHtml: string;
  /** Plain-text part with the issue's placeholders, wrapped at 72 columns. */
  emailText: string;
  /** The nonce inside every placeholder of `emailHtml` and `emailText` (src/contracts/placeholders.ts). */
  placeholderNonce: string;
  /** Public web version (newsletter.html): no tokens, images relative (`charts/x.png`). */
  webHtml: string;
  /** Public text version (newsletter.txt): no tokens. */
  webText: string;
  imageMode: 'hosted' | 'cid';
  images: ChartImage[];
  /** The figures each reader's "Your numbers" block is worked out from at send time. */
  personal: PersonalData;
}
