/**
 * Raw MIME for one recipient, built with nodemailer's MailComposer (multipart/alternative text + HTML,
 * wrapped in multipart/related with Content-ID images when images travel inline). Every value that
 * reaches a header is checked for CR, LF and other control characters first, and every line of every
 * part ends in CRLF (RFC 5322 §2.3): MTAs hardened against SMTP smuggling reject a bare LF.
 */
import MailComposer from 'nodemailer/lib/mail-composer';
import { HeaderInjectionError, MimeFormatError } from './errors';

// C0 controls (CR, LF, NUL, TAB…), DEL, the C1 controls (NEL is a line break to some parsers), U+2028/9.
// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point.
const UNSAFE_HEADER = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** Throws HeaderInjectionError when `value` has CR, LF or another control character. */
export function assertHeaderSafe(field: string, value: string): void {
  if (UNSAFE_HEADER.test(value)) {
    throw new HeaderInjectionError(`${field} contains a line break or control character`);
  }
}

/** One inline image: referenced from the HTML as `cid:<cid>`. */
export interface InlineImage {
  cid: string;
  filename: string;
  content: Buffer;
  contentType: 'image/png';
}

/** Everything one message needs; all strings are trusted values already checked by the caller. */
export interface RawMessageInput {
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  /** Angle-bracketed id, e.g. `<2026-11-23.ab12@example.com>`. */
  messageId: string;
  date: Date;
  /** https URL for `List-Unsubscribe` + RFC 8058 `List-Unsubscribe-Post`. */
  listUnsubscribeUrl?: string;
  images?: InlineImage[];
}

/** The longest line RFC 5322 §2.1.1 allows, without its CRLF. */
export const MAX_LINE_OCTETS = 998;

/**
 * `text` with every line break (LF, CR or CRLF) written as CRLF. MailComposer copies a body's line breaks
 * as they are into 7bit and quoted-printable parts, so the bodies must arrive in wire form.
 */
export function toCrlf(text: string): string {
  return text.replace(/\r\n|\r|\n/g, '\r\n');
}

/**
 * Throws MimeFormatError unless every line of `raw` ends in CRLF and none is longer than 998 octets: the
 * last guard before a message leaves, whatever the composer did.
 */
export function assertWireFormat(raw: Buffer): void {
  let lineStart = 0;
  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i];
    if (byte === 0x0d && raw[i + 1] !== 0x0a) throw new MimeFormatError(`bare CR at byte ${i}`);
    if (byte !== 0x0a) continue;
    if (raw[i - 1] !== 0x0d) throw new MimeFormatError(`bare LF at byte ${i}`);
    if (i - 1 - lineStart > MAX_LINE_OCTETS)
      throw new MimeFormatError(`a line of ${i - 1 - lineStart} octets at byte ${lineStart}`);
    lineStart = i + 1;
  }
  if (raw.length - lineStart > MAX_LINE_OCTETS)
    throw new MimeFormatError(`a line of ${raw.length - lineStart} octets at byte ${lineStart}`);
}

/**
 * Builds the raw RFC 5322 message; throws HeaderInjectionError before building anything unsafe and
 * MimeFormatError if the result would break the wire format.
 */
export async function buildRawMessage(input: RawMessageInput): Promise<Buffer> {
  assertHeaderSafe('From', input.from);
  assertHeaderSafe('To', input.to);
  assertHeaderSafe('Subject', input.subject);
  assertHeaderSafe('Message-ID', input.messageId);
  const headers: Record<string, string> = {};
  if (input.listUnsubscribeUrl !== undefined) {
    assertHeaderSafe('List-Unsubscribe', input.listUnsubscribeUrl);
    if (!/^https?:\/\/[^\s<>]+$/.test(input.listUnsubscribeUrl)) {
      throw new HeaderInjectionError('List-Unsubscribe must be a plain http(s) URL');
    }
    headers['List-Unsubscribe'] = `<${input.listUnsubscribeUrl}>`;
    headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
  }
  for (const image of input.images ?? []) assertHeaderSafe('Content-ID', image.cid);
  const composer = new MailComposer({
    from: input.from,
    to: input.to,
    subject: input.subject,
    html: toCrlf(input.html),
    text: toCrlf(input.text),
    messageId: input.messageId,
    date: input.date,
    headers,
    disableFileAccess: true,
    disableUrlAccess: true,
    attachments: (input.images ?? []).map((image) => ({
      cid: image.cid,
      filename: image.filename,
      content: image.content,
      contentType: image.contentType,
      contentDisposition: 'inline' as const,
    })),
  });
  const raw = await composer.compile().build();
  assertWireFormat(raw);
  return raw;
}

/** The domain of a From value such as `hashbrief <briefing@example.com>`, for Message-IDs. */
export function fromDomain(from: string): string {
  const match = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from);
  return match?.[1]?.toLowerCase() ?? 'localhost';
}
