/**
 * Email address validation, normalization and identity.
 *
 * Three forms of one address, each with one job:
 * - the normalized address (`normalizeAddress`): what we store, show and send to. Surrounding whitespace
 *   is trimmed; the domain is lower-cased and IDN domains are converted to punycode (`domainToASCII`); the
 *   local part keeps the case the person typed and must be an ASCII dot-atom: non-ASCII local parts (which
 *   would need SMTPUTF8, unsupported by SES) and quoted local parts are rejected with a clear reason.
 *   Anything with CR, LF or another control character is rejected, so a normalized address is always
 *   safe in a mail header.
 * - the identity (`addressIdentity`): the normalized address with the local part lower-cased too. RFC 5321
 *   allows a case-sensitive local part, but no mailbox provider we know of delivers `Alice@` and `alice@`
 *   to different people, and treating them as two subscribers mails one person twice. Its sha256 hex
 *   (`hashNormalizedAddress`, `addressHash`) is the subscriber id: the key of the subscriber object, the
 *   hash in tokens, ledger keys and logs.
 * - the mailbox (`addressMailbox`): the identity with any `+tag` removed from the local part. Rate limits
 *   and suppressions apply to it, so `victim+1@` cannot get around the limit or a complaint of `victim@`.
 *   It is never where we send: a reader may want `victim+news@` as the delivery address.
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

/** The identity of an already normalized address: the local part lower-cased as well. */
export function addressIdentity(normalized: string): string {
  return normalized.toLowerCase();
}

/**
 * The mailbox of an already normalized address: its identity without a `+tag` (`Victim+News@x.org` →
 * `victim@x.org`). A local part that starts with `+` is kept whole.
 */
export function addressMailbox(normalized: string): string {
  const identity = addressIdentity(normalized);
  const at = identity.lastIndexOf('@');
  const local = identity.slice(0, at);
  const plus = local.indexOf('+');
  return plus > 0 ? `${local.slice(0, plus)}${identity.slice(at)}` : identity;
}

const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * The subscriber id of an already normalized address: sha256 hex of its identity, so every spelling that
 * differs only in case has the same id. Safe to log.
 */
export function hashNormalizedAddress(normalized: string): string {
  return sha256Hex(addressIdentity(normalized));
}

/** The id of an address's mailbox (sha256 hex of {@link addressMailbox}): keys rate limits and suppressions. */
export function mailboxHash(normalized: string): string {
  return sha256Hex(addressMailbox(normalized));
}

/**
 * The id subscribers had before ids ignored case: sha256 hex of the normalized address as typed. Equal to
 * the current id for addresses without upper-case letters; only the migration reads it.
 */
export function legacyAddressHash(normalized: string): string {
  return sha256Hex(normalized);
}

/** Normalizes then hashes to the subscriber id; throws InvalidAddressError like normalizeAddress. */
export function addressHash(input: string): string {
  return hashNormalizedAddress(normalizeAddress(input));
}

/** True for a 64-character lower-case hex subscriber hash. */
export function isSubscriberHash(value: string): boolean {
  return /^[0-9a-f]{64}$/.test(value);
}
