/**
 * Content model → plain text (the email's text/plain part and newsletter.txt), wrapped at 72 columns.
 * Built from the same model as the HTML, not by stripping it, so tables become aligned columns or
 * "label: value" lists and links are printed in full.
 */

import type { PlaceholderTokens } from '../contracts/placeholders';
import { PERSONAL_TOKENS } from '../contracts/placeholders';
import { pad, width, wrap } from '../text/wrap';
import { figureColumns } from './columns';
import { changeText } from './format';
import { type Block, type Column, type IssueModel, linkList, type Row, type Section } from './model';

/** Line width of the plain-text part. */
export const TEXT_COLUMNS = 72;

function heading(title: string, rule: string): string[] {
  const lines = wrap(title.toUpperCase(), TEXT_COLUMNS);
  return [...lines, rule.repeat(Math.min(TEXT_COLUMNS, Math.max(...lines.map(width))))];
}

function alignedLine(cells: string[], widths: number[], columns: Column[]): string {
  return cells
    .map((c, i) => pad(c, widths[i] ?? 0, columns[i]?.align ?? 'left'))
    .join('  ')
    .trimEnd();
}

function table(columns: Column[], rows: Row[]): string[] {
  const widths = columns.map((c, i) => Math.max(width(c.label), ...rows.map((r) => width(r.cells[i] ?? ''))));
  const rest = widths.slice(1).reduce((s, w) => s + w + 2, 0);
  // A long first cell (a pool or ASIC name) wraps inside its column when the other columns still fit.
  const first = Math.min(widths[0] ?? 0, TEXT_COLUMNS - rest);
  if (first >= 14) {
    widths[0] = first;
    const lines = [
      alignedLine(
        columns.map((c) => c.label),
        widths,
        columns,
      ),
      alignedLine(
        widths.map((w) => '-'.repeat(w)),
        widths,
        columns,
      ),
    ];
    for (const r of rows) {
      const head = wrap(r.cells[0] ?? '', first, '  ');
      lines.push(alignedLine([head[0] ?? '', ...r.cells.slice(1)], widths, columns));
      for (const more of head.slice(1)) lines.push(more);
    }
    return lines;
  }
  // Too wide even so: one entry per row, the first cell as its title.
  return rows.flatMap((r) => [
    ...wrap(`* ${r.cells[0] ?? ''}`, TEXT_COLUMNS, '  '),
    ...r.cells
      .slice(1)
      .flatMap((c, i) =>
        c === ''
          ? []
          : wrap(`${columns[i + 1]?.label ?? ''}: ${c}`, TEXT_COLUMNS - 2, '  ').map((l) => `  ${l}`),
      ),
  ]);
}

function block(b: Block): string[] {
  switch (b.kind) {
    case 'paragraphs':
      return b.paragraphs.flatMap((p, i) => [...(i ? [''] : []), ...wrap(p, TEXT_COLUMNS)]);
    case 'figures': {
      const columns = figureColumns('Measure', 'Value', ...(b.changeLabel ? [b.changeLabel] : []));
      const rows = b.figures.map((f) => ({
        cells: [f.label, f.value, ...(b.changeLabel ? [f.change ? changeText(f.change) : ''] : [])],
      }));
      return [...wrap(b.caption, TEXT_COLUMNS), '', ...table(columns, rows)];
    }
    case 'table':
      return [...wrap(b.caption, TEXT_COLUMNS), '', ...table(b.columns, b.rows)];
    case 'chart':
      return wrap(`[Chart: ${b.alt}]`, TEXT_COLUMNS, ' ');
    case 'alerts':
      return b.alerts.flatMap((a, i) => [
        ...(i ? [''] : []),
        ...wrap(`!! ${a.severity.toUpperCase()}: ${a.message}`, TEXT_COLUMNS, '   '),
      ]);
    case 'notes':
      return b.notes.flatMap((n) => wrap(`- ${n}`, TEXT_COLUMNS, '  '));
    case 'links':
      return linkLines(b.links);
  }
}

function linkLines(links: { label: string; url: string | null }[]): string[] {
  return links
    .filter((l): l is { label: string; url: string } => l.url !== null)
    .flatMap((l) => [`${l.label}:`, `  ${l.url}`]);
}

function section(s: Section): string[] {
  const out = [...heading(s.title, '-')];
  for (const b of s.blocks) out.push('', ...block(b));
  return out;
}

/**
 * Plain text of an issue. `email` carries the placeholders `tokens` (greeting, unsubscribe link); `web`
 * is the public newsletter.txt with a neutral greeting and no personal link.
 */
export function renderText(
  model: IssueModel,
  variant: 'email' | 'web',
  tokens: PlaceholderTokens = PERSONAL_TOKENS,
): string {
  const lines: string[] = [...wrap(`hashbrief: ${model.dateline}`, TEXT_COLUMNS)];
  if (model.sampleNotice) lines.push('', ...wrap(`*** ${model.sampleNotice} ***`, TEXT_COLUMNS));
  lines.push('', variant === 'email' ? tokens.greeting : model.neutralGreeting, '');
  lines.push(...heading(model.headline, '='));
  // The reader's "Your numbers" block is filled in per recipient in front of the first section's heading:
  // it ends with its own two blank lines, and a reader without one gets the text exactly as before.
  const personal = variant === 'email' ? tokens.personal : '';
  model.sections.forEach((s, i) => {
    const [first = '', ...rest] = section(s);
    lines.push('', '', ...(i === 0 ? [`${personal}${first}`, ...rest] : [first, ...rest]));
  });
  if (model.sections.length === 0 && personal) lines.push('', '', personal);
  // Only absolute links are printed (the text part travels by email); no heading when none is left.
  const archive = linkLines(linkList(model));
  if (archive.length > 0) lines.push('', '', ...heading('Archive and downloads', '-'), '', ...archive);
  lines.push('', '', ...model.attribution.flatMap((a) => wrap(`Source: ${a}`, TEXT_COLUMNS)));
  if (variant === 'email') {
    lines.push(
      '',
      ...wrap('You receive hashbrief because you subscribed. Unsubscribe with one click:', TEXT_COLUMNS),
    );
    lines.push(tokens.unsubscribeUrl);
    lines.push(
      '',
      ...wrap('Choose what you get (the weekly issue, alerts, your power price):', TEXT_COLUMNS),
      tokens.preferencesUrl,
    );
  } else if (model.links.subscribeUrl) {
    lines.push('', 'Get hashbrief by email every week:', model.links.subscribeUrl);
  }
  lines.push('', ...wrap(model.postalAddress, TEXT_COLUMNS));
  lines.push('', ...wrap('Not investment advice. Figures are estimates from public data.', TEXT_COLUMNS));
  return `${lines.map((l) => l.trimEnd()).join('\n')}\n`;
}
