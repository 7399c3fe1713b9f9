/**
 * The feedback Lambda against a bucket that honours conditional writes as S3 does (aws-sdk-client-mock;
 * the local S3 emulator ignores If-None-Match/If-Match): an SNS delivery retried three times is one
 * soft bounce (issue 13, defect 9).
 */
import { createHash } from 'node:crypto';
import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { addressHash } from '../../../src/delivery/address';
import { newSubscriber, subscriberKey } from '../../../src/delivery/subscribers';

const BUCKET = 'hashbrief-state';
const objects = new Map<string, { body: Buffer; etag: string }>();
const s3 = mockClient(S3Client);

const s3Error = (name: string, httpStatusCode: number) =>
  new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode }, message: name });

function put(key: string, body: string) {
  const bytes = Buffer.from(body);
  objects.set(key, { body: bytes, etag: `"${createHash('md5').update(bytes).digest('hex')}"` });
}

beforeAll(() => {
  s3.on(PutObjectCommand).callsFake(async (input) => {
    const key = String(input.Key);
    const current = objects.get(key);
    if (input.IfNoneMatch === '*' && current) throw s3Error('PreconditionFailed', 412);
    if (input.IfMatch !== undefined && current?.etag !== input.IfMatch)
      throw s3Error('PreconditionFailed', 412);
    put(key, Buffer.from(input.Body as Buffer).toString());
    return { ETag: objects.get(key)?.etag };
  });
  s3.on(GetObjectCommand).callsFake(async (input) => {
    const found = objects.get(String(input.Key));
    if (!found) throw s3Error('NoSuchKey', 404);
    return {
      Body: {
        transformToByteArray: async () => new Uint8Array(found.body),
      } as GetObjectCommandOutput['Body'],
      ETag: found.etag,
    };
  });
  s3.on(ListObjectsV2Command).callsFake(async (input) => ({
    Contents: [...objects.keys()].filter((k) => k.startsWith(input.Prefix ?? '')).map((Key) => ({ Key })),
    IsTruncated: false,
  }));
  vi.stubEnv('HASHBRIEF_ARCHIVE_BUCKET', BUCKET);
});
afterAll(() => {
  vi.unstubAllEnvs();
  s3.restore();
});

describe('feedback handler', () => {
  it('counts one transient bounce once although SNS delivers it three times', async () => {
    // Arrange: an active reader, and the SNS event of one transient bounce for them.
    const address = 'reader@example.com';
    put(
      subscriberKey(addressHash(address)),
      JSON.stringify(newSubscriber(address, 'active', 'web', new Date())),
    );
    const event = {
      Records: [
        {
          EventSource: 'aws:sns',
          Sns: {
            MessageId: '95df01b4-ee98-5cb9-9903-4c221d41eb5e',
            Message: JSON.stringify({
              notificationType: 'Bounce',
              bounce: {
                bounceType: 'Transient',
                bounceSubType: 'MailboxFull',
                bouncedRecipients: [{ emailAddress: address }],
                feedbackId: '0100019a2b3c-transient-000000',
              },
              mail: { messageId: 'ses-1', destination: [address] },
            }),
          },
        },
      ],
    };
    const { handler } = await import('../../../functions/feedback');

    // Act: SNS retries the delivery (e.g. after a timeout) twice.
    for (let i = 0; i < 3; i++) await handler(event);

    // Assert
    const stored = JSON.parse(objects.get(subscriberKey(addressHash(address)))?.body.toString() ?? '{}');
    expect(stored).toMatchObject({ status: 'active', softBounces: 1 });
  });
});
