/**
 * The feedback Lambda against a bucket that honours conditional writes as S3 does (aws-sdk-client-mock;
 * the local S3 emulator ignores If-None-Match/If-Match): an SNS delivery retried three times is one
 * soft bounce (issue 13, defect 9).
 */
import { S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { addressHash } from '../../../src/delivery/address';
import { newSubscriber, subscriberKey } from '../../../src/delivery/subscribers';
import { type FakeBucket, seedObject, serveFakeS3 } from '../archive/s3-fake';

const BUCKET = 'hashbrief-state';
// The handler makes its own client: every S3Client is served by the fake bucket.
const s3 = mockClient(S3Client);
let objects: FakeBucket;

beforeAll(() => {
  objects = serveFakeS3(s3);
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
    seedObject(
      objects,
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
