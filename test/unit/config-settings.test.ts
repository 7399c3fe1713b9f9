/**
 * settingsFromEnv: the one mapping from the HASHBRIEF_* environment to what an issue, the report run and
 * the alert run take (issue 16, item 2). The Lambdas and the CLI use it; these tests pin the mapping.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_ALERT_COOLDOWN_DAYS } from '../../src/alerts/events';
import { ConfigError, DEFAULT_POSTAL_ADDRESS, loadEnv } from '../../src/config/env';
import { settingsFromEnv } from '../../src/config/settings';
import { defaultAssumptions } from '../../src/metrics/assumptions';

/** Every variable the settings read, each set to a value other than its default. */
const EVERY_VARIABLE = {
  HASHBRIEF_COINMETRICS_URL: 'http://127.0.0.1:9001/coinmetrics/v4/',
  HASHBRIEF_MEMPOOL_URL: 'http://127.0.0.1:9002/mempool/api',
  HASHBRIEF_ASSUMPTIONS_JSON: '{"powerPriceUsdPerKwh":0.045,"stress":{"priceDropPct":40}}',
  HASHBRIEF_POSTAL_ADDRESS: 'hashbrief, 1 Test Street, Testville',
  HASHBRIEF_PUBLIC_BASE_URL: 'https://archive.example.org/',
  HASHBRIEF_LINKS_BASE_URL: 'https://links.example.org',
  HASHBRIEF_HTTP_TIMEOUT_MS: '5000',
  HASHBRIEF_FETCH_BUDGET_MS: '60000',
  HASHBRIEF_HTTP_RETRIES: '1',
  HASHBRIEF_RECIPIENTS_PER_MESSAGE: '20',
  HASHBRIEF_ALERT_COOLDOWN_DAYS: '{"hashprice-low":3}',
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe('settingsFromEnv', () => {
  it('gives the documented defaults when nothing is set', () => {
    // Act
    const settings = settingsFromEnv(loadEnv({}));
    // Assert
    const issue = {
      coinMetricsUrl: 'https://community-api.coinmetrics.io/v4',
      mempoolUrl: 'https://mempool.space/api',
      assumptions: defaultAssumptions(),
      postalAddress: DEFAULT_POSTAL_ADDRESS,
      publicBaseUrl: undefined,
      linksBaseUrl: undefined,
      httpSettings: { timeoutMs: 20_000, budgetMs: 120_000, retries: 3 },
    };
    expect(settings.issue).toEqual(issue);
    expect(settings.report).toEqual({ ...issue, recipientsPerMessage: 50 });
    expect(settings.alerts).toEqual({
      ...issue,
      recipientsPerMessage: 50,
      cooldownDays: DEFAULT_ALERT_COOLDOWN_DAYS,
    });
  });

  it('maps every variable to its setting, in every view', () => {
    // Act
    const settings = settingsFromEnv(loadEnv(EVERY_VARIABLE));
    // Assert
    const issue = {
      coinMetricsUrl: 'http://127.0.0.1:9001/coinmetrics/v4',
      mempoolUrl: 'http://127.0.0.1:9002/mempool/api',
      assumptions: {
        ...defaultAssumptions(),
        powerPriceUsdPerKwh: 0.045,
        stress: { ...defaultAssumptions().stress, priceDropPct: 40 },
      },
      postalAddress: 'hashbrief, 1 Test Street, Testville',
      publicBaseUrl: 'https://archive.example.org',
      linksBaseUrl: 'https://links.example.org',
      httpSettings: { timeoutMs: 5000, budgetMs: 60_000, retries: 1 },
    };
    expect(settings.issue).toEqual(issue);
    expect(settings.report).toEqual({ ...issue, recipientsPerMessage: 20 });
    expect(settings.alerts).toEqual({
      ...issue,
      recipientsPerMessage: 20,
      cooldownDays: { ...DEFAULT_ALERT_COOLDOWN_DAYS, 'hashprice-low': 3 },
    });
  });

  it.each([
    ['HASHBRIEF_COINMETRICS_URL', 'ftp://example.org'],
    ['HASHBRIEF_MEMPOOL_URL', 'mempool.space'],
    ['HASHBRIEF_ASSUMPTIONS_JSON', '{"powerPriceUsdPerKwh":-1}'],
    ['HASHBRIEF_ASSUMPTIONS_JSON', '{not json'],
    ['HASHBRIEF_PUBLIC_BASE_URL', 'archive.example.org'],
    ['HASHBRIEF_LINKS_BASE_URL', 'not a url'],
    ['HASHBRIEF_HTTP_TIMEOUT_MS', 'soon'],
    ['HASHBRIEF_FETCH_BUDGET_MS', '0'],
    ['HASHBRIEF_HTTP_RETRIES', '11'],
    ['HASHBRIEF_RECIPIENTS_PER_MESSAGE', '501'],
    ['HASHBRIEF_ALERT_COOLDOWN_DAYS', '{"hashprice-lows":3}'],
  ])('refuses a bad %s with an error naming it', (name, bad) => {
    expect(() => settingsFromEnv(loadEnv({ [name]: bad }))).toThrow(ConfigError);
    expect(() => settingsFromEnv(loadEnv({ [name]: bad }))).toThrow(new RegExp(`\\n  ${name}: `));
  });

  it('names the assumptions field that is wrong', () => {
    expect(() => loadEnv({ HASHBRIEF_ASSUMPTIONS_JSON: '{"asicTiers":[{"model":"x","jPerTh":0}]}' })).toThrow(
      /HASHBRIEF_ASSUMPTIONS_JSON: asicTiers\[0\]\.jPerTh: must be > 0/,
    );
  });

  it('parses the assumptions JSON once, and every view shares that one object', () => {
    // Arrange
    const json = EVERY_VARIABLE.HASHBRIEF_ASSUMPTIONS_JSON;
    const parse = vi.spyOn(JSON, 'parse');
    // Act
    const env = loadEnv({ HASHBRIEF_ASSUMPTIONS_JSON: json });
    const settings = settingsFromEnv(env);
    settingsFromEnv(env);
    // Assert
    expect(parse.mock.calls.filter(([text]) => text === json)).toHaveLength(1);
    expect(settings.issue.assumptions).toMatchObject({ powerPriceUsdPerKwh: 0.045 });
    expect(settings.issue.assumptions).toBe(env.HASHBRIEF_ASSUMPTIONS_JSON);
    expect(settings.report.assumptions).toBe(settings.issue.assumptions);
    expect(settings.alerts.assumptions).toBe(settings.issue.assumptions);
  });
});
