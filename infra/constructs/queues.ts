/**
 * The SQS queues of the stack. Every queue is encrypted with SQS-managed keys and refuses plain HTTP; a
 * dead-letter queue has no dead-letter queue of its own (one would only hide failures), which cdk-nag is
 * told with the reason.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

const SECURED = { encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true } as const;

/** A dead-letter queue that keeps what lands in it for `retention`; `reason` says whose DLQ it is. */
export function deadLetterQueue(
  scope: Construct,
  id: string,
  retention: Duration,
  reason: string,
): sqs.Queue {
  const queue = new sqs.Queue(scope, id, { ...SECURED, retentionPeriod: retention });
  Validations.of(queue).acknowledge({ id: 'AwsSolutions-SQS3', reason });
  return queue;
}

/**
 * A queue a Lambda function drains. Its visibility timeout is 6 × the function's timeout, as AWS
 * recommends for Lambda event sources; a message received `maxReceiveCount` times moves to `deadLetterQueue`.
 */
export function drainedQueue(
  scope: Construct,
  id: string,
  props: {
    consumerTimeout: Duration;
    retention: Duration;
    deadLetterQueue: sqs.IQueue;
    maxReceiveCount: number;
  },
): sqs.Queue {
  return new sqs.Queue(scope, id, {
    ...SECURED,
    visibilityTimeout: Duration.seconds(props.consumerTimeout.toSeconds() * 6),
    retentionPeriod: props.retention,
    deadLetterQueue: { queue: props.deadLetterQueue, maxReceiveCount: props.maxReceiveCount },
  });
}

/**
 * A {@link drainedQueue} `<prefix>Queue` with its own dead-letter queue `<prefix>Dlq`, which keeps a failed
 * message for `dlqRetention`. `name` is how the DLQ's reason names the queue.
 */
export function drainedQueueWithDlq(
  scope: Construct,
  prefix: string,
  props: {
    name: string;
    consumerTimeout: Duration;
    retention: Duration;
    dlqRetention: Duration;
    maxReceiveCount: number;
  },
): { queue: sqs.Queue; deadLetterQueue: sqs.Queue } {
  const dlq = deadLetterQueue(
    scope,
    `${prefix}Dlq`,
    props.dlqRetention,
    `This queue is the dead-letter queue of the ${props.name}; a DLQ of a DLQ would only hide failures.`,
  );
  const queue = drainedQueue(scope, `${prefix}Queue`, {
    consumerTimeout: props.consumerTimeout,
    retention: props.retention,
    deadLetterQueue: dlq,
    maxReceiveCount: props.maxReceiveCount,
  });
  return { queue, deadLetterQueue: dlq };
}
