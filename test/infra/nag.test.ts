import { describe, expect, it } from 'vitest';
import { synth } from './synth';

// cdk-nag 3 reports through CDK policy validation: an unacknowledged finding makes synthesis throw with
// the whole report, so "does not throw" is the assertion (Annotations stay empty either way).
describe('cdk-nag AwsSolutions', () => {
  it('finds nothing unacknowledged with the default settings', () => {
    expect(() => synth({ nag: true })).not.toThrow();
  });

  it('finds nothing unacknowledged with KMS, alarm mail, a custom links domain and no reservation', () => {
    expect(() =>
      synth({
        nag: true,
        config: {
          archiveEncryption: 'KMS',
          alarmEmail: 'ops@example.com',
          linksBaseUrl: 'https://news.example.com',
          senderReservedConcurrency: 0,
          subscribeReservedConcurrency: 0,
          sandboxRecipients: ['me@example.org'],
        },
      }),
    ).not.toThrow();
  });
});
