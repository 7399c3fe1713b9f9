/**
 * Sign-up in two halves, so the HTTP answer cannot reveal anything about the list and junk traffic cannot
 * tie the endpoint up:
 * - `acceptSignup` (the subscribe endpoint): validates the address and enqueues it. No lookup, no send,
 *   no sleep: its work and its time are the same for a new, pending, active or suppressed address.
 * - `processSignupEvent` (the sign-up worker, SQS-triggered): looks the address up, applies the
 *   per-address rate limit and sends the confirmation (`requestSubscription`); a failed record comes back
 *   through the partial batch response and, after the redrive limit, lands in the DLQ.
 * Unlike a send batch, a sign-up message must carry the address: no subscriber record exists yet. The
 * queue is encrypted and keeps messages for a day (the DLQ for a week), and nothing logs the body.
 */

import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { parseJsonOrThrow } from '../validated-json';
import { normalizeAddress } from './address';
import { type SqsWorker, sqsWorker } from './sqs-records';

/** The body of one sign-up message: a normalized address. */
export const signupMessageSchema = z.object({
  v: z.literal(1),
  address: z.string().min(3).max(254),
});

export type SignupMessage = z.infer<typeof signupMessageSchema>;

/** Takes sign-up messages to the worker. */
export interface SignupQueue {
  enqueue(message: SignupMessage): Promise<void>;
}

/** The queue refused the message: nothing was accepted, the requester may try again. */
export class SignupQueueError extends Error {
  override name = 'SignupQueueError';
}

/** A sign-up message body that is not valid (goes to the DLQ after the redrive limit). */
export class InvalidSignupMessageError extends Error {
  override name = 'InvalidSignupMessageError';
}

/** A SignupQueue on SQS (one SendMessage per request). */
export function createSqsSignupQueue(options: { client: SQSClient; queueUrl: string }): SignupQueue {
  return {
    async enqueue(message) {
      try {
        await options.client.send(
          new SendMessageCommand({
            QueueUrl: options.queueUrl,
            MessageBody: JSON.stringify(signupMessageSchema.parse(message)),
          }),
        );
      } catch (error) {
        throw new SignupQueueError('SQS SendMessage to the sign-up queue failed', { cause: error });
      }
    },
  };
}

/** An in-process queue (tests, local tools): messages wait in an array until drained. */
export function createMemorySignupQueue(): SignupQueue & { drain(): SignupMessage[] } {
  let items: SignupMessage[] = [];
  return {
    async enqueue(message) {
      items.push(signupMessageSchema.parse(message));
    },
    drain() {
      const out = items;
      items = [];
      return out;
    },
  };
}

/**
 * The endpoint's half: normalizes the address (throws InvalidAddressError with a reason the person can
 * act on) and enqueues it. Resolves once the queue has the message; nothing about the list is read.
 */
export async function acceptSignup(address: string, queue: SignupQueue): Promise<void> {
  await queue.enqueue({ v: 1, address: normalizeAddress(address) });
}

/** Parses an SQS body into a SignupMessage or throws InvalidSignupMessageError (never echoing it). */
export function parseSignupMessage(body: string): SignupMessage {
  return parseJsonOrThrow(
    body,
    signupMessageSchema,
    (problem, options) => new InvalidSignupMessageError(`invalid sign-up message: ${problem}`, options),
  );
}

/**
 * The worker's half: runs `handle` for each record; records whose body is invalid or whose handling
 * throws (a store outage, a refused or throttled send) are returned in batchItemFailures, so SQS retries
 * only those. Records are handled one after the other. Logs name the SQS message id and the error, never
 * the address. `context` is the invocation's Lambda context, handed to the batch processor.
 */
export const processSignupEvent: SqsWorker<SignupMessage> = sqsWorker(parseSignupMessage, {
  failure: 'sign-up message failed',
  // Our errors name the field or the transport's refusal, never the address.
  describeError: (error) => (error instanceof Error ? `${error.name}: ${error.message}` : 'unknown'),
  // One record at a time: each ends in an SES send, and a worker should not burst past the account's send
  // rate that the weekly sender shares.
  inParallel: false,
});
