/**
 * Signed tokens for links in emails. A token binds a purpose (confirm, unsubscribe or preferences) to a
 * subscriber hash and an expiry, signed with HMAC-SHA256 under the deployment's secret:
 *
 *   `<purpose c|u|p>.<hash, base64url>.<expiry, unix seconds base36, 0 = never>.<signature, base64url>`
 *
 * Confirmation tokens expire (default 48 h); unsubscribe and preferences tokens do not (an old email's
 * links must keep working). Verification is constant-time. Rotating the secret invalidates every
 * outstanding link.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Reporter } from '../ports';
import { isSubscriberHash } from './address';
import { TokenError } from './errors';

/** What a token may be used for. */
export type TokenPurpose = 'confirm' | 'unsubscribe' | 'preferences';

const PURPOSE_CODE: Record<TokenPurpose, string> = { confirm: 'c', unsubscribe: 'u', preferences: 'p' };

/** Default lifetime of a confirmation link. */
export const CONFIRM_TOKEN_TTL_MS = 48 * 3600 * 1000;

function sign(secret: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(`hb1.${payload}`).digest();
}

/** Creates a token; `expiresAt` omitted means it never expires. */
export function signToken(input: {
  secret: string;
  purpose: TokenPurpose;
  subscriberHash: string;
  expiresAt?: Date;
}): string {
  if (!isSubscriberHash(input.subscriberHash))
    throw new TypeError('subscriberHash must be 64 hex characters');
  const hash = Buffer.from(input.subscriberHash, 'hex').toString('base64url');
  const exp = input.expiresAt ? Math.ceil(input.expiresAt.getTime() / 1000).toString(36) : '0';
  const payload = `${PURPOSE_CODE[input.purpose]}.${hash}.${exp}`;
  return `${payload}.${sign(input.secret, payload).toString('base64url')}`;
}

/** Verifies a token for `purpose` at `now`; returns the subscriber hash or throws TokenError. */
export function verifyToken(input: { secret: string; token: string; purpose: TokenPurpose; now: Date }): {
  subscriberHash: string;
} {
  const parts = input.token.split('.');
  if (parts.length !== 4) throw new TokenError('malformed');
  const [code, hash, exp, sig] = parts as [string, string, string, string];
  if (!/^[cup]$/.test(code) || !/^[A-Za-z0-9_-]{43}$/.test(hash) || !/^[0-9a-z]{1,12}$/.test(exp)) {
    throw new TokenError('malformed');
  }
  if (!/^[A-Za-z0-9_-]{43}$/.test(sig)) throw new TokenError('malformed');
  const expected = sign(input.secret, `${code}.${hash}.${exp}`);
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new TokenError('bad-signature');
  }
  if (code !== PURPOSE_CODE[input.purpose]) throw new TokenError('wrong-purpose');
  const expSeconds = Number.parseInt(exp, 36);
  if (expSeconds !== 0 && expSeconds * 1000 <= input.now.getTime()) throw new TokenError('expired');
  return { subscriberHash: Buffer.from(hash, 'base64url').toString('hex') };
}

/**
 * The subscriber a link's token names, or null when the token does not verify for `purpose`: logged as
 * `<purpose> token rejected` with the reason (never the token). Errors other than TokenError propagate.
 */
export function linkSubscriber(
  input: { secret: string; token: string; purpose: TokenPurpose; now: Date },
  reporter?: Reporter,
): string | null {
  try {
    return verifyToken(input).subscriberHash;
  } catch (error) {
    if (!(error instanceof TokenError)) throw error;
    reporter?.warn(`${input.purpose} token rejected`, { reason: error.reason });
    return null;
  }
}
