import { describe, expect, it } from 'vitest';
import { ConfigContextError, configFromContext, parseConfig, placeholderWarnings } from '../../infra/config';

describe('infra config', () => {
  it('uses documented defaults when the context is empty', () => {
    // Act
    const config = parseConfig({});

    // Assess
    expect(config).toMatchObject({
      stackName: 'Hashbrief',
      scheduleCron: 'cron(0 7 ? * MON *)',
      scheduleTimezone: 'Etc/UTC',
      archiveEncryption: 'S3_MANAGED',
      sesIdentity: 'example.com',
      bounceRateAlarmThreshold: 0.04,
      complaintRateAlarmThreshold: 0.0008,
      tokenSecretParameterName: '/hashbrief/token-secret',
      senderReservedConcurrency: 2,
      subscribeReservedConcurrency: 2,
    });
  });

  it('coerces string values given with -c on the command line', () => {
    // Act
    const config = parseConfig({
      rawTransitionDays: '60',
      scheduleEnabled: 'false',
      sandboxRecipients: '["me@example.org"]',
      assumptions: '{"powerUsdPerKwh":0.05}',
    });

    // Assess
    expect(config.rawTransitionDays).toBe(60);
    expect(config.scheduleEnabled).toBe(false);
    expect(config.sandboxRecipients).toEqual(['me@example.org']);
    expect(config.assumptions).toEqual({ powerUsdPerKwh: 0.05 });
  });

  it('names the context key of every bad value', () => {
    // Act
    const attempt = () =>
      parseConfig({ scheduleTimezone: 'Mars/Olympus', logRetentionDays: 10, scheduleCron: '0 7 * * 1' });

    // Assess
    expect(attempt).toThrow(ConfigContextError);
    expect(attempt).toThrow(/hashbrief:scheduleTimezone: must be an IANA time zone/);
    expect(attempt).toThrow(/hashbrief:logRetentionDays: must be one of/);
    expect(attempt).toThrow(/hashbrief:scheduleCron: must be an EventBridge Scheduler expression/);
  });

  it('rejects a misspelt hashbrief:* key instead of ignoring it', () => {
    // Arrange
    const context: Record<string, unknown> = { 'hashbrief:fromAdress': 'x@example.com' };

    // Act
    const attempt = () => configFromContext((k) => context[k], Object.keys(context));

    // Assess
    expect(attempt).toThrow(/unknown context key\(s\) hashbrief:fromAdress/);
  });

  it('rejects an SES identity that does not cover the from address', () => {
    expect(() => parseConfig({ fromAddress: 'News <news@example.com>', sesIdentity: 'example.org' })).toThrow(
      /hashbrief:sesIdentity: "example.org" does not cover/,
    );
  });

  it('rejects at synth a from address the functions would refuse at cold start', () => {
    for (const fromAddress of [
      'not an address',
      'Brief, Inc. <brief@example.com>',
      'Brief <brief@example.com',
    ]) {
      expect(() => parseConfig({ fromAddress }), fromAddress).toThrow(
        /hashbrief:fromAddress: must be a mailbox/,
      );
    }
    expect(parseConfig({ fromAddress: '"Brief, Inc." <brief@example.com>' }).sesIdentity).toBe('example.com');
  });

  it('accepts a single verified address as SES identity', () => {
    const config = parseConfig({ fromAddress: 'me@example.com', sesIdentity: 'me@example.com' });
    expect(config.sesIdentity).toBe('me@example.com');
  });

  it('rejects a STANDARD_IA transition earlier than S3 allows', () => {
    expect(() => parseConfig({ rawTransitionDays: 7 })).toThrow(/hashbrief:rawTransitionDays/);
    expect(parseConfig({ rawTransitionDays: 7, rawStorageClass: 'GLACIER_IR' }).rawTransitionDays).toBe(7);
  });

  it('rejects a sender timeout longer than the send ledger lease (a slow sender could mail twice)', () => {
    expect(() => parseConfig({ senderTimeoutSeconds: 90 })).toThrow(
      /hashbrief:senderTimeoutSeconds: must be at most 60 s, the send ledger's claim lease/,
    );
    expect(parseConfig({ senderTimeoutSeconds: 60 }).senderTimeoutSeconds).toBe(60);
  });

  it('rejects assumptions too large for the Lambda environment', () => {
    const assumptions = { note: 'x'.repeat(3000) };
    expect(() => parseConfig({ assumptions })).toThrow(/hashbrief:assumptions: must serialise to at most/);
  });

  it('warns about the placeholder postal address and from address, naming each key', () => {
    // Act
    const warnings = placeholderWarnings(parseConfig({}));

    // Assess
    expect(warnings.map((w) => w.id)).toEqual([
      'hashbrief:placeholderPostalAddress',
      'hashbrief:placeholderFromAddress',
    ]);
    expect(warnings[0]?.message).toMatch(/hashbrief:postalAddress.*CAN-SPAM/);
    expect(warnings[1]?.message).toContain('hashbrief:fromAddress');
  });

  it('warns about a from address on a reserved example domain even when set explicitly', () => {
    // Act
    const warnings = placeholderWarnings(
      parseConfig({ fromAddress: 'News <news@mail.example.org>', postalAddress: 'Example Ltd, 1 Main St' }),
    );

    // Assess
    expect(warnings.map((w) => w.id)).toEqual(['hashbrief:placeholderFromAddress']);
  });

  it('does not warn once both are real', () => {
    // Act
    const warnings = placeholderWarnings(
      parseConfig({
        fromAddress: 'Hashbrief <brief@hashbrief.news>',
        postalAddress: 'Hashbrief Ltd, 1 Main St',
      }),
    );

    // Assess
    expect(warnings).toEqual([]);
  });
});
