/**
 * Content model → MJML for the email. Fragments inside mj-text/mj-table are built here with inline
 * styles (many clients drop <style>), every value escaped, every link allow-listed.
 */

import type { PlaceholderTokens } from '../contracts/placeholders';
import { PERSONAL_TOKENS } from '../contracts/placeholders';
import { escapeHtml } from '../text/escape';
import { CHART_SIZE, CHARTS, type ChartId } from './charts/catalog';
import { figureColumns } from './columns';
import { changeText } from './format';
import {
  type Block,
  type Column,
  type IssueModel,
  linkList,
  type Row,
  type Section,
  type Tone,
} from './model';
import { figureLabels, stackedLabels } from './stacked';
import { partial } from './template';

/** Tone colours, chosen for contrast ≥ 4.5:1 on white; the dark theme repaints them by class. */
export const TONE_COLORS: Record<Tone, string> = {
  good: '#1a7f37',
  bad: '#b42318',
  neutral: '#1f2328',
  muted: '#6e7781',
};

/** Classes by which the dark theme repaints a toned cell. */
const TONE_CLASSES: Record<Tone, string> = {
  good: 'hb-good',
  bad: 'hb-bad',
  neutral: '',
  muted: 'hb-muted-tone',
};

/** Alert boxes: the label colour has ≥ 4.5:1 contrast on the box (WCAG AA for 14-px bold text). */
const ALERT_STYLE = {
  critical: { bar: '#b42318', label: '#b42318', bg: '#fdecea', name: 'Critical' },
  warning: { bar: '#b26a00', label: '#7a4a00', bg: '#fff4d6', name: 'Warning' },
  info: { bar: '#1f4e8c', label: '#1f4e8c', bg: '#eaf1fb', name: 'Note' },
} as const;

/** Where the email's <img> tags point: `cid:` references or hosted absolute URLs. */
export type ImageSource = (chart: ChartId) => string;

/** Display width of a chart in the email: the 600 px body minus the sections' 24 px side padding. */
export const EMAIL_CHART_WIDTH = 552;

/** Pixel size of each chart's PNG (only the aspect ratio matters); CHART_SIZE when a chart is missing. */
export type ImageSizes = Partial<Record<ChartId, { width: number; height: number }>>;

/**
 * Fixed `width`/`height` of a chart <img> in the email, so clients reserve the space before the image
 * loads: the email's display width and the height scaled from the PNG's aspect ratio.
 */
export function emailChartSize(size: { width: number; height: number } | undefined): {
  width: number;
  height: number;
} {
  const { width, height } = size && size.width > 0 && size.height > 0 ? size : CHART_SIZE;
  return { width: EMAIL_CHART_WIDTH, height: Math.round((EMAIL_CHART_WIDTH * height) / width) };
}

interface ImageOptions {
  src: ImageSource;
  sizes: ImageSizes;
}

interface CellOptions {
  tone?: Tone;
  bold?: boolean;
  /** Column name shown before the value when the row is stacked on a phone (see stacked.ts). */
  label?: string | null;
}

/**
 * One table cell. The tone is an inline colour (clients without <style>) plus a class the dark theme
 * repaints; the stacked label is hidden inline and shown by the phone media query.
 */
function cell(content: string, align: 'left' | 'right', o: CellOptions = {}): string {
  const toned = o.tone !== undefined && o.tone !== 'neutral';
  const style = [
    `text-align:${align}`,
    align === 'right' ? 'white-space:nowrap' : '',
    toned && o.tone ? `color:${TONE_COLORS[o.tone]}` : '',
    o.bold ? 'font-weight:600' : '',
  ]
    .filter(Boolean)
    .join(';');
  const classes = [align === 'right' ? 'hb-r' : 'hb-l', toned && o.tone ? TONE_CLASSES[o.tone] : '']
    .filter(Boolean)
    .join(' ');
  const label = o.label
    ? `<span class="hb-k" style="display:none;mso-hide:all">${escapeHtml(o.label)}: </span>`
    : '';
  return `<td class="${classes}" style="${style}">${label}${content}</td>`;
}

function headerRow(labels: { label: string; align: 'left' | 'right' }[]): string {
  return `<tr class="hb-h">${labels.map((c) => `<th scope="col" style="text-align:${c.align}${c.align === 'right' ? ';white-space:nowrap' : ''}">${escapeHtml(c.label)}</th>`).join('')}</tr>`;
}

function tableRows(columns: Column[], rows: Row[]): string {
  const labels = stackedLabels(columns);
  const body = rows.map((row) => {
    const cells = row.cells.map((c, i) => {
      const align = columns[i]?.align ?? 'left';
      // Colour only the verdict column (last) so long tables stay calm; the word itself carries the meaning.
      return cell(escapeHtml(c), align, {
        tone: i === row.cells.length - 1 ? row.tone : undefined,
        bold: row.tone === 'neutral' && i > 0,
        label: c === '' ? null : labels[i],
      });
    });
    return `<tr>${cells.join('')}</tr>`;
  });
  return headerRow(columns) + body.join('');
}

function block(b: Block, images: ImageOptions): string {
  switch (b.kind) {
    case 'paragraphs':
      return partial('partials/paragraphs', {
        paragraphs: {
          raw: b.paragraphs.map((p) => `<p style="margin:0 0 10px">${escapeHtml(p)}</p>`).join(''),
        },
      });
    case 'figures': {
      const columns = figureColumns('Measure', 'Value', ...(b.changeLabel ? [b.changeLabel] : []));
      const labels = figureLabels(b.changeLabel);
      const rows = b.figures.map((f) => {
        const change = f.change
          ? cell(escapeHtml(changeText(f.change)), 'right', {
              tone: f.change.tone,
              label: labels[2],
            })
          : b.changeLabel
            ? cell('', 'right')
            : '';
        return `<tr>${cell(escapeHtml(f.label), 'left')}${cell(escapeHtml(f.value), 'right', { bold: true })}${change}</tr>`;
      });
      return partial('partials/table', {
        caption: b.caption,
        rows: { raw: headerRow(columns) + rows.join('') },
      });
    }
    case 'table':
      return partial('partials/table', { caption: b.caption, rows: { raw: tableRows(b.columns, b.rows) } });
    case 'chart': {
      const size = emailChartSize(images.sizes[b.chart]);
      return partial('partials/chart', {
        src: images.src(b.chart),
        alt: b.alt,
        caption: b.caption,
        width: String(size.width),
        height: String(size.height),
      });
    }
    case 'alerts':
      return partial('partials/alerts', {
        rows: {
          raw: b.alerts
            .map((a) => {
              const s = ALERT_STYLE[a.severity];
              return `<tr><td class="hb-alert hb-alert-${a.severity}" style="background:${s.bg};border-left:4px solid ${s.bar};padding:10px 12px;font-size:14px;line-height:1.45;color:#1f2328"><strong style="color:${s.label}">${s.name}:</strong> ${escapeHtml(a.message)}</td></tr><tr><td style="height:8px;line-height:8px;font-size:0">&nbsp;</td></tr>`;
            })
            .join(''),
        },
      });
    case 'notes':
      return partial('partials/notes', {
        notes: { raw: b.notes.map((n) => `<p style="margin:0 0 6px">${escapeHtml(n)}</p>`).join('') },
      });
    case 'links':
      return partial('partials/paragraphs', { paragraphs: { raw: linksHtml(b.links) } });
  }
}

function linksHtml(links: { label: string; url: string | null }[]): string {
  return links
    .filter((l): l is { label: string; url: string } => l.url !== null)
    .map((l) => `<p style="margin:0 0 6px"><a href="${escapeHtml(l.url)}">${escapeHtml(l.label)}</a></p>`)
    .join('');
}

function section(s: Section, images: ImageOptions): string {
  return partial('partials/section', {
    id: s.id,
    title: s.title,
    blocks: { raw: s.blocks.map((b) => block(b, images)).join('\n') },
  });
}

/**
 * The MJML document of the email version, with the placeholders `tokens` for greeting and unsubscribe
 * link. `imageSizes` are the charts' PNG sizes (for the <img> height); without them CHART_SIZE is assumed.
 */
export function buildEmailMjml(
  model: IssueModel,
  imageSrc: ImageSource,
  imageSizes: ImageSizes = {},
  tokens: PlaceholderTokens = PERSONAL_TOKENS,
): string {
  const images: ImageOptions = { src: imageSrc, sizes: imageSizes };
  const archiveLinks = linksHtml(linkList(model));
  const unsubscribe = `<a href="${tokens.unsubscribeUrl}">Unsubscribe</a> with one click, or <a href="${tokens.preferencesUrl}">choose what you get</a> (the weekly issue, alerts, your power price).`;
  return partial('issue', {
    subject: model.subject,
    preheader: model.preheader,
    banner: { raw: model.sampleNotice ? partial('partials/banner', { notice: model.sampleNotice }) : '' },
    masthead: {
      raw: partial('partials/masthead', {
        dateline: model.dateline,
        greeting: tokens.greeting,
        headline: model.headline,
      }),
    },
    // Each reader's "Your numbers" (src/delivery/personal-numbers.ts) replaces this placeholder at send time; a reader
    // without a power price gets an empty string there, and the zero-padding section takes no space.
    personal: { raw: partial('partials/personal', { block: { raw: tokens.personal } }) },
    sections: { raw: model.sections.map((s) => section(s, images)).join('\n') },
    // Relative links (a local run without a public base URL) are refused in the email, where they could
    // not resolve; with none left the whole section goes rather than an empty heading.
    links: { raw: archiveLinks ? partial('partials/links', { links: { raw: archiveLinks } }) : '' },
    footer: {
      raw: partial('partials/footer', {
        attribution: { raw: model.attribution.map((a) => `Source: ${escapeHtml(a)}`).join('<br>') },
        subscription: { raw: `You receive hashbrief because you subscribed. ${unsubscribe}` },
        postalAddress: model.postalAddress,
      }),
    },
  });
}

/** Every chart id the email references, for tests and for the cid attachment list. */
export const EMAIL_CHARTS = Object.keys(CHARTS) as ChartId[];
