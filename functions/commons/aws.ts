/**
 * AWS clients, built once per container (never in src/: the core gets them passed in). SES retries are
 * left to the sender's own backoff (maxAttempts 1) so throttling is paced by the rate limiter.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { SESClient } from '@aws-sdk/client-ses';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';

/** The clients the functions use, each constructed on first use. */
export interface AwsClients {
  readonly s3: S3Client;
  readonly ses: SESClient;
  readonly sqs: SQSClient;
  readonly ssm: SSMClient;
}

/** Lazily constructed clients (a handler that never sends does not build an SES client). */
export function awsClients(): AwsClients {
  let s3: S3Client | undefined;
  let ses: SESClient | undefined;
  let sqs: SQSClient | undefined;
  let ssm: SSMClient | undefined;
  return {
    get s3() {
      s3 ??= new S3Client({});
      return s3;
    },
    get ses() {
      ses ??= new SESClient({ maxAttempts: 1 });
      return ses;
    },
    get sqs() {
      sqs ??= new SQSClient({});
      return sqs;
    },
    get ssm() {
      ssm ??= new SSMClient({});
      return ssm;
    },
  };
}
