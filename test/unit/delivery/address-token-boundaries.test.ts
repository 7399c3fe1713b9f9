/**
 * The exact edges of address validation, signed tokens and the unsubscribe link: each length limit at and
 * one past it, each part of a token malformed on its own, and each subscriber status an unsubscribe meets.
 */
import { describe, expect, it } from 'vitest';
import { createMemoryArchiveStore } from '../../../src/archive/memory-store';
import {
  addressHash,
  addressMailbox,
  isSubscriberHash,
  normalizeAddress,
} from '../../../src/delivery/address';
import { InvalidAddressError, TokenError } from '../../../src/delivery/errors';
import {
  createSubscriberStore,
  newSubscriber,
  type SubscriberStatus,
} from '../../../src/delivery/subscribers';
import { CONFIRM_TOKEN_TTL_MS, signToken, verifyToken } from '../../../src/delivery/tokens';
import { isValidUnsubscribeToken, unsubscribe } from '../../../src/delivery/unsubscribe';
import type { Reporter } from '../../../src/ports';
import { TEST_SECRET } from '../../support/delivery-fixtures';

const NOW = new Date('2026-11-24T00:00:00Z');
const HASH = addressHash('alice@example.com');

const reason = (input: string): string => {
  try {
    normalizeAddress(input);
  } catch (error) {
    if (error instanceof InvalidAddressError) return error.reason;
    throw error;
  }
  return 'accepted';
};

describe('normalizeAddress at its limits', () => {
  // 64 + 1 + (61 + 1 + 61 + 1 + 61 + 4) = 254 characters: the longest address accepted.
  const local64 = 'a'.repeat(64);
  const domain189 = `${'b'.repeat(61)}.${'c'.repeat(61)}.${'d'.repeat(61)}.com`;

  it.each([
    ['a 64-character local part', `${local64}@example.com`, 'accepted'],
    [
      'a 65-character local part',
      `a${local64}@example.com`,
      'the part before @ is longer than 64 characters',
    ],
    ['exactly 254 characters', `${local64}@${domain189}`, 'accepted'],
    ['255 characters', `${local64}@b${domain189}`, 'is longer than 254 characters'],
    [
      '250 characters as typed, 432 once the domain is punycode',
      `${local64}@${'bücher.'.repeat(26)}com`,
      'is longer than 254 characters',
    ],
    ['a 63-character domain label', `a@${'x'.repeat(63)}.com`, 'accepted'],
    ['a 64-character domain label', `a@${'x'.repeat(64)}.com`, 'the domain is not valid'],
    ['a one-character label', 'a@x.io', 'accepted'],
    ['a label starting with a hyphen', 'a@-x.com', 'the domain is not valid'],
    ['a label ending with a hyphen', 'a@x-.com', 'the domain is not valid'],
    ['a hyphen inside a label', 'a@x-y.com', 'accepted'],
    ['an empty label', 'a@x..com', 'the domain is not valid'],
    ['one bad label after good ones', 'a@good.b_d.com', 'the domain is not valid'],
    ['only spaces', '   ', 'is empty'],
    ['an empty string', '', 'is empty'],
    ['nothing before @', '@example.com', 'must look like name@example.com'],
    ['nothing after @', 'alice@', 'must look like name@example.com'],
    ['a single character after @', 'alice@x', 'the domain is not valid'],
    [
      'a local part starting with a dot',
      '.alice@example.com',
      'the part before @ has characters not allowed',
    ],
    ['a local part ending with a dot', 'alice.@example.com', 'the part before @ has characters not allowed'],
    ['two dots in a row', 'al..ice@example.com', 'the part before @ has characters not allowed'],
    ['a space in the local part', 'al ice@example.com', 'the part before @ has characters not allowed'],
    [
      'a quote at the end of the local part',
      'alice"@example.com',
      'the part before @ has characters not allowed',
    ],
    ['a comma', 'a,b@example.com', 'the part before @ has characters not allowed'],
    ['every atext symbol', "a!#$%&'*+/=?^_`{|}~-z@example.com", 'accepted'],
    ['a domain that is not a valid IDN', 'a@xn--a.com', 'the domain is not valid'],
    ['DEL', 'a\u007f@example.com', 'contains a line break or control character'],
    ['NEL', 'a\u0085@example.com', 'contains a line break or control character'],
    ['U+2028', 'a\u2028@example.com', 'contains a line break or control character'],
    ['NUL', 'a\u0000@example.com', 'contains a line break or control character'],
  ])('%s', (_label, input, expected) => {
    expect(reason(input)).toBe(expected);
  });

  it('lower-cases an upper-case IDN domain before converting it', () => {
    expect(normalizeAddress('Bob@BÜCHER.DE')).toBe('Bob@xn--bcher-kva.de');
  });
});

describe('addressMailbox and isSubscriberHash', () => {
  it('drops the +tag of the local part only, never text after the @', () => {
    expect(addressMailbox('Victim+News@x.org')).toBe('victim@x.org');
    expect(addressMailbox('victim@x+y.org')).toBe('victim@x+y.org');
    expect(addressMailbox('+tag@x.org')).toBe('+tag@x.org');
  });

  it.each([
    ['64 lower-case hex digits', 'a'.repeat(64), true],
    ['63 digits', 'a'.repeat(63), false],
    ['65 digits', 'a'.repeat(65), false],
    ['upper case', 'A'.repeat(64), false],
    ['a trailing newline', `${'a'.repeat(64)}\n`, false],
  ])('%s: %s', (_label, value, expected) => {
    expect(isSubscriberHash(value)).toBe(expected);
  });
});

describe('signed tokens at their edges', () => {
  const token = (purpose: 'confirm' | 'unsubscribe' = 'unsubscribe', expiresAt?: Date) =>
    signToken({ secret: TEST_SECRET, purpose, subscriberHash: HASH, ...(expiresAt ? { expiresAt } : {}) });
  const failure = (value: string, purpose: 'confirm' | 'unsubscribe' = 'unsubscribe', now = NOW) => {
    try {
      verifyToken({ secret: TEST_SECRET, token: value, purpose, now });
    } catch (error) {
      if (error instanceof TokenError) return error.reason;
      throw error;
    }
    return 'valid';
  };
  const parts = () => token().split('.') as [string, string, string, string];

  it('lasts 48 hours for a confirmation link', () => {
    expect(CONFIRM_TOKEN_TTL_MS).toBe(172_800_000);
  });

  it('refuses to sign for something that is not a subscriber hash', () => {
    expect(() => signToken({ secret: TEST_SECRET, purpose: 'confirm', subscriberHash: 'x' })).toThrow(
      new TypeError('subscriberHash must be 64 hex characters'),
    );
  });

  it('is valid up to the second before expiry and expired from that second on', () => {
    const expiresAt = new Date(NOW.getTime() + 3_600_000);
    const value = token('confirm', expiresAt);

    expect(failure(value, 'confirm', new Date(expiresAt.getTime() - 1))).toBe('valid');
    expect(failure(value, 'confirm', expiresAt)).toBe('expired');
  });

  it.each([
    ['an extra part', () => `${token()}.x`],
    ['a missing part', () => parts().slice(0, 3).join('.')],
    ['another purpose code', () => ['x', ...parts().slice(1)].join('.')],
    ['a purpose code with more after it', () => [`${parts()[0]}u`, ...parts().slice(1)].join('.')],
    ['a purpose code with more before it', () => [`x${parts()[0]}`, ...parts().slice(1)].join('.')],
    ['a hash one character short', () => [parts()[0], parts()[1].slice(1), parts()[2], parts()[3]].join('.')],
    [
      'a hash with one character more',
      () => [parts()[0], `${parts()[1]}A`, parts()[2], parts()[3]].join('.'),
    ],
    ['a hash with a prefix', () => [parts()[0], `A${parts()[1]}`, parts()[2], parts()[3]].join('.')],
    ['an expiry in upper case', () => [parts()[0], parts()[1], 'Z', parts()[3]].join('.')],
    ['an expiry of 13 digits', () => [parts()[0], parts()[1], '1'.repeat(13), parts()[3]].join('.')],
    ['an expiry with a symbol after it', () => [parts()[0], parts()[1], '0!', parts()[3]].join('.')],
    ['an expiry with a symbol before it', () => [parts()[0], parts()[1], '!0', parts()[3]].join('.')],
    ['a signature one character short', () => [...parts().slice(0, 3), parts()[3].slice(1)].join('.')],
    ['a signature with a character more', () => [...parts().slice(0, 3), `${parts()[3]}A`].join('.')],
    ['a signature with a prefix', () => [...parts().slice(0, 3), `A${parts()[3]}`].join('.')],
    ['a signature with a symbol', () => [...parts().slice(0, 3), `${parts()[3].slice(1)}!`].join('.')],
  ])('calls a token with %s malformed', (_label, make) => {
    expect(failure(make())).toBe('malformed');
  });

  it('tells a forged signature from a malformed one', () => {
    const [p, h, e, s] = parts();
    const flipped = `${s.slice(0, 10)}${s[10] === 'A' ? 'B' : 'A'}${s.slice(11)}`;
    expect(failure([p, h, e, flipped].join('.'))).toBe('bad-signature');
  });

  it('names the wrong purpose only for a genuine token', () => {
    expect(failure(token('confirm', new Date(NOW.getTime() + 1000)), 'unsubscribe')).toBe('wrong-purpose');
    expect(failure(token('unsubscribe'), 'confirm')).toBe('wrong-purpose');
  });
});

describe('unsubscribe', () => {
  const settings = { tokenSecret: TEST_SECRET };
  const recorder = () => {
    const logs: [string, string, Record<string, unknown> | undefined][] = [];
    const reporter: Reporter = {
      info: (msg, fields) => logs.push(['info', msg, fields]),
      warn: (msg, fields) => logs.push(['warn', msg, fields]),
    };
    return { reporter, logs };
  };
  const world = async (status: SubscriberStatus) => {
    const subscribers = createSubscriberStore(createMemoryArchiveStore());
    const subscriber = newSubscriber(
      'alice@example.com',
      status,
      'operator',
      new Date('2026-11-01T00:00:00Z'),
    );
    await subscribers.put(subscriber, null);
    return { subscribers, hash: addressHash(subscriber.address) };
  };
  const link = (hash: string) =>
    signToken({ secret: TEST_SECRET, purpose: 'unsubscribe', subscriberHash: hash });

  it.each([
    ['active', 'unsubscribed', true],
    ['pending', 'unsubscribed', true],
    ['unsubscribed', 'unsubscribed', false],
    ['bounced', 'bounced', false],
    ['complained', 'complained', false],
  ] as const)('moves a subscriber who is %s to %s (changed: %s)', async (status, after, changed) => {
    // Arrange
    const { subscribers, hash } = await world(status);
    const { reporter, logs } = recorder();
    // Act
    const outcome = await unsubscribe(link(hash), { subscribers, clock: () => NOW, reporter }, settings);
    // Assert
    const stored = (await subscribers.get(hash))?.subscriber;
    expect(outcome).toBe('unsubscribed');
    expect(stored?.status).toBe(after);
    if (changed) {
      expect(stored?.statusReason).toBe('unsubscribe link');
      expect(stored?.updatedAt).toBe(NOW.toISOString());
    }
    expect(logs).toEqual([['info', 'unsubscribe', { subscriber: hash, changed }]]);
  });

  it('answers an unknown subscriber like a known one', async () => {
    const { subscribers } = await world('active');
    const { reporter, logs } = recorder();

    const outcome = await unsubscribe(
      link('f'.repeat(64)),
      { subscribers, clock: () => NOW, reporter },
      settings,
    );

    expect(outcome).toBe('unsubscribed');
    expect(logs).toEqual([['info', 'unsubscribe', { subscriber: 'f'.repeat(64), changed: false }]]);
  });

  it('refuses a confirmation token and logs only the reason', async () => {
    const { subscribers, hash } = await world('active');
    const { reporter, logs } = recorder();
    const confirm = signToken({
      secret: TEST_SECRET,
      purpose: 'confirm',
      subscriberHash: hash,
      expiresAt: new Date(NOW.getTime() + 60_000),
    });

    const outcome = await unsubscribe(confirm, { subscribers, clock: () => NOW, reporter }, settings);

    expect(outcome).toBe('invalid-link');
    expect((await subscribers.get(hash))?.subscriber.status).toBe('active');
    expect(logs).toEqual([['warn', 'unsubscribe token rejected', { reason: 'wrong-purpose' }]]);
  });

  it('lets an error while checking the token through, instead of calling the link invalid', async () => {
    const { subscribers, hash } = await world('active');

    await expect(
      unsubscribe(
        link(hash),
        { subscribers, clock: () => NOW },
        { tokenSecret: undefined as unknown as string },
      ),
    ).rejects.toThrow(TypeError);
  });

  it('lets an error that is not about the token through', async () => {
    const { subscribers, hash } = await world('active');
    const broken = { ...subscribers, get: async () => Promise.reject(new Error('store down')) };

    await expect(
      unsubscribe(link(hash), { subscribers: broken, clock: () => NOW }, settings),
    ).rejects.toThrow('store down');
  });

  it('checks a link for the confirmation page without changing anything', async () => {
    const { hash } = await world('active');

    expect(isValidUnsubscribeToken(link(hash), settings, NOW)).toBe(true);
    expect(isValidUnsubscribeToken(`${link(hash)}x`, settings, NOW)).toBe(false);
    expect(
      isValidUnsubscribeToken(
        signToken({
          secret: TEST_SECRET,
          purpose: 'confirm',
          subscriberHash: hash,
          expiresAt: new Date(NOW.getTime() + 1000),
        }),
        settings,
        NOW,
      ),
    ).toBe(false);
    expect(() =>
      isValidUnsubscribeToken(link(hash), { tokenSecret: undefined as unknown as string }, NOW),
    ).toThrow(TypeError);
  });
});
