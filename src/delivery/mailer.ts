/**
 * The Mailer port: hands one raw message to a transport (SES in AWS, the .eml outbox locally).
 */

/** Why a message is sent, which also decides where the outbox puts it. */
export type MailKind = 'issue' | 'alert' | 'test' | 'confirmation';

/** One raw message and its envelope. */
export interface OutgoingMail {
  kind: MailKind;
  /** Issue id for `issue` and `test` mail; the alert edition's id for `alert` mail. */
  issueId?: string;
  /** Hash of the recipient address: logs and file names use it, never the address. */
  recipientHash: string;
  from: string;
  to: string;
  raw: Buffer;
}

/** Sends raw messages. Throws SendError (retryable or not) when the transport refuses. */
export interface Mailer {
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
}
