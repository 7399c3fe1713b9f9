/**
 * Local Mailer: writes each message as an .eml file under the outbox folder instead of sending it:
 * `<outbox>/<issueId>/<recipientHash>.eml` for issues, `<outbox>/<issueId>/test-<hash>.eml` for test
 * sends, `<outbox>/alerts/<editionId>/<hash>.eml` for alert mail, `<outbox>/confirmations/<hash>.eml` for
 * confirmation emails.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Mailer, OutgoingMail } from './mailer';

/** Where the outbox puts a message, relative to the outbox root. */
export function outboxRelativePath(mail: Pick<OutgoingMail, 'kind' | 'issueId' | 'recipientHash'>): string {
  if (mail.kind === 'confirmation') return path.join('confirmations', `${mail.recipientHash}.eml`);
  const issue = mail.issueId ?? 'unknown-issue';
  if (mail.kind === 'alert') return path.join('alerts', issue, `${mail.recipientHash}.eml`);
  return path.join(issue, `${mail.kind === 'test' ? 'test-' : ''}${mail.recipientHash}.eml`);
}

/** A Mailer writing .eml files under `root` (written to a temp name, then renamed: no half files). */
export function createOutboxMailer(root: string): Mailer {
  return {
    async send(mail) {
      const file = path.join(root, outboxRelativePath(mail));
      await mkdir(path.dirname(file), { recursive: true });
      const temp = `${file}.${process.pid}.tmp`;
      await writeFile(temp, mail.raw);
      await rename(temp, file);
      return { messageId: `outbox:${path.relative(root, file)}` };
    },
  };
}
