/**
 * The archive bucket as the functions' state store (subscribers, ledger) and issue archive, and the other
 * stores and senders a function builds from its environment.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { SESClient } from '@aws-sdk/client-ses';
import { createS3ArchiveStore } from '../../src/archive/s3-store';
import type { ArchiveStore } from '../../src/archive/store';
import type { Env } from '../../src/config/env';
import type { Mailer } from '../../src/delivery/mailer';
import { createSqsSendQueue, type SendQueue } from '../../src/delivery/queue';
import { createSesMailer } from '../../src/delivery/ses-mailer';
import { systemClock } from '../../src/ports';
import { createS3Client, createSesClient, createSqsClient, createSsmClient } from './aws';
import { requireSetting } from './config';
import { createSecretSource } from './secret';

/** The archive bucket's ArchiveStore. */
export function bucketStore(client: S3Client, bucket: string): ArchiveStore {
  return createS3ArchiveStore({ client, bucket });
}

/** HASHBRIEF_ARCHIVE_BUCKET's ArchiveStore, on its own S3 client; throws ConfigError when it is unset. */
export function archiveBucketStore(env: Env): ArchiveStore {
  return bucketStore(createS3Client(), requireSetting(env, 'HASHBRIEF_ARCHIVE_BUCKET'));
}

/** The send queue at HASHBRIEF_SEND_QUEUE_URL; throws ConfigError when it is unset. */
export function sendQueueFromEnv(env: Env): SendQueue {
  return createSqsSendQueue({
    client: createSqsClient(),
    queueUrl: requireSetting(env, 'HASHBRIEF_SEND_QUEUE_URL'),
  });
}

/** SES mail sent with HASHBRIEF_SES_CONFIGURATION_SET (when set), on `client` or a new SES client. */
export function sesMailerFromEnv(env: Env, client: SESClient = createSesClient()): Mailer {
  return createSesMailer({ client, configurationSet: env.HASHBRIEF_SES_CONFIGURATION_SET });
}

/** The token secret as configured (HASHBRIEF_TOKEN_SECRET, or the SSM parameter), cached on the system clock. */
export function tokenSecretFromEnv(env: Env): () => Promise<string> {
  return createSecretSource({ env, ssm: createSsmClient(), clock: systemClock });
}
