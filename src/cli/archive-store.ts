/**
 * Which archive a CLI command works on: `--out DIR` when given, else the archive bucket when
 * HASHBRIEF_ARCHIVE_BUCKET is set (default AWS credential chain), else `<localDir>/archive`. One place, so
 * `run`, `report`, `send`, `alerts` and `archive` always agree.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { createFsArchiveStore } from '../archive/fs-store';
import { createS3ArchiveStore } from '../archive/s3-store';
import type { ArchiveStore } from '../archive/store';
import type { Env } from '../config/env';
import { type CliContext, localPaths } from './context';

export interface ArchiveStoreDeps {
  /** Builds the S3 client (tests pass a mocked or emulator-bound one). */
  createS3Client?: (env: Env) => S3Client;
}

/** The archive the CLI works on: S3 when HASHBRIEF_ARCHIVE_BUCKET is set, else `<localDir>/archive`. */
export function archiveStoreFor(context: CliContext, deps: ArchiveStoreDeps = {}): ArchiveStore {
  const { env } = context;
  const publicBaseUrl = env.HASHBRIEF_PUBLIC_BASE_URL;
  if (env.HASHBRIEF_ARCHIVE_BUCKET) {
    const client = (deps.createS3Client ?? (() => new S3Client({})))(env);
    return createS3ArchiveStore({
      client,
      bucket: env.HASHBRIEF_ARCHIVE_BUCKET,
      clock: context.clock,
      ...(publicBaseUrl ? { publicBaseUrl } : {}),
    });
  }
  return createFsArchiveStore(localPaths(context.localDir).archive, publicBaseUrl ? { publicBaseUrl } : {});
}

/** `--out DIR` when given; else archiveStoreFor. */
export function archiveFor(context: CliContext, outDir?: string): ArchiveStore {
  if (!outDir) return archiveStoreFor(context);
  return createFsArchiveStore(outDir, { publicBaseUrl: context.env.HASHBRIEF_PUBLIC_BASE_URL });
}
