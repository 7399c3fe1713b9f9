/**
 * Per-recipient substitution into an already rendered issue. The sender Lambda imports this on its own,
 * so it must stay dependency-free: no mjml, resvg, d3 or zod here.
 */
import { escapeHtml, safeHttpUrl } from './escape';
import type { PlaceholderTokens } from './placeholders';
import { PERSONAL_TOKENS } from './types';

export class PersonalizeError extends Error {
  override name = 'PersonalizeError';
}

/** One recipient's values for the placeholders. */
export interface PersonalValues {
  unsubscribeUrl: string;
  /** The preferences page; must be http(s) like the unsubscribe link. */
  preferencesUrl: string;
  greeting: string;
  /**
   * The reader's "Your numbers" block, already rendered for this part (personal-numbers.ts: HTML for
   * `html`, plain text for `text`); empty or absent for a reader without one. Inserted as it is.
   */
  personal?: string;
}

/**
 * Replaces the placeholders `tokens` (the issue's, from `placeholderTokens(email.placeholderNonce)`) in
 * a rendered template. In `html` mode values are HTML-escaped (they land in text and in an href); in
 * `text` mode they are inserted as they are. The personal block is ours and goes in as given, last, so
 * nothing inside it is ever substituted. The unsubscribe and preferences URLs must be http(s) URLs:
 * anything else throws, because a broken unsubscribe link is a compliance bug, not a cosmetic one.
 */
export function personalize(
  template: string,
  values: PersonalValues,
  mode: 'html' | 'text',
  tokens: PlaceholderTokens = PERSONAL_TOKENS,
): string {
  const url = safeHttpUrl(values.unsubscribeUrl);
  if (url === null) throw new PersonalizeError('unsubscribeUrl must be an absolute http(s) URL');
  const preferences = safeHttpUrl(values.preferencesUrl);
  if (preferences === null) throw new PersonalizeError('preferencesUrl must be an absolute http(s) URL');
  // Greeting is one line of prose: control characters and newlines could forge headers-like text.
  const greeting = [...values.greeting]
    .map((c) => (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f ? ' ' : c))
    .join('')
    .replace(/ +/g, ' ')
    .trim();
  const encode = (v: string) => (mode === 'html' ? escapeHtml(v) : v);
  return template
    .split(tokens.unsubscribeUrl)
    .join(encode(url))
    .split(tokens.preferencesUrl)
    .join(encode(preferences))
    .split(tokens.greeting)
    .join(encode(greeting))
    .split(tokens.personal)
    .join(values.personal ?? '');
}
