/**
 * The functions' AWS clients (never built in src/: the core gets them passed in).
 *
 * Created at module scope, once per container, and reused by every invocation. Not lazily: building a
 * client costs about a millisecond and sends nothing (region and credentials are resolved on its first
 * request), while the SDK import, which lazy construction cannot defer, costs hundreds. A handler
 * imports only the factories it uses; the SDK packages are side-effect free, so the bundle keeps only
 * those clients.
 *
 * Traced: each client is wrapped by the Powertools Tracer, so in Lambda (active tracing, see
 * infra/constructs/function-with-log-group.ts) every S3, SQS, SES and SSM call is a subsegment of the
 * invocation's trace. Outside Lambda the Tracer is off and the clients are returned as they are. Outbound
 * `fetch` is not traced: that would add an X-Amzn-Trace-Id header to every request to Coin Metrics and
 * mempool.space; the upstream fetches are timed by the run's own log lines.
 */
import { Tracer } from '@aws-lambda-powertools/tracer';
import { S3Client } from '@aws-sdk/client-s3';
import { SESClient } from '@aws-sdk/client-ses';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';

const tracer = new Tracer({ serviceName: 'hashbrief', captureHTTPsRequests: false });

/**
 * SES client options: no SDK retries, so throttling is paced by the sender's token bucket and backoff
 * (src/delivery/rate-limiter.ts) instead of being retried blindly inside the SDK (which would also retry
 * timeouts and resets, where SES may already have accepted the mail). The timeouts end a hung request
 * well inside the sender's 15 s safety margin (SEND_TIME_MARGIN_MS), so the Lambda timeout never cuts a
 * send short; a connect timeout means SES was never reached and is retried, a request timeout is not.
 */
export const SES_CLIENT_OPTIONS = {
  maxAttempts: 1,
  requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000, throwOnRequestTimeout: true },
} as const;

/** The archive bucket's client (archive, subscriber list, ledgers). */
export function createS3Client(): S3Client {
  return tracer.captureAWSv3Client(new S3Client({}));
}

/** The SES client, with {@link SES_CLIENT_OPTIONS}. */
export function createSesClient(): SESClient {
  return tracer.captureAWSv3Client(new SESClient(SES_CLIENT_OPTIONS));
}

/** The send and sign-up queues' client. */
export function createSqsClient(): SQSClient {
  return tracer.captureAWSv3Client(new SQSClient({}));
}

/** The client that reads the token secret from SSM Parameter Store. */
export function createSsmClient(): SSMClient {
  return tracer.captureAWSv3Client(new SSMClient({}));
}
