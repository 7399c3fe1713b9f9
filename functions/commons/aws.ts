/**
 * All four AWS clients behind lazy getters, for handlers that use several (the report function).
 * Handlers that care about bundle size import only their own clients and use `lazy` from ./lazy.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { SESClient } from '@aws-sdk/client-ses';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { lazy, SES_CLIENT_OPTIONS } from './lazy';

/** The clients the functions use. */
export interface AwsClients {
  readonly s3: S3Client;
  readonly ses: SESClient;
  readonly sqs: SQSClient;
  readonly ssm: SSMClient;
}

/** Lazily constructed clients (a path that never sends does not build an SES client). */
export function awsClients(): AwsClients {
  const s3 = lazy(() => new S3Client({}));
  const ses = lazy(() => new SESClient(SES_CLIENT_OPTIONS));
  const sqs = lazy(() => new SQSClient({}));
  const ssm = lazy(() => new SSMClient({}));
  return {
    get s3() {
      return s3();
    },
    get ses() {
      return ses();
    },
    get sqs() {
      return sqs();
    },
    get ssm() {
      return ssm();
    },
  };
}
