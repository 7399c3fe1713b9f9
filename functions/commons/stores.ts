/**
 * The archive bucket as the functions' state store (subscribers, ledger) and issue archive.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { createS3ArchiveStore } from '../../src/archive/s3-store';
import type { ArchiveStore } from '../../src/archive/store';

/** The archive bucket's ArchiveStore. */
export function bucketStore(client: S3Client, bucket: string): ArchiveStore {
  return createS3ArchiveStore({ client, bucket });
}
