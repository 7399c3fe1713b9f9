/**
 * One SQS event, record by record, through the Powertools batch processor: a record whose handling throws
 * is logged and reported in batchItemFailures, so SQS retries only that record (and after
 * maxReceiveCount moves it to the DLQ). The sender (sqs-batch.ts) and the sign-up worker (signup.ts)
 * share it.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Reporter } from '../ports';

/** How a worker runs its records and words its failures. */
export interface SqsRecordOptions {
  /** The warning logged for a failed record, with its messageId and the described error. */
  failure: string;
  /** The error as logged: it must never include an address. */
  describeError: (error: unknown) => string;
  /** Handle the records at once (true) or one after the other (false). */
  inParallel: boolean;
  reporter?: Reporter;
  /** The invocation's Lambda context, handed to the batch processor. */
  context?: Context;
}

/**
 * Runs `handle` on each record's body. A batch in which every record failed is answered with all of
 * them as failures, not thrown.
 */
export async function processSqsRecords(
  event: SQSEvent,
  handle: (body: string) => Promise<void>,
  options: SqsRecordOptions,
): Promise<SQSBatchResponse> {
  const processor = new BatchProcessor(EventType.SQS);
  const handleRecord = async (record: SQSRecord) => {
    try {
      await handle(record.body);
    } catch (error) {
      options.reporter?.warn(options.failure, {
        messageId: record.messageId,
        error: options.describeError(error),
      });
      throw error;
    }
  };
  return processPartialResponse(event, handleRecord, processor, {
    context: options.context,
    throwOnFullBatchFailure: false,
    processInParallel: options.inParallel,
  });
}
