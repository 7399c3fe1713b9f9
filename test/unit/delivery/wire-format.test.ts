/**
 * The last guard before a message leaves (src/delivery/mime.ts `assertWireFormat`): every line ends in
 * CRLF and none is longer than RFC 5322's 998 octets. Each refusal names what it found and where, so a
 * held send can be traced to the byte.
 */
import { describe, expect, it } from 'vitest';
import { MimeFormatError } from '../../../src/delivery/errors';
import { assertWireFormat, MAX_LINE_OCTETS } from '../../../src/delivery/mime';

const line = (octets: number) => 'x'.repeat(octets);

describe('assertWireFormat', () => {
  it.each([
    ['an empty message', ''],
    ['CRLF lines', 'a\r\nb\r\n'],
    ['a last line without a line break', 'a\r\nb'],
    ['a line of exactly 998 octets', `${line(MAX_LINE_OCTETS)}\r\nok\r\n`],
    ['a last line of exactly 998 octets', `ok\r\n${line(MAX_LINE_OCTETS)}`],
  ])('passes %s', (_, raw) => {
    expect(() => assertWireFormat(Buffer.from(raw))).not.toThrow();
  });

  it.each([
    ['a bare LF', 'a\r\nb\nc\r\n', 'bare LF at byte 4'],
    ['a bare LF as the first byte', '\nabc', 'bare LF at byte 0'],
    ['a bare CR', 'a\rb\r\n', 'bare CR at byte 1'],
    ['a bare CR as the last byte', 'ab\r', 'bare CR at byte 2'],
    ['a first line of 999 octets', `${line(999)}\r\nok\r\n`, 'a line of 999 octets at byte 0'],
    ['a later line of 999 octets', `ab\r\n${line(999)}\r\n`, 'a line of 999 octets at byte 4'],
    [
      'a last line of 999 octets without a line break',
      `ab\r\n${line(999)}`,
      'a line of 999 octets at byte 4',
    ],
  ])('refuses %s, naming it and its place', (_, raw, message) => {
    const attempt = () => assertWireFormat(Buffer.from(raw));

    expect(attempt).toThrow(MimeFormatError);
    expect(attempt).toThrow(new RegExp(`^${message}$`));
  });
});
