/**
 * SES adapter for the Mailer port (SendRawEmail), and the account's max send rate (GetSendQuota).
 */
import { GetSendQuotaCommand, type SESClient, SendRawEmailCommand } from '@aws-sdk/client-ses';
import { AmbiguousSendError, SendError } from './errors';
import type { Mailer } from './mailer';

/** SES said "slow down": nothing was sent, try again after a pause. */
const THROTTLING_NAMES = new Set([
  'Throttling',
  'ThrottlingException',
  'MaxSendingRateExceeded',
  'TooManyRequestsException',
]);

/** Network errors raised before the request reached SES (no connection, no address). */
const NOT_CONNECTED_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
]);

/**
 * What a failed SendRawEmail means for the message:
 * - `retry`: SES refused it for now or never received it (throttling, 503, connection refused, DNS
 *   failure, connect timeout); nothing was sent, so sending again at once cannot duplicate.
 * - `ambiguous`: the request may have reached SES and been accepted before the failure (a timeout or
 *   reset after the request was sent, a 500/502/504, or no HTTP answer at all); sending again could
 *   duplicate.
 * - `refused`: SES answered with a definitive 4xx (MessageRejected, a bad address, ...); nothing was sent.
 */
export type SesFailure = 'retry' | 'ambiguous' | 'refused';

/** Classifies a SendRawEmail failure; see {@link SesFailure}. */
export function classifySesError(error: unknown): SesFailure {
  if (!(error instanceof Error)) return 'ambiguous';
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const fault = (error as { $fault?: string }).$fault;
  const code = (error as { code?: string }).code;
  if (THROTTLING_NAMES.has(error.name) || (code !== undefined && THROTTLING_NAMES.has(code))) return 'retry';
  if (/maximum sending rate exceeded/i.test(error.message)) return 'retry';
  if (code !== undefined && NOT_CONNECTED_CODES.has(code)) return 'retry';
  // The SDK's connect timeout (name TimeoutError as well) fires before any byte of the request is sent.
  if (error.name === 'TimeoutError' && /did not establish a connection/i.test(error.message)) return 'retry';
  // 503 is SES answering that it did not take the request (HTTP: "not processed, try later"), like
  // throttling. 500, 502 and 504 promise no such thing: the request may have been processed.
  if (error.name === 'ServiceUnavailable' || status === 503) return 'retry';
  if (fault === 'server' || (status ?? 0) >= 500) return 'ambiguous';
  // No HTTP answer (reset, socket or request timeout, EPIPE): SES may have processed the request.
  if (status === undefined) return 'ambiguous';
  return 'refused';
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
        const failure = classifySesError(error);
        if (failure === 'ambiguous')
          throw new AmbiguousSendError(`SES may have accepted the message (${name})`, { cause: error });
        throw new SendError(`SES refused the message (${name})`, failure === 'retry', { cause: error });
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
