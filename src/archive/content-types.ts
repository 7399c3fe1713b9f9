/**
 * Content-Type and Content-Encoding by file name, so every adapter and every caller labels the same
 * file the same way (browsers and the CDN rely on these headers for downloads).
 */

export interface ContentHeaders {
  contentType: string;
  contentEncoding?: string;
}

const BY_EXTENSION: Record<string, string> = {
  json: 'application/json',
  csv: 'text/csv; charset=utf-8',
  html: 'text/html; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
  png: 'image/png',
  svg: 'image/svg+xml',
  eml: 'message/rfc822',
};

/**
 * Headers for a file name. `x.json.gz` is JSON stored gzip-compressed (`Content-Encoding: gzip`), so
 * a browser or `curl --compressed` gets the JSON back; other `.gz` files are opaque gzip.
 */
export function contentHeadersFor(name: string): ContentHeaders {
  const lower = name.toLowerCase();
  // The feeds are the one place where the name, not the extension, says what a file is.
  const base = lower.slice(lower.lastIndexOf('/') + 1);
  if (base === 'feed.xml') return { contentType: 'application/atom+xml; charset=utf-8' };
  if (base === 'feed.json') return { contentType: 'application/feed+json; charset=utf-8' };
  if (lower.endsWith('.gz')) {
    const inner = lower.slice(0, -3);
    const innerType = BY_EXTENSION[extensionOf(inner)];
    return innerType
      ? { contentType: innerType, contentEncoding: 'gzip' }
      : { contentType: 'application/gzip' };
  }
  return { contentType: BY_EXTENSION[extensionOf(lower)] ?? 'application/octet-stream' };
}

function extensionOf(name: string): string {
  const base = name.slice(name.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot < 0 ? '' : base.slice(dot + 1);
}
