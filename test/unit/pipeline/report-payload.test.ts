import { describe, expect, it } from 'vitest';
import { PayloadError, parseReportPayload } from '../../../src/pipeline/report-payload';

describe('parseReportPayload', () => {
  it('accepts the empty payload the weekly schedule sends, and null/undefined', () => {
    expect(parseReportPayload({})).toEqual({});
    expect(parseReportPayload(undefined)).toEqual({});
    expect(parseReportPayload(null)).toEqual({});
  });

  it('normalizes test-send addresses', () => {
    expect(parseReportPayload({ sendTo: ['Reader@Example.COM'], dryRun: false })).toEqual({
      sendTo: ['Reader@example.com'],
      dryRun: false,
    });
  });

  it.each([
    [{ asof: '2026-11-23' }, /unknown field.*`asof`/],
    [{ asOf: '23/11/2026' }, /field `asOf` must be a calendar day written YYYY-MM-DD/],
    [{ asOf: '2026-02-31x' }, /field `asOf`/],
    [{ asOf: '2026-02-30' }, /field `asOf` must be a calendar day written YYYY-MM-DD/],
    [{ dryRun: 'yes' }, /field `dryRun`/],
    [{ sendTo: 'a@example.com' }, /field `sendTo`/],
    [{ sendTo: [] }, /field `sendTo` must list at least one address/],
    [{ sendTo: Array.from({ length: 11 }, (_, i) => `r${i}@example.com`) }, /at most 10/],
    ['{}', /field `\(payload\)`/],
    [{ dryRun: true, sendTo: ['a@example.com'] }, /field `sendTo` cannot be combined with `dryRun`/],
  ])('rejects %j with a message naming the problem', (payload, message) => {
    expect(() => parseReportPayload(payload)).toThrow(PayloadError);
    expect(() => parseReportPayload(payload)).toThrow(message);
  });

  it('rejects header injection in an address without echoing the address', () => {
    let message = '';
    try {
      parseReportPayload({ sendTo: ['ok@example.com', 'evil@example.com\r\nBcc: victim@example.com'] });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('sendTo.1');
    expect(message).not.toContain('victim');
  });
});
