/**
 * Every value that reaches a mail header, against every character that could end the header or smuggle
 * one in. A table, so that narrowing the check to CR/LF (or dropping one field from it) fails here.
 */
import { describe, expect, it } from 'vitest';
import { HeaderInjectionError } from '../../../src/delivery/errors';
import {
  assertHeaderSafe,
  buildRawMessage,
  fromDomain,
  type RawMessageInput,
} from '../../../src/delivery/mime';

const clean: RawMessageInput = {
  from: 'hashbrief <briefing@example.com>',
  to: 'alice@example.com',
  subject: 'Weekly – hashprice',
  html: '<p>hi <img src="cid:c1@hb"></p>',
  text: 'hi',
  messageId: '<2026-11-23.ab12@example.com>',
  date: new Date('2026-11-24T00:00:00Z'),
  listUnsubscribeUrl: 'https://links.example.com/unsubscribe?token=abc',
  images: [{ cid: 'c1@hb', filename: 'c.png', content: Buffer.from('png'), contentType: 'image/png' }],
};

/** Each header field, and how to put `bad` into it (in the middle of an otherwise valid value). */
const FIELDS: [string, (bad: string) => RawMessageInput][] = [
  ['From', (bad) => ({ ...clean, from: `hashbrief${bad} <briefing@example.com>` })],
  ['To', (bad) => ({ ...clean, to: `alice${bad}@example.com` })],
  ['Subject', (bad) => ({ ...clean, subject: `Weekly${bad}hashprice` })],
  ['Message-ID', (bad) => ({ ...clean, messageId: `<2026-11-23${bad}.ab12@example.com>` })],
  ['List-Unsubscribe', (bad) => ({ ...clean, listUnsubscribeUrl: `https://links.example.com/u${bad}x` })],
  [
    'Content-ID',
    (bad) => ({
      ...clean,
      images: [
        { cid: `c1${bad}@hb`, filename: 'c.png', content: Buffer.from('png'), contentType: 'image/png' },
      ],
    }),
  ],
];

/** Every class of character a header value may not carry. */
const FORBIDDEN: [string, string][] = [
  ['CR', '\r'],
  ['LF', '\n'],
  ['CRLF', '\r\n'],
  ['CRLF with a folded injected header', '\r\n Bcc: victim@example.com'],
  ['NUL', '\u0000'],
  ['TAB', '\t'],
  ['ESC (another C0 control)', '\u001b'],
  ['US, the last C0 control', '\u001f'],
  ['DEL', '\u007f'],
  ['NEL (a C1 control)', '\u0085'],
  ['U+2028 LINE SEPARATOR', '\u2028'],
  ['U+2029 PARAGRAPH SEPARATOR', '\u2029'],
];

const TABLE = FIELDS.flatMap(([field, put]) =>
  FORBIDDEN.map(([label, bad]) => [field, label, put(bad)] as const),
);

describe('buildRawMessage refuses every forbidden character in every header field', () => {
  it.each(TABLE)('%s with %s', async (field, _label, input) => {
    const built = buildRawMessage(input);

    await expect(built).rejects.toThrow(HeaderInjectionError);
    await expect(built).rejects.toThrow(new RegExp(`^${field} contains a line break or control character$`));
  });

  it('builds the same message once the values are clean, with each header carrying its value', async () => {
    const raw = (await buildRawMessage(clean)).toString('utf8');

    expect(raw).toMatch(/^From: hashbrief <briefing@example\.com>\r$/m);
    expect(raw).toMatch(/^To: alice@example\.com\r$/m);
    expect(raw).toMatch(/^Message-ID: <2026-11-23\.ab12@example\.com>\r$/m);
    expect(raw).toMatch(/^List-Unsubscribe: <https:\/\/links\.example\.com\/unsubscribe\?token=abc>\r$/m);
    expect(raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r$/m);
    expect(raw).toMatch(/^Content-ID: <c1@hb>\r$/m);
  });
});

describe('assertHeaderSafe', () => {
  it('passes printable ASCII and non-ASCII text that is not a control character', () => {
    expect(() => assertHeaderSafe('Subject', 'Hashprice ≈ $50 ₿ — “quoted” ~ é')).not.toThrow();
    expect(() => assertHeaderSafe('Subject', ' !"#$%&\'()*+,-./09:;<=>?@AZ[\\]^_`az{|}~')).not.toThrow();
  });

  it.each(FORBIDDEN)('names the field when the value has %s', (_label, bad) => {
    expect(() => assertHeaderSafe('X-Field', `a${bad}b`)).toThrow(
      new HeaderInjectionError('X-Field contains a line break or control character'),
    );
  });
});

describe('the List-Unsubscribe URL must be a plain http(s) URL', () => {
  it.each([
    ['a mailto: URL', 'mailto:unsubscribe@example.com'],
    ['a javascript: URL', 'javascript:alert(1)'],
    ['an ftp: URL', 'ftp://links.example.com/unsubscribe'],
    ['a relative path', '/unsubscribe?token=abc'],
    ['a scheme-relative URL', '//links.example.com/unsubscribe'],
    ['an empty value', ''],
    ['a URL with > that would close the angle brackets early', 'https://links.example.com/u>, <mailto:x@y.z'],
    ['a URL with <', 'https://links.example.com/u<x'],
    ['a URL with a space', 'https://links.example.com/u x'],
    ['text before the scheme', 'see https://links.example.com/u'],
  ])('refuses %s', async (_label, url) => {
    const built = buildRawMessage({ ...clean, listUnsubscribeUrl: url });

    await expect(built).rejects.toThrow(HeaderInjectionError);
    await expect(built).rejects.toThrow('List-Unsubscribe must be a plain http(s) URL');
  });

  it.each([
    ['https', 'https://links.example.com/unsubscribe?token=u.abc'],
    ['http (a local deployment)', 'http://127.0.0.1:8080/unsubscribe?token=u.abc'],
  ])('accepts an %s URL and wraps it in angle brackets', async (_label, url) => {
    const raw = (await buildRawMessage({ ...clean, listUnsubscribeUrl: url })).toString('utf8');

    expect(raw).toContain(`List-Unsubscribe: <${url}>\r\n`);
  });

  it('writes no List-Unsubscribe headers when there is no URL (a confirmation mail)', async () => {
    const raw = (await buildRawMessage({ ...clean, listUnsubscribeUrl: undefined })).toString('utf8');

    expect(raw).not.toMatch(/^List-Unsubscribe/im);
  });
});

describe('a message without inline images', () => {
  it('is multipart/alternative only, with no Content-ID and no attachment', async () => {
    const raw = (await buildRawMessage({ ...clean, html: '<p>hi</p>', images: undefined })).toString('utf8');

    expect(raw).toMatch(/^Content-Type: multipart\/alternative;/m);
    expect(raw).not.toContain('multipart/related');
    expect(raw).not.toMatch(/^Content-(ID|Disposition):/m);
    expect(raw.match(/^Content-Type: /gm)).toHaveLength(3);
  });
});

describe('fromDomain', () => {
  it.each([
    ['a display name and angle brackets', 'hashbrief <briefing@example.com>', 'example.com'],
    ['a bare address', 'briefing@example.com', 'example.com'],
    [
      'upper case, lower-cased for the Message-ID',
      'hashbrief <Briefing@Mail.Example.ORG>',
      'mail.example.org',
    ],
    ['trailing whitespace', 'hashbrief <briefing@example.com>  ', 'example.com'],
    ['an @ in the display name', '"a@b" <briefing@example.net>', 'example.net'],
    ['no address at all', 'hashbrief', 'localhost'],
    ['text after the address', 'hashbrief <briefing@example.com> (news)', 'localhost'],
  ])('reads the domain from %s', (_label, from, domain) => {
    expect(fromDomain(from)).toBe(domain);
  });
});
