/**
 * A deliberately tiny template filler for the MJML partials in templates/. `{{name}}` is HTML-escaped;
 * `{{{name}}}` inserts a fragment this code built (already escaped). A placeholder without a value is an
 * error, so a typo in a template fails the tests instead of shipping a blank.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { escapeHtml } from '../text/escape';

/**
 * Where templates/ lives: beside the module when bundled (the Lambda asset copies templates/ next to
 * index.mjs), else at the repository root, two levels above this source file.
 */
function defaultTemplateDir(): URL {
  const bundled = new URL('./templates/', import.meta.url);
  return existsSync(fileURLToPath(bundled)) ? bundled : new URL('../../templates/', import.meta.url);
}
const DEFAULT_DIR = defaultTemplateDir();

const cache = new Map<string, string>();

/** Reads `templates/<name>.mjml` once per process. */
export function loadTemplate(name: string, dir: URL = DEFAULT_DIR): string {
  const key = `${dir.href}${name}`;
  let body = cache.get(key);
  if (body === undefined) {
    body = readFileSync(new URL(`${name}.mjml`, dir), 'utf8');
    cache.set(key, body);
  }
  return body;
}

/** Values for a template: strings are escaped, `{ raw }` fragments are inserted as they are. */
export type TemplateValues = Record<string, string | { raw: string }>;

export class TemplateError extends Error {
  override name = 'TemplateError';
}

/** Fills `{{x}}` (escaped) and `{{{x}}}` (raw) placeholders; throws on a missing value. */
export function fill(template: string, values: TemplateValues, templateName = 'template'): string {
  return template.replace(/\{\{(\{?)\s*([a-zA-Z0-9_]+)\s*\}?\}\}/g, (_match, triple: string, key: string) => {
    const value = values[key];
    if (value === undefined) throw new TemplateError(`${templateName}: no value for {{${key}}}`);
    if (typeof value === 'string') {
      if (triple) throw new TemplateError(`${templateName}: {{{${key}}}} needs a raw fragment, got text`);
      return escapeHtml(value);
    }
    return value.raw;
  });
}

/** Loads and fills a partial in one call. */
export function partial(name: string, values: TemplateValues): string {
  return fill(loadTemplate(name), values, name);
}
