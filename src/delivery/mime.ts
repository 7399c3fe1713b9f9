/**
 * Raw MIME for one recipient, built with nodemailer's MailComposer (multipart/alternative text + HTML,
 * wrapped in multipart/related with Content-ID images when images travel inline). Every value that
 * reaches a header is checked for CR, LF and other control characters first.
 */
import MailComposer from 'nodemailer/lib/mail-composer';
import { HeaderInjectionError } from './errors';

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

/** Builds the raw RFC 5322 message; throws HeaderInjectionError before building anything unsafe. */
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
    html: input.html,
    text: input.text,
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
  return composer.compile().build();
}

/** The domain of a From value such as `hashbrief <briefing@example.com>`, for Message-IDs. */
export function fromDomain(from: string): string {
  const match = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from);
  return match?.[1]?.toLowerCase() ?? 'localhost';
}
