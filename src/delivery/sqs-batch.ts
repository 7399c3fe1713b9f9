/**
 * SQS event → send batches → partial batch response. A message returns to the queue (and after
 * maxReceiveCount to the DLQ) only when its body is invalid or some of its recipients failed; on the
 * retry the ledger skips the recipients already sent.
 */

import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { Reporter } from '../ports';
import { parseJsonOrThrow } from '../validated-json';
import type { BatchOutcome } from './deliver';
import { type SendMessage, sendMessageSchema } from './send-message';
import { sqsWorker } from './sqs-records';

/** A body that is not a valid send batch (goes to the DLQ after the redrive limit). */
export class InvalidSendMessageError extends Error {
  override name = 'InvalidSendMessageError';
}

/** Some recipients of a message failed; the message is reported in batchItemFailures. */
export class RecipientsFailedError extends Error {
  override name = 'RecipientsFailedError';
}

/** Parses an SQS message body into a SendMessage or throws InvalidSendMessageError. */
export function parseSendMessage(body: string): SendMessage {
  return parseJsonOrThrow(
    body,
    sendMessageSchema,
    (problem, options) => new InvalidSendMessageError(`invalid send message: ${problem}`, options),
  );
}

const processSendMessages = sqsWorker(parseSendMessage, {
  failure: 'send message failed',
  describeError: (error) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error)),
  inParallel: true,
});

/**
 * Processes an SQS event; returns the ids of messages to retry. `context` is the invocation's Lambda
 * context, handed to the batch processor as Powertools expects.
 */
export async function processSendEvent(
  event: SQSEvent,
  deliver: (message: SendMessage) => Promise<BatchOutcome>,
  reporter?: Reporter,
  context?: Context,
): Promise<SQSBatchResponse> {
  return processSendMessages(
    event,
    async (message) => {
      const outcome = await deliver(message);
      if (outcome.failed.length > 0) {
        throw new RecipientsFailedError(
          `${outcome.failed.length} of ${message.recipients.length} recipients failed`,
        );
      }
    },
    reporter,
    context,
  );
}
