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

/**
 * Replaces the placeholders `tokens` (the issue's, from `placeholderTokens(email.placeholderNonce)`) in
 * a rendered template. In `html` mode values are HTML-escaped (they land in text and in an href); in
 * `text` mode they are inserted as they are. The unsubscribe URL must be an http(s) URL: anything else
 * throws, because a broken unsubscribe link is a compliance bug, not a cosmetic one.
 */
export function personalize(
  template: string,
  values: { unsubscribeUrl: string; greeting: string },
  mode: 'html' | 'text',
  tokens: PlaceholderTokens = PERSONAL_TOKENS,
): string {
  const url = safeHttpUrl(values.unsubscribeUrl);
  if (url === null) throw new PersonalizeError('unsubscribeUrl must be an absolute http(s) URL');
  // Greeting is one line of prose: control characters and newlines could forge headers-like text.
  const greeting = [...values.greeting]
    .map((c) => (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f ? ' ' : c))
    .join('')
    .replace(/ +/g, ' ')
    .trim();
  const unsubscribe = mode === 'html' ? escapeHtml(url) : url;
  const greet = mode === 'html' ? escapeHtml(greeting) : greeting;
  return template.split(tokens.unsubscribeUrl).join(unsubscribe).split(tokens.greeting).join(greet);
}
