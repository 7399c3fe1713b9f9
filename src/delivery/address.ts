/**
 * Email address validation and normalization. The normalized form is what we store, send to and hash;
 * the hash (sha256 hex of the normalized address) names the subscriber everywhere else, including logs.
 *
 * Decisions: surrounding whitespace is trimmed; the domain is lower-cased and IDN domains are converted
 * to punycode (`domainToASCII`); the local part keeps its case (RFC 5321 says it may be case-sensitive)
 * and must be an ASCII dot-atom: non-ASCII local parts (which would need SMTPUTF8, unsupported by SES) and
 * quoted local parts are rejected with a clear reason. Anything with CR, LF or another control character
 * is rejected, so a normalized address is always safe in a mail header.
 */
import { createHash } from 'node:crypto';
import { domainToASCII } from 'node:url';
import { InvalidAddressError } from './errors';

// RFC 5322 dot-atom text: atext characters separated by single dots.
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** Returns the normalized address or throws InvalidAddressError with a reason a person can act on. */
export function normalizeAddress(input: string): string {
  if (CONTROL.test(input)) throw new InvalidAddressError('contains a line break or control character');
  const trimmed = input.trim();
  if (trimmed.length === 0) throw new InvalidAddressError('is empty');
  if (trimmed.length > 254) throw new InvalidAddressError('is longer than 254 characters');
  const at = trimmed.lastIndexOf('@');
  if (at <= 0 || at === trimmed.length - 1) throw new InvalidAddressError('must look like name@example.com');
  const local = trimmed.slice(0, at);
  const rawDomain = trimmed.slice(at + 1);
  if (local.startsWith('"')) throw new InvalidAddressError('quoted local parts are not accepted');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII range check.
  if (/[^\u0000-\u007f]/.test(local)) {
    throw new InvalidAddressError(
      'the part before @ must be ASCII (internationalized mailboxes are not supported)',
    );
  }
  if (local.length > 64) throw new InvalidAddressError('the part before @ is longer than 64 characters');
  if (!LOCAL_PART.test(local)) throw new InvalidAddressError('the part before @ has characters not allowed');
  const domain = domainToASCII(rawDomain.toLowerCase());
  if (!domain) throw new InvalidAddressError('the domain is not valid');
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((l) => DOMAIN_LABEL.test(l))) {
    throw new InvalidAddressError('the domain is not valid');
  }
  const normalized = `${local}@${domain}`;
  if (normalized.length > 254) throw new InvalidAddressError('is longer than 254 characters');
  return normalized;
}

/** sha256 hex of an already normalized address: the subscriber's id, safe to log. */
export function hashNormalizedAddress(normalized: string): string {
  return createHash('sha256').update(normalized, 'utf8').digest('hex');
}

/** Normalizes then hashes; throws InvalidAddressError like normalizeAddress. */
export function addressHash(input: string): string {
  return hashNormalizedAddress(normalizeAddress(input));
}

/** True for a 64-character lower-case hex subscriber hash. */
export function isSubscriberHash(value: string): boolean {
  return /^[0-9a-f]{64}$/.test(value);
}
