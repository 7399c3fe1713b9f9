import { describe, expect, it } from 'vitest';
import {
  addressHash,
  addressIdentity,
  addressMailbox,
  hashNormalizedAddress,
  legacyAddressHash,
  mailboxHash,
  normalizeAddress,
} from '../../../src/delivery/address';
import { InvalidAddressError, TokenError } from '../../../src/delivery/errors';
import { linkSubscriber, signToken, verifyToken } from '../../../src/delivery/tokens';
import { TEST_SECRET } from '../../support/delivery-fixtures';

const HASH = addressHash('alice@example.com');
const NOW = new Date('2026-11-24T00:00:00Z');

describe('normalizeAddress', () => {
  it('trims and lower-cases the domain but keeps the local part', () => {
    expect(normalizeAddress('  Alice.B@Example.COM ')).toBe('Alice.B@example.com');
  });

  it('converts an internationalized domain to punycode', () => {
    expect(normalizeAddress('bob@bücher.de')).toBe('bob@xn--bcher-kva.de');
  });

  it.each([
    ['a CR/LF header injection', 'a@example.com\r\nBcc: victim@example.com', 'line break'],
    ['a bare LF', 'a@exa\nmple.com', 'line break'],
    ['a non-ASCII local part', 'jürgen@example.com', 'ASCII'],
    ['a missing @', 'example.com', 'name@example.com'],
    ['a domain without a dot', 'a@localhost', 'domain'],
    ['more than 254 characters', `${'a'.repeat(60)}@${'b'.repeat(200)}.com`, '254'],
    ['a quoted local part', '"a b"@example.com', 'quoted'],
  ])('rejects %s with a clear reason', (_name, input, reason) => {
    expect(() => normalizeAddress(input)).toThrow(InvalidAddressError);
    expect(() => normalizeAddress(input)).toThrow(reason);
  });

  it('gives the same hash to spellings that normalize the same', () => {
    expect(addressHash(' alice@EXAMPLE.com')).toBe(addressHash('alice@example.com'));
  });
});

describe('address identity', () => {
  it('keeps the address as typed but gives every case spelling one id', () => {
    const typed = normalizeAddress('Alice.B@Example.com');

    expect(typed).toBe('Alice.B@example.com');
    expect(addressIdentity(typed)).toBe('alice.b@example.com');
    expect(addressHash('ALICE.B@example.com')).toBe(addressHash('alice.b@EXAMPLE.com'));
    expect(hashNormalizedAddress(typed)).toBe(addressHash('alice.b@example.com'));
  });

  it('knows the pre-case-insensitive id only for the migration', () => {
    expect(legacyAddressHash('Alice@example.com')).not.toBe(addressHash('Alice@example.com'));
    expect(legacyAddressHash('alice@example.com')).toBe(addressHash('Alice@example.com'));
  });

  it('keeps a +tag in the id but not in the mailbox', () => {
    const tagged = normalizeAddress('Victim+News@example.com');

    expect(addressHash(tagged)).not.toBe(addressHash('victim@example.com'));
    expect(addressMailbox(tagged)).toBe('victim@example.com');
    expect(mailboxHash(tagged)).toBe(mailboxHash('VICTIM@example.com'));
    expect(addressMailbox('+only@example.com')).toBe('+only@example.com');
  });
});

describe('tokens', () => {
  it('verifies an unsubscribe token it signed and returns the subscriber hash', () => {
    const token = signToken({ secret: TEST_SECRET, purpose: 'unsubscribe', subscriberHash: HASH });
    expect(verifyToken({ secret: TEST_SECRET, token, purpose: 'unsubscribe', now: NOW })).toEqual({
      subscriberHash: HASH,
    });
  });

  it('rejects a token whose hash was swapped for another subscriber', () => {
    const token = signToken({ secret: TEST_SECRET, purpose: 'unsubscribe', subscriberHash: HASH });
    const other = Buffer.from(addressHash('mallory@example.com'), 'hex').toString('base64url');
    const [p, , e, s] = token.split('.');
    const tampered = [p, other, e, s].join('.');
    expect(() =>
      verifyToken({ secret: TEST_SECRET, token: tampered, purpose: 'unsubscribe', now: NOW }),
    ).toThrow(new TokenError('bad-signature'));
  });

  it('rejects a token signed with another secret', () => {
    const token = signToken({
      secret: 'another-secret-0123456789',
      purpose: 'unsubscribe',
      subscriberHash: HASH,
    });
    expect(() => verifyToken({ secret: TEST_SECRET, token, purpose: 'unsubscribe', now: NOW })).toThrow(
      TokenError,
    );
  });

  it('rejects an expired confirmation token and accepts it before expiry', () => {
    const token = signToken({
      secret: TEST_SECRET,
      purpose: 'confirm',
      subscriberHash: HASH,
      expiresAt: new Date(NOW.getTime() + 3600_000),
    });
    expect(verifyToken({ secret: TEST_SECRET, token, purpose: 'confirm', now: NOW }).subscriberHash).toBe(
      HASH,
    );
    const later = new Date(NOW.getTime() + 3600_000);
    expect(() => verifyToken({ secret: TEST_SECRET, token, purpose: 'confirm', now: later })).toThrow(
      new TokenError('expired'),
    );
  });

  it('does not accept a confirmation token as an unsubscribe token', () => {
    const token = signToken({ secret: TEST_SECRET, purpose: 'confirm', subscriberHash: HASH });
    expect(() => verifyToken({ secret: TEST_SECRET, token, purpose: 'unsubscribe', now: NOW })).toThrow(
      new TokenError('wrong-purpose'),
    );
  });

  it.each(['', 'abc', 'u.x.0.y', 'u..0.'])('rejects the malformed token %j', (token) => {
    expect(() => verifyToken({ secret: TEST_SECRET, token, purpose: 'unsubscribe', now: NOW })).toThrow(
      new TokenError('malformed'),
    );
  });
});

describe('linkSubscriber', () => {
  it('names the subscriber of a link whose token verifies, and logs nothing', () => {
    const token = signToken({ secret: TEST_SECRET, purpose: 'preferences', subscriberHash: HASH });
    const logs: unknown[][] = [];
    const reporter = { info: () => {}, warn: (...args: unknown[]) => logs.push(args) };

    const hash = linkSubscriber({ secret: TEST_SECRET, token, purpose: 'preferences', now: NOW }, reporter);

    expect(hash).toBe(HASH);
    expect(logs).toEqual([]);
  });

  it('gives null for a token that does not verify, logging the purpose and the reason but not the token', () => {
    const token = signToken({ secret: TEST_SECRET, purpose: 'unsubscribe', subscriberHash: HASH });
    const logs: unknown[][] = [];
    const reporter = { info: () => {}, warn: (...args: unknown[]) => logs.push(args) };

    const hash = linkSubscriber({ secret: TEST_SECRET, token, purpose: 'confirm', now: NOW }, reporter);

    expect(hash).toBeNull();
    expect(logs).toEqual([['confirm token rejected', { reason: 'wrong-purpose' }]]);
  });
});
