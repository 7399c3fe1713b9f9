/**
 * The CLI's issue options come from the one settings mapping (settingsFromEnv), with the sample upstreams
 * for `--sample` and the command's own options on top; the assumptions are the ones parsed at start-up.
 */
import { describe, expect, it } from 'vitest';
import type { CliContext } from '../../../src/cli/context';
import { baseOptions } from '../../../src/cli/issue-options';
import { settingsFromEnv } from '../../../src/config/settings';
import { offlineCliContext } from '../../support/cli-context';

function contextWith(variables: Record<string, string>): CliContext {
  return offlineCliContext(variables, () => new Date('2025-11-23T12:00:00Z'));
}

const VARIABLES = {
  HASHBRIEF_COINMETRICS_URL: 'http://127.0.0.1:9001/coinmetrics/v4',
  HASHBRIEF_MEMPOOL_URL: 'http://127.0.0.1:9002/mempool/api',
  HASHBRIEF_ASSUMPTIONS_JSON: '{"powerPriceUsdPerKwh":0.07}',
  HASHBRIEF_POSTAL_ADDRESS: 'hashbrief, 1 Test Street',
  HASHBRIEF_PUBLIC_BASE_URL: 'https://archive.example.org',
  HASHBRIEF_LINKS_BASE_URL: 'https://links.example.org',
  HASHBRIEF_HTTP_TIMEOUT_MS: '4000',
  HASHBRIEF_FETCH_BUDGET_MS: '30000',
  HASHBRIEF_HTTP_RETRIES: '2',
};

describe('baseOptions', () => {
  it("is the environment's issue settings plus the command's options", () => {
    // Arrange
    const ctx = contextWith(VARIABLES);
    // Act
    const options = baseOptions(ctx, { sample: false, asOf: '2025-11-20' });
    // Assert
    expect(options).toEqual({ ...settingsFromEnv(ctx.env).issue, sample: false, asOf: '2025-11-20' });
    expect(options.assumptions).toBe(ctx.env.HASHBRIEF_ASSUMPTIONS_JSON);
    expect(options.assumptions.powerPriceUsdPerKwh).toBe(0.07);
  });

  it('points a sample run at the in-process sample upstreams, keeping every other setting', () => {
    // Arrange
    const ctx = contextWith(VARIABLES);
    // Act
    const options = baseOptions(ctx, { sample: true });
    // Assert
    expect(options.coinMetricsUrl).not.toBe(VARIABLES.HASHBRIEF_COINMETRICS_URL);
    expect(options.coinMetricsUrl).toMatch(/^http:\/\/sample\.hashbrief\.invalid\//);
    expect(options.mempoolUrl).toMatch(/^http:\/\/sample\.hashbrief\.invalid\//);
    const { coinMetricsUrl: _c, mempoolUrl: _m, sample, ...rest } = options;
    const { coinMetricsUrl: _ec, mempoolUrl: _em, ...expected } = settingsFromEnv(ctx.env).issue;
    expect(sample).toBe(true);
    expect(rest).toEqual(expected);
  });
});
