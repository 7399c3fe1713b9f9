/**
 * The per-recipient placeholders of a rendered email: render writes them (src/render), the sender fills
 * them (src/delivery/personalize.ts). Each issue gets a random nonce that goes into every placeholder
 * (`%%HB_UNSUBSCRIBE_URL_<nonce>%%`), so data fetched before the nonce existed cannot spell one; the
 * renderer also breaks every `%%` in data (see src/render/render-issue.ts), so no upstream string can
 * form a placeholder even by guessing the nonce. The sender Lambda imports this: it stays dependency-free.
 */

/**
 * The placeholders of issues archived before per-issue nonces (their email.json has no
 * `placeholderNonce`). New issues use `placeholderTokens(nonce)`.
 */
export const PERSONAL_TOKENS = {
  unsubscribeUrl: '%%HB_UNSUBSCRIBE_URL%%',
  greeting: '%%HB_GREETING%%',
  preferencesUrl: '%%HB_PREFERENCES_URL%%',
  personal: '%%HB_PERSONAL%%',
} as const;

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
