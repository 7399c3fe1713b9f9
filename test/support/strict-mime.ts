/**
 * A strict reader of raw RFC 5322 / MIME messages for tests: it decodes the tree (headers, multipart
 * bodies, quoted-printable and base64) and lists every departure from the standards as a defect instead
 * of repairing it the way a forgiving client would. Hardened MTAs reject what this flags: bare CR or LF
 * (SMTP smuggling), lines over 998 octets, 8-bit bytes in headers or in a 7bit part, broken encodings,
 * unterminated multiparts.
 */

export interface MimeHeader {
  /** As written, e.g. `Content-Type`. */
  name: string;
  /** Unfolded value with the leading space trimmed. */
  value: string;
}

export interface MimePart {
  headers: MimeHeader[];
  /** Lower-case media type, e.g. `text/html`; `text/plain` when the part names none (RFC 2045). */
  type: string;
  /** Lower-case parameter names. */
  params: Record<string, string>;
  /** The body after transfer decoding (for multiparts: the raw body). */
  body: Buffer;
  parts: MimePart[];
}

export interface StrictParse {
  root: MimePart;
  /** Every departure from RFC 5322 / 2045 / 2046 found, with where it was. Empty for a clean message. */
  defects: string[];
}

/** The first value of a header, case-insensitive. */
export function header(part: MimePart, name: string): string | undefined {
  return part.headers.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;
}

/** Every leaf part, depth first. */
export function leaves(part: MimePart): MimePart[] {
  return part.parts.length === 0 ? [part] : part.parts.flatMap(leaves);
}

/** Decoded text of a text part, by its charset (utf-8 and us-ascii only). */
export function textOf(part: MimePart): string {
  return part.body.toString('utf8');
}

const CR = 13;
const LF = 10;
const MAX_LINE = 998;
const MAX_ENCODED_LINE = 76;

/** Parses `raw` strictly; never throws on bad input, it reports. */
export function parseMimeStrict(raw: Buffer): StrictParse {
  const defects: string[] = [];
  checkLineEndings(raw, defects);
  const root = parseEntity(raw, 'message', defects, true);
  return { root, defects };
}

function checkLineEndings(raw: Buffer, defects: string[]): void {
  let lineStart = 0;
  let line = 1;
  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i];
    if (byte === LF && raw[i - 1] !== CR) defects.push(`bare LF ending line ${line} (byte ${i})`);
    if (byte === CR && raw[i + 1] !== LF) defects.push(`bare CR in line ${line} (byte ${i})`);
    if (byte === LF) {
      const length = i - lineStart - (raw[i - 1] === CR ? 1 : 0);
      if (length > MAX_LINE) defects.push(`line ${line} is ${length} octets (limit ${MAX_LINE})`);
      lineStart = i + 1;
      line++;
    }
  }
  if (raw.length - lineStart > MAX_LINE)
    defects.push(`line ${line} is ${raw.length - lineStart} octets (limit ${MAX_LINE})`);
  if (raw.length > 0 && raw[raw.length - 1] !== LF) defects.push('message does not end with CRLF');
}

/** Splits at the first empty line; lines split on CRLF only (bare LF was reported already). */
function splitHeaderBody(entity: Buffer): { head: string; body: Buffer } | null {
  if (entity.subarray(0, 2).toString('latin1') === '\r\n') return { head: '', body: entity.subarray(2) };
  const at = entity.indexOf('\r\n\r\n');
  if (at < 0) return null;
  return { head: entity.subarray(0, at).toString('latin1'), body: entity.subarray(at + 4) };
}

const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/;
const UNIQUE_TOP = ['date', 'from', 'to', 'subject', 'message-id', 'mime-version', 'content-type'];

function parseHeaders(head: string, where: string, defects: string[]): MimeHeader[] {
  const headers: MimeHeader[] = [];
  if (head === '') return headers;
  for (const [n, line] of head.split('\r\n').entries()) {
    if (/[^\t\x20-\x7e]/.test(line))
      defects.push(`${where}: byte outside printable ASCII in header line ${n + 1}`);
    if (/^[ \t]/.test(line)) {
      const last = headers.at(-1);
      if (!last) defects.push(`${where}: header block starts with a continuation line`);
      else last.value += line;
      continue;
    }
    const colon = line.indexOf(':');
    const name = colon < 0 ? '' : line.slice(0, colon);
    if (colon < 0 || !FIELD_NAME.test(name)) {
      defects.push(`${where}: malformed header line ${JSON.stringify(line.slice(0, 60))}`);
      continue;
    }
    headers.push({ name, value: line.slice(colon + 1) });
  }
  for (const h of headers)
    h.value = h.value
      .replace(/\r\n/g, '')
      .replace(/^[ \t]+/, '')
      .trimEnd();
  return headers;
}

/** `type/subtype; a=b; c="d"` → type and lower-cased parameter names. */
function parseContentType(
  value: string | undefined,
  where: string,
  defects: string[],
): { type: string; params: Record<string, string> } {
  if (value === undefined) return { type: 'text/plain', params: { charset: 'us-ascii' } };
  const [typePart = '', ...rest] = value.split(';');
  const type = typePart.trim().toLowerCase();
  if (!/^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(type))
    defects.push(`${where}: malformed Content-Type ${JSON.stringify(value)}`);
  const params: Record<string, string> = {};
  const paramText = rest.join(';');
  for (const m of paramText.matchAll(/\s*([^=;\s]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;\s]*)\s*;?/g)) {
    const key = (m[1] ?? '').toLowerCase();
    const raw = m[2] ?? '';
    params[key] = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
  }
  return { type, params };
}

function parseEntity(entity: Buffer, where: string, defects: string[], top: boolean): MimePart {
  const split = splitHeaderBody(entity);
  if (!split) {
    defects.push(`${where}: no empty line between headers and body`);
    return { headers: [], type: 'text/plain', params: {}, body: Buffer.alloc(0), parts: [] };
  }
  const headers = parseHeaders(split.head, where, defects);
  const names = headers.map((h) => h.name.toLowerCase());
  for (const unique of top ? UNIQUE_TOP : ['content-type', 'content-transfer-encoding']) {
    if (names.filter((n) => n === unique).length > 1) defects.push(`${where}: ${unique} appears twice`);
  }
  const contentTypeValue = headers.find((h) => h.name.toLowerCase() === 'content-type')?.value;
  const { type, params } = parseContentType(contentTypeValue, where, defects);
  const part: MimePart = { headers, type, params, body: split.body, parts: [] };
  const encoding = (
    headers.find((h) => h.name.toLowerCase() === 'content-transfer-encoding')?.value ?? '7bit'
  ).toLowerCase();

  if (type.startsWith('multipart/')) {
    if (!['7bit', '8bit', 'binary'].includes(encoding))
      defects.push(`${where}: a multipart cannot be ${encoding}-encoded`);
    part.parts = parseMultipart(split.body, params.boundary, where, defects);
    return part;
  }
  if (type.startsWith('text/') && params.charset === undefined)
    defects.push(`${where}: ${type} without a charset`);
  if (params.charset !== undefined && !['utf-8', 'us-ascii'].includes(params.charset.toLowerCase()))
    defects.push(`${where}: unexpected charset ${params.charset}`);
  part.body = decodeBody(split.body, encoding, where, defects);
  return part;
}

function parseMultipart(
  body: Buffer,
  boundary: string | undefined,
  where: string,
  defects: string[],
): MimePart[] {
  if (!boundary) {
    defects.push(`${where}: multipart without a boundary`);
    return [];
  }
  if (boundary.length > 70 || /[^0-9A-Za-z'()+_,./:=? -]/.test(boundary) || boundary.endsWith(' '))
    defects.push(`${where}: boundary ${JSON.stringify(boundary)} breaks RFC 2046`);
  const text = body.toString('latin1');
  const lines = text.split('\r\n');
  const delimiter = `--${boundary}`;
  const parts: string[][] = [];
  let current: string[] | null = null;
  let closed = false;
  for (const line of lines) {
    if (closed) break;
    const trimmed = line.replace(/[ \t]+$/, '');
    if (trimmed === `${delimiter}--`) {
      if (current) parts.push(current);
      current = null;
      closed = true;
    } else if (trimmed === delimiter) {
      if (current) parts.push(current);
      current = [];
    } else if (current) {
      current.push(line);
    }
  }
  if (!closed) defects.push(`${where}: multipart has no closing delimiter --${boundary}--`);
  if (parts.length === 0) defects.push(`${where}: multipart with no parts`);
  return parts.map((lines, i) =>
    parseEntity(Buffer.from(`${lines.join('\r\n')}`, 'latin1'), `${where} > part ${i + 1}`, defects, false),
  );
}

function decodeBody(body: Buffer, encoding: string, where: string, defects: string[]): Buffer {
  switch (encoding) {
    case '7bit': {
      const at = body.findIndex((b) => b > 127 || b === 0);
      if (at >= 0) defects.push(`${where}: byte ${body[at]} in a 7bit part (offset ${at})`);
      return body;
    }
    case '8bit':
      return body;
    case 'quoted-printable':
      return decodeQuotedPrintable(body.toString('latin1'), where, defects);
    case 'base64':
      return decodeBase64(body.toString('latin1'), where, defects);
    default:
      defects.push(`${where}: unknown Content-Transfer-Encoding ${encoding}`);
      return body;
  }
}

function decodeQuotedPrintable(text: string, where: string, defects: string[]): Buffer {
  const out: number[] = [];
  const lines = text.split('\r\n');
  for (const [n, line] of lines.entries()) {
    if (line.length > MAX_ENCODED_LINE)
      defects.push(`${where}: quoted-printable line ${n + 1} is ${line.length} characters (limit 76)`);
    if (/[^\t\x20-\x7e]/.test(line))
      defects.push(`${where}: unencoded byte in quoted-printable line ${n + 1}`);
    let soft = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i] as string;
      if (ch !== '=') {
        out.push(ch.charCodeAt(0));
        continue;
      }
      if (i === line.length - 1) {
        soft = true;
        break;
      }
      const hex = line.slice(i + 1, i + 3);
      if (!/^[0-9A-F]{2}$/.test(hex)) {
        defects.push(`${where}: bad quoted-printable escape =${hex} in line ${n + 1}`);
        out.push(61);
        continue;
      }
      out.push(Number.parseInt(hex, 16));
      i += 2;
    }
    if (!soft && n < lines.length - 1) out.push(CR, LF);
  }
  return Buffer.from(out);
}

function decodeBase64(text: string, where: string, defects: string[]): Buffer {
  const lines = text.split('\r\n');
  for (const [n, line] of lines.entries()) {
    if (line.length > MAX_ENCODED_LINE)
      defects.push(`${where}: base64 line ${n + 1} is ${line.length} characters (limit 76)`);
  }
  const joined = lines.join('');
  if (/[^A-Za-z0-9+/=]/.test(joined)) defects.push(`${where}: character outside the base64 alphabet`);
  if (joined.length % 4 !== 0)
    defects.push(`${where}: base64 length ${joined.length} is not a multiple of 4`);
  if (/=[^=]/.test(joined)) defects.push(`${where}: base64 padding in the middle of the data`);
  return Buffer.from(joined, 'base64');
}
