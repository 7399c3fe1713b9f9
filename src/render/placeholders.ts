/**
 * The per-recipient placeholders of a rendered email. Each issue gets a random nonce that goes into every
 * placeholder (`%%HB_UNSUBSCRIBE_URL_<nonce>%%`), so data fetched before the nonce existed cannot spell
 * one; the renderer also breaks every `%%` in data (see render-issue.ts), so no upstream string can form
 * a placeholder even by guessing the nonce. The sender Lambda imports this: it stays dependency-free.
 */
import { PERSONAL_TOKENS } from './types';

/** 128 bits as 32 lower-case hex digits. */
export const PLACEHOLDER_NONCE = /^[0-9a-f]{32}$/;

/** The placeholder strings one rendered issue uses. */
export interface PlaceholderTokens {
  unsubscribeUrl: string;
  greeting: string;
  /** The reader's preferences page (signed link). */
  preferencesUrl: string;
  /** The reader's "Your numbers" block (empty for a reader without a power price). */
  personal: string;
}

/** Thrown for a nonce that is not 32 lower-case hex digits. */
export class PlaceholderNonceError extends Error {
  override name = 'PlaceholderNonceError';
}

/**
 * The placeholders for `nonce`. Without a nonce: the fixed PERSONAL_TOKENS of issues archived before
 * nonces existed, which the sender must still be able to send.
 */
export function placeholderTokens(nonce?: string): PlaceholderTokens {
  if (nonce === undefined) return PERSONAL_TOKENS;
  if (!PLACEHOLDER_NONCE.test(nonce)) {
    throw new PlaceholderNonceError('placeholder nonce must be 32 lower-case hex digits');
  }
  return {
    unsubscribeUrl: `%%HB_UNSUBSCRIBE_URL_${nonce}%%`,
    greeting: `%%HB_GREETING_${nonce}%%`,
    preferencesUrl: `%%HB_PREFERENCES_URL_${nonce}%%`,
    personal: `%%HB_PERSONAL_${nonce}%%`,
  };
}

/** A fresh nonce from the `random` port (16 bytes, two at a time). */
export function newPlaceholderNonce(random: () => number): string {
  let nonce = '';
  for (let i = 0; i < 8; i++) {
    nonce += Math.floor(random() * 0x10000)
      .toString(16)
      .padStart(4, '0');
  }
  return nonce;
}

/**
 * Makes `value` unable to take part in a placeholder: a zero-width space goes between any two adjacent
 * `%`, so the text reads the same but never contains `%%`. Applied to every data string of the email.
 */
export function breakPlaceholderSyntax(value: string): string {
  return value.includes('%%') ? value.replace(/%(?=%)/g, '%\u200b') : value;
}
