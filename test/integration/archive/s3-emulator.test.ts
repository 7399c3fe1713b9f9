/**
 * The S3 adapter against a real HTTP S3 implementation (s3rver on 127.0.0.1, started here; it keeps
 * Content-Encoding, which fauxqs drops). s3rver ignores If-None-Match / If-Match, so the conditional cases run in the unit suite on
 * aws-sdk-client-mock instead (see test/unit/archive/s3-store.test.ts).
 */

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { afterAll, beforeAll } from 'vitest';
import { createS3ArchiveStore } from '../../../src/archive/s3-store';
import { describeArchiveStoreContract } from '../../unit/archive/store-contract';

let server: S3rver | undefined;
let directory: string | undefined;
let client: S3Client | undefined;
let buckets = 0;

beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'hashbrief-s3rver-'));
  server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory });
  const { port } = await server.run();
  client = new S3Client({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    // Emulators mishandle the SDK's default streaming checksums.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
});

afterAll(async () => {
  client?.destroy();
  await server?.close();
  if (directory) await rm(directory, { recursive: true, force: true });
});

describeArchiveStoreContract(
  'S3 on the s3rver emulator',
  async (options) => {
    if (!client) throw new Error('emulator not started');
    buckets += 1;
    const bucket = `hashbrief-archive-${buckets}`;
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    return createS3ArchiveStore({ client, bucket, ...options });
  },
  {
    conditionalWrites: false,
    reason: 's3rver does not implement S3 conditional writes (If-None-Match / If-Match)',
  },
);
