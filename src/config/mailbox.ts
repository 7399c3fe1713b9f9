/**
 * The From setting must be one RFC 5322 `mailbox`: `addr-spec` or `[display-name] <addr-spec>`.
 * Anything else (a bare name, a list, an unbalanced bracket) makes nodemailer drop the From header, and
 * SES refuses or misroutes the mail. Deliberately narrower than the RFC where senders never need more:
 * no comments, no domain literals, no quoted local parts, an ASCII domain (punycode for IDNs). The
 * display name may be a phrase of atoms (with the common obsolete "." as in `J. Doe`), quoted strings
 * (for commas and other specials) and UTF-8 (RFC 6532; nodemailer encodes it).
 */

const ATEXT = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]";
const DOT_ATOM = `${ATEXT}+(?:\\.${ATEXT}+)*`;
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const DOMAIN = `${LABEL}(?:\\.${LABEL})*`;
const ADDR_SPEC = `${DOT_ATOM}@${DOMAIN}`;
/** A phrase word: atext, "." (obs-phrase) or any non-ASCII character; specials need quoting. */
const PHRASE_ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~.\\u00a0-\\uffff-]+";
const QUOTED_STRING = '"(?:[^"\\\\]|\\\\.)*"';
const WORD = `(?:${PHRASE_ATOM}|${QUOTED_STRING})`;
const PHRASE = `${WORD}(?:[ \\t]+${WORD})*`;

const ADDR_SPEC_ONLY = new RegExp(`^(${ADDR_SPEC})$`);
const NAME_ADDR = new RegExp(`^(?:${PHRASE}[ \\t]*)?<(${ADDR_SPEC})>$`);
// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** The addr-spec of a mailbox (`Name <a@b>` → `a@b`), or null when `value` is not one mailbox. */
export function mailboxAddress(value: string): string | null {
  if (CONTROL.test(value)) return null;
  const trimmed = value.trim();
  const address = (ADDR_SPEC_ONLY.exec(trimmed) ?? NAME_ADDR.exec(trimmed))?.[1];
  if (address === undefined) return null;
  const at = address.lastIndexOf('@');
  if (at > 64 || address.length > 254) return null;
  return address;
}

/** What a bad From value is told, in the config error. */
export const MAILBOX_EXPECTED =
  'must be a mailbox such as "Name <user@domain>" or "user@domain" (quote a name that has commas or other specials)';
