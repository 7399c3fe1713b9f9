/**
 * SES adapter for the Mailer port (SendRawEmail), and the account's max send rate (GetSendQuota).
 */
import { GetSendQuotaCommand, type SESClient, SendRawEmailCommand } from '@aws-sdk/client-ses';
import { SendError } from './errors';
import type { Mailer } from './mailer';

const RETRYABLE_NAMES = new Set([
  'Throttling',
  'ThrottlingException',
  'MaxSendingRateExceeded',
  'TooManyRequestsException',
  'ServiceUnavailable',
  'InternalFailure',
  'RequestTimeout',
  'TimeoutError',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
]);

/** True for SES refusals worth retrying: throttling, rate exceeded, 5xx, network failures. */
export function isRetryableSesError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const meta = (error as { $metadata?: { httpStatusCode?: number } }).$metadata;
  const fault = (error as { $fault?: string }).$fault;
  const code = (error as { code?: string }).code;
  if (RETRYABLE_NAMES.has(error.name) || (code !== undefined && RETRYABLE_NAMES.has(code))) return true;
  if (/maximum sending rate exceeded/i.test(error.message)) return true;
  return fault === 'server' || (meta?.httpStatusCode ?? 0) >= 500;
}

/** A Mailer sending through SES SendRawEmail, with the configuration set when one is given. */
export function createSesMailer(options: { client: SESClient; configurationSet?: string }): Mailer {
  return {
    async send(mail) {
      try {
        const result = await options.client.send(
          new SendRawEmailCommand({
            Source: mail.from,
            Destinations: [mail.to],
            RawMessage: { Data: mail.raw },
            ConfigurationSetName: options.configurationSet,
            Tags: [
              { Name: 'hb-kind', Value: mail.kind },
              ...(mail.issueId ? [{ Name: 'hb-issue', Value: mail.issueId }] : []),
            ],
          }),
        );
        return { messageId: result.MessageId ?? '' };
      } catch (error) {
        const name = error instanceof Error ? error.name : 'unknown';
        throw new SendError(`SES refused the message (${name})`, isRetryableSesError(error), {
          cause: error,
        });
      }
    },
  };
}

/** The account's max sends per second from SES GetSendQuota. */
export async function readSesMaxSendRate(client: SESClient): Promise<number> {
  const quota = await client.send(new GetSendQuotaCommand({}));
  const rate = quota.MaxSendRate;
  if (typeof rate !== 'number' || !(rate > 0)) throw new Error('SES GetSendQuota returned no MaxSendRate');
  return rate;
}
