/**
 * Every message hashbrief builds, parsed strictly as a hardened MTA would: CRLF on every line of every
 * part, no line over 998 octets, no encoding defect, and the headers a bulk sender must carry.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createMemoryArchiveStore } from '../../../src/archive/memory-store';
import { sendTestEmail } from '../../../src/delivery/deliver';
import { createEmailLoader } from '../../../src/delivery/email';
import { buildRawMessage } from '../../../src/delivery/mime';
import { requestSubscription } from '../../../src/delivery/subscribe';
import { createSubscriberStore } from '../../../src/delivery/subscribers';
import { renderIssue, toStoredEmail } from '../../../src/render/render-issue';
import { fixtureRenderInput } from '../../fixtures/render/fixture';
import { fakeClock, recordingMailer, TEST_SETTINGS } from '../../support/delivery-fixtures';
import { mailedMessage } from '../../support/rendered-mail';
import { header, leaves, type MimePart, parseMimeStrict, textOf } from '../../support/strict-mime';

const ISSUE_HEADERS = ['Date', 'Message-ID', 'MIME-Version', 'List-Unsubscribe', 'List-Unsubscribe-Post'];
const EVERY_MESSAGE = ['Date', 'Message-ID', 'MIME-Version', 'From', 'To', 'Subject'];

/** Builds the fixture issue's email in one image mode and returns one subscriber's raw message. */
async function issueMessage(imageMode: 'cid' | 'hosted'): Promise<Buffer> {
  const rendered = await renderIssue(
    fixtureRenderInput({ imageMode, publicBaseUrl: 'https://brief.example.org' }),
  );
  return mailedMessage(rendered, { to: 'reader@example.com', subscriberHash: 'ab'.repeat(32) });
}

function expectHeaders(root: MimePart, names: string[]): void {
  for (const name of names) expect(header(root, name), name).toBeDefined();
  expect(header(root, 'MIME-Version')).toBe('1.0');
  expect(header(root, 'Message-ID')).toMatch(/^<[^<>@\s]+@[^<>@\s]+>$/);
  expect(Number.isNaN(Date.parse(header(root, 'Date') ?? ''))).toBe(false);
  expect(header(root, 'Date')).toMatch(
    /^[A-Z][a-z]{2}, \d{1,2} [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d [+-]\d{4}$/,
  );
}

function expectIssueHeaders(root: MimePart): void {
  expectHeaders(root, [...EVERY_MESSAGE, ...ISSUE_HEADERS]);
  expect(header(root, 'List-Unsubscribe')).toMatch(/^<https:\/\/[^\s<>]+>$/);
  expect(header(root, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
}

describe('issue messages parse strictly', () => {
  const messages: Record<string, Buffer> = {};

  beforeAll(async () => {
    messages.cid = await issueMessage('cid');
    messages.hosted = await issueMessage('hosted');
  });

  for (const mode of ['cid', 'hosted']) {
    it(`has CRLF on every line, no line over 998 octets and no defect (${mode} images)`, () => {
      const { defects } = parseMimeStrict(messages[mode] as Buffer);

      expect(defects).toEqual([]);
    });

    it(`carries Date, Message-ID, MIME-Version and one-click unsubscribe headers (${mode} images)`, () => {
      const { root } = parseMimeStrict(messages[mode] as Buffer);

      expectIssueHeaders(root);
    });

    it(`keeps CRLF inside the decoded text and HTML parts (${mode} images)`, () => {
      const { root } = parseMimeStrict(messages[mode] as Buffer);
      const texts = leaves(root).filter((p) => p.type.startsWith('text/'));

      expect(texts.map((p) => p.type).sort()).toEqual(['text/html', 'text/plain']);
      for (const part of texts) {
        const text = textOf(part);
        expect(text.length).toBeGreaterThan(1000);
        expect(text).not.toMatch(/[^\r]\n/);
        expect(text).not.toMatch(/\r[^\n]/);
      }
    });
  }

  it('sends the charts as inline PNG parts with Content-IDs in cid mode', () => {
    const { root } = parseMimeStrict(messages.cid as Buffer);
    const images = leaves(root).filter((p) => p.type === 'image/png');

    // The HTML and its images travel together; the text part is their plain alternative.
    expect(root.type).toBe('multipart/alternative');
    expect(root.parts.map((p) => p.type)).toEqual(['text/plain', 'multipart/related']);
    expect(images).toHaveLength(4);
    for (const image of images) {
      expect(header(image, 'Content-ID')).toMatch(/^<[^<>\s]+>$/);
      expect(image.body.subarray(1, 4).toString('latin1')).toBe('PNG');
    }
  });
});

describe('other messages parse strictly', () => {
  it('a test send', async () => {
    const archive = createMemoryArchiveStore();
    const rendered = await renderIssue(
      fixtureRenderInput({ imageMode: 'hosted', publicBaseUrl: 'https://brief.example.org' }),
    );
    const stored = toStoredEmail(rendered);
    await archive.putIfAbsent(`issues/${stored.issueId}/email.json`, JSON.stringify(stored), {
      contentType: 'application/json',
    });
    const mailer = recordingMailer();

    await sendTestEmail({
      issueId: stored.issueId,
      to: 'me@example.com',
      emails: createEmailLoader(archive),
      mailer,
      settings: TEST_SETTINGS,
      clock: fakeClock().clock,
    });

    const { root, defects } = parseMimeStrict(mailer.sent[0]?.raw ?? Buffer.alloc(0));
    expect(defects).toEqual([]);
    expectIssueHeaders(root);
  });

  it('a confirmation email', async () => {
    const mailer = recordingMailer();
    const deps = {
      subscribers: createSubscriberStore(createMemoryArchiveStore()),
      mailer,
      clock: fakeClock().clock,
    };

    await requestSubscription('new@example.com', deps, TEST_SETTINGS);

    const { root, defects } = parseMimeStrict(mailer.sent[0]?.raw ?? Buffer.alloc(0));
    expect(defects).toEqual([]);
    expectHeaders(root, EVERY_MESSAGE);
  });

  it('text with LF, CR or CRLF line breaks and a line far over 998 octets', async () => {
    const long = `${'x'.repeat(1500)} ${'y'.repeat(1200)}`;

    const raw = await buildRawMessage({
      from: TEST_SETTINGS.from,
      to: 'a@example.com',
      subject: 'Mixed line breaks',
      text: `one\ntwo\r\nthree\rfour\n${long}\n`,
      html: `<p>one</p>\n<p>${long}</p>\r<p>end</p>`,
      messageId: '<mixed.1@example.com>',
      date: new Date('2026-11-24T06:00:00Z'),
      listUnsubscribeUrl: 'https://links.example.com/unsubscribe?token=abc',
    });

    const { root, defects } = parseMimeStrict(raw);
    expect(defects).toEqual([]);
    const plain = leaves(root).find((p) => p.type === 'text/plain');
    expect(textOf(plain as MimePart)).toBe(`one\r\ntwo\r\nthree\r\nfour\r\n${long}\r\n`);
  });
});

describe('the strict reader itself', () => {
  const clean = Buffer.from(
    'Date: Tue, 24 Nov 2026 06:00:00 +0000\r\nMessage-ID: <a@b>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhello\r\n',
  );

  it('accepts a clean message', () => {
    expect(parseMimeStrict(clean).defects).toEqual([]);
  });

  it('reports a bare LF, an over-long line, an 8-bit byte in a 7bit part and an unclosed multipart', () => {
    const bareLf = Buffer.from(clean.toString().replace('hello\r\n', 'hello\nworld\r\n'));
    const long = Buffer.from(clean.toString().replace('hello', 'h'.repeat(999)));
    const eightBit = Buffer.from(clean.toString().replace('hello', 'héllo'));
    const unclosed = Buffer.from(
      'MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhi\r\n',
    );

    expect(parseMimeStrict(bareLf).defects.join()).toMatch(/bare LF/);
    expect(parseMimeStrict(long).defects.join()).toMatch(/999 octets/);
    expect(parseMimeStrict(eightBit).defects.join()).toMatch(/7bit/);
    expect(parseMimeStrict(unclosed).defects.join()).toMatch(/closing delimiter/);
  });
});
