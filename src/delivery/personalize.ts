/**
 * Per-recipient substitution into an already rendered issue. The sender Lambda imports this on its own,
 * so it must stay dependency-free: no mjml, resvg, d3 or zod here.
 */

import { PERSONAL_TOKENS, type PlaceholderTokens } from '../contracts/placeholders';
import { escapeHtml, safeHttpUrl } from '../text/escape';

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
  const filled: Record<Slot, string> = {
    unsubscribeUrl: encode(url),
    preferencesUrl: encode(preferences),
    greeting: encode(greeting),
    personal: values.personal ?? '',
  };
  // One pass over the template's pieces: values are joined in, never scanned again, so nothing a value
  // contains (the personal block included) is ever substituted.
  const { parts, slots } = compiled(template, tokens);
  const pieces: string[] = [parts[0] ?? ''];
  for (let i = 0; i < slots.length; i++) pieces.push(filled[slots[i] as Slot], parts[i + 1] ?? '');
  return pieces.join('');
}

type Slot = keyof PlaceholderTokens;
const SLOTS: readonly Slot[] = ['unsubscribeUrl', 'preferencesUrl', 'greeting', 'personal'];

interface CompiledTemplate {
  /** The template's text between placeholders: one more than `slots`. */
  parts: string[];
  slots: Slot[];
}

/**
 * A template split at its placeholders once, then reused for every recipient of the issue (the sender
 * personalises the same two parts thousands of times). A few templates are kept: one issue's html and
 * text, and a test send's.
 */
const cache = new Map<string, { tokens: PlaceholderTokens; compiled: CompiledTemplate }>();
const CACHE_SIZE = 8;

function compiled(template: string, tokens: PlaceholderTokens): CompiledTemplate {
  const hit = cache.get(template);
  if (hit && SLOTS.every((slot) => hit.tokens[slot] === tokens[slot])) return hit.compiled;
  const bySpelling = new Map(SLOTS.map((slot) => [tokens[slot], slot] as const));
  const pattern = new RegExp(SLOTS.map((slot) => escapeRegExp(tokens[slot])).join('|'), 'g');
  const parts: string[] = [];
  const slots: Slot[] = [];
  let last = 0;
  for (const match of template.matchAll(pattern)) {
    const slot = bySpelling.get(match[0]);
    if (slot === undefined) continue;
    parts.push(template.slice(last, match.index));
    slots.push(slot);
    last = match.index + match[0].length;
  }
  parts.push(template.slice(last));
  const result = { parts, slots };
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value ?? '');
  cache.set(template, { tokens, compiled: result });
  return result;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
