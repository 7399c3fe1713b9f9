/**
 * Loading an issue's stored email (`issues/<id>/email.json` + inline charts) once per warm container,
 * and turning it into one recipient's raw message.
 */
import { CorruptObjectError, MissingObjectError } from '../archive/errors';
import { alertKey, issueKey } from '../archive/keys';
import type { ArchiveStore } from '../archive/store';
import { placeholderTokens } from '../contracts/placeholders';
import { type StoredEmail, storedEmailSchema } from '../contracts/stored-email';
import { parseJsonOrThrow } from '../validated-json';
import { assertHeaderSafe, buildRawMessage, fromDomain, type InlineImage } from './mime';
import { type PersonalChoices, yourNumbers, yourNumbersHtml, yourNumbersText } from './personal-numbers';
import { personalize } from './personalize';
import { preferencesUrl } from './preferences';
import { signToken } from './tokens';

/** A stored email with its inline images loaded. */
export interface LoadedEmail {
  email: StoredEmail;
  images: InlineImage[];
}

/**
 * Loads an issue's email (`issues/<id>/`), or an alert edition's (`alerts/<id>/`); the same promise is
 * reused for the same one (failures are not cached).
 */
export type EmailLoader = (issueId: string, kind?: 'issue' | 'alert') => Promise<LoadedEmail>;

/** An EmailLoader caching per issue for the life of the container / process. */
export function createEmailLoader(archive: ArchiveStore): EmailLoader {
  const cache = new Map<string, Promise<LoadedEmail>>();
  return (issueId, kind = 'issue') => {
    const key = `${kind}:${issueId}`;
    let pending = cache.get(key);
    if (!pending) {
      pending = loadEmail(archive, issueId, kind === 'alert' ? alertKey : issueKey);
      pending.catch(() => cache.delete(key));
      cache.set(key, pending);
    }
    return pending;
  };
}

async function loadEmail(
  archive: ArchiveStore,
  issueId: string,
  keyOf: (id: string, name: string) => string,
): Promise<LoadedEmail> {
  const key = keyOf(issueId, 'email.json');
  const object = await archive.get(key);
  if (!object) throw new MissingObjectError(key);
  const email = parseJsonOrThrow(
    object.body,
    storedEmailSchema,
    (problem, options) => new CorruptObjectError(key, problem, options),
  );
  assertHeaderSafe('Subject', email.subject);
  const images: InlineImage[] = [];
  if (email.imageMode === 'cid') {
    for (const image of email.images) {
      const chartKey = keyOf(issueId, `charts/${image.filename}`);
      const png = await archive.get(chartKey);
      if (!png) throw new MissingObjectError(chartKey);
      images.push({ cid: image.cid, filename: image.filename, content: png.body, contentType: 'image/png' });
    }
  }
  return { email, images };
}

/** Sender identity and link settings shared by every message. */
export interface MessageSettings {
  from: string;
  /** Base of the unsubscribe/confirm endpoints, no trailing slash. */
  linksBaseUrl: string;
  tokenSecret: string;
}

/** The greeting substituted for the greeting placeholder (subscribers have no stored name). */
export const DEFAULT_GREETING = 'Hello,';

/** `${linksBaseUrl}/unsubscribe?token=...` for a subscriber hash. */
export function unsubscribeUrl(settings: MessageSettings, subscriberHash: string): string {
  const token = signToken({ secret: settings.tokenSecret, purpose: 'unsubscribe', subscriberHash });
  return `${settings.linksBaseUrl}/unsubscribe?token=${token}`;
}

/** Deterministic Message-ID per (issue, recipient): a duplicate in the crash window carries the same id. */
export function issueMessageId(issueId: string, subscriberHash: string, from: string): string {
  return `<${issueId}.${subscriberHash.slice(0, 32)}@${fromDomain(from)}>`;
}

/**
 * Builds one recipient's raw message from a loaded email. `choices` are the reader's preferences: with a
 * power price, their "Your numbers" block is worked out here (plain arithmetic on the stored figures) and
 * substituted like the links.
 */
export async function buildIssueMessage(input: {
  loaded: LoadedEmail;
  settings: MessageSettings;
  to: string;
  subscriberHash: string;
  now: Date;
  subjectPrefix?: string;
  choices?: PersonalChoices;
}): Promise<Buffer> {
  const { email, images } = input.loaded;
  const tokens = placeholderTokens(email.placeholderNonce);
  const numbers = email.personal && input.choices ? yourNumbers(email.personal, input.choices) : null;
  const values = {
    unsubscribeUrl: unsubscribeUrl(input.settings, input.subscriberHash),
    preferencesUrl: preferencesUrl(input.settings, input.subscriberHash),
    greeting: DEFAULT_GREETING,
  };
  return buildRawMessage({
    from: input.settings.from,
    to: input.to,
    subject: `${input.subjectPrefix ?? ''}${email.subject}`,
    html: personalize(email.html, { ...values, personal: yourNumbersHtml(numbers) }, 'html', tokens),
    text: personalize(email.text, { ...values, personal: yourNumbersText(numbers) }, 'text', tokens),
    messageId: issueMessageId(email.issueId, input.subscriberHash, input.settings.from),
    date: input.now,
    listUnsubscribeUrl: values.unsubscribeUrl,
    images: email.imageMode === 'cid' ? images : [],
  });
}
