/**
 * One SQS event, record by record, through the Powertools batch processor: a record whose body does not
 * parse or whose handling throws is logged and reported in batchItemFailures, so SQS retries only that
 * record (and after maxReceiveCount moves it to the DLQ). The sender (sqs-batch.ts) and the sign-up
 * worker (signup.ts) are both such workers.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Reporter } from '../ports';

/** How a worker runs its records and words its failures. */
export interface SqsWorkerOptions {
  /** The warning logged for a failed record, with its messageId and the described error. */
  failure: string;
  /** The error as logged: it must never include an address. */
  describeError: (error: unknown) => string;
  /** Handle the records at once (true) or one after the other (false). */
  inParallel: boolean;
}

/**
 * Runs `handle` on each record's parsed message; returns the records to retry (a batch in which every
 * record failed is answered, not thrown). `context` is the invocation's Lambda context, handed to the
 * batch processor as Powertools expects.
 */
export type SqsWorker<M> = (
  event: SQSEvent,
  handle: (message: M) => Promise<unknown>,
  reporter?: Reporter,
  context?: Context,
) => Promise<SQSBatchResponse>;

/** A worker for messages that `parse` reads from a record's body (throwing when it cannot). */
export function sqsWorker<M>(parse: (body: string) => M, options: SqsWorkerOptions): SqsWorker<M> {
  return (event, handle, reporter, context) => {
    const processor = new BatchProcessor(EventType.SQS);
    const handleRecord = async (record: SQSRecord) => {
      try {
        await handle(parse(record.body));
      } catch (error) {
        reporter?.warn(options.failure, {
          messageId: record.messageId,
          error: options.describeError(error),
        });
        throw error;
      }
    };
    return processPartialResponse(event, handleRecord, processor, {
      context,
      throwOnFullBatchFailure: false,
      processInParallel: options.inParallel,
    });
  };
}
