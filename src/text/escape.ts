/**
 * Escaping and link allow-listing for everything that reaches HTML, MJML or SVG. Upstream data (pool
 * names, source reasons, warnings) is untrusted, so every interpolation goes through these.
 */

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/** Escapes text for HTML/XML text nodes and quoted attribute values (also safe inside MJML and SVG). */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`]/g, (c) => HTML_ESCAPES[c] ?? c);
}

/**
 * Returns the URL normalised when it is an absolute http(s) URL, else `null`. Anything else
 * (`javascript:`, `data:`, relative, malformed) is refused so it can never become a live link.
 */
export function safeHttpUrl(value: string | undefined | null): string | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (!/^https?:\/\//i.test(trimmed)) return null;
  try {
    const url = new URL(trimmed);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    return url.href;
  } catch {
    return null;
  }
}

/**
 * Allows a relative link made by this code (e.g. `issues/2026-11-23/newsletter.html`) or an http(s) URL;
 * refuses schemes and protocol-relative URLs.
 */
export function safeLink(value: string): string | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(value) || value.startsWith('//')) return safeHttpUrl(value);
  if (/[\s<>"'`\\]/.test(value)) return null;
  return value;
}
