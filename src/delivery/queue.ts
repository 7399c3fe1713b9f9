/**
 * The send queue: one message per batch of recipients. Bodies carry subscriber hashes only; the sender
 * reads each address from the subscriber object, so no address sits in SQS and an unsubscribe between
 * planning and sending is honoured.
 */
import {
  SendMessageBatchCommand,
  type SendMessageBatchCommandOutput,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { type SendMessage, type SendQueue, sendMessageSchema } from './send-message';

export { type SendMessage, type SendQueue, sendMessageSchema };

/** Thrown when SQS keeps refusing some entries. */
export class EnqueueError extends Error {
  override name = 'EnqueueError';
}

/** A SendQueue on SQS: SendMessageBatch in chunks of 10, failed entries retried up to 3 times. */
export function createSqsSendQueue(options: { client: SQSClient; queueUrl: string }): SendQueue {
  return {
    async enqueue(messages) {
      for (let start = 0; start < messages.length; start += 10) {
        let pending = messages.slice(start, start + 10).map((m, i) => ({
          Id: String(start + i),
          MessageBody: JSON.stringify(sendMessageSchema.parse(m)),
        }));
        for (let attempt = 0; pending.length > 0; attempt++) {
          if (attempt >= 3) {
            throw new EnqueueError(`SQS refused ${pending.length} send batches after 3 attempts`);
          }
          let result: SendMessageBatchCommandOutput;
          try {
            result = await options.client.send(
              new SendMessageBatchCommand({ QueueUrl: options.queueUrl, Entries: pending }),
            );
          } catch (error) {
            throw new EnqueueError('SQS SendMessageBatch failed', { cause: error });
          }
          const failed = new Set((result.Failed ?? []).map((f) => f.Id));
          pending = pending.filter((entry) => failed.has(entry.Id));
        }
      }
    },
  };
}

/** An in-process queue (local CLI, tests): messages wait in an array until drained. */
export function createMemorySendQueue(): SendQueue & { drain(): SendMessage[] } {
  let items: SendMessage[] = [];
  return {
    async enqueue(messages) {
      items.push(...messages.map((m) => sendMessageSchema.parse(m)));
    },
    drain() {
      const out = items;
      items = [];
      return out;
    },
  };
}
