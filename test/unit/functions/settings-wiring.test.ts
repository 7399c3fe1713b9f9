/**
 * The report and alerts Lambdas take their run settings from the one mapping (settingsFromEnv) and parse
 * HASHBRIEF_ASSUMPTIONS_JSON once per cold start (issue 16, item 2). The jobs themselves are replaced by
 * recorders: what is checked is what the handler hands them.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadEnv } from '../../../src/config/env';
import { settingsFromEnv } from '../../../src/config/settings';

const runReportJob = vi.fn();
const runAlertJob = vi.fn();
vi.mock('../../../src/pipeline/report-job', () => ({ runReportJob }));
vi.mock('../../../src/alerts/alert-job', () => ({ runAlertJob }));

const ASSUMPTIONS_JSON = '{"powerPriceUsdPerKwh":0.051}';
const ENV = {
  HASHBRIEF_ARCHIVE_BUCKET: 'hashbrief-wiring',
  HASHBRIEF_SEND_QUEUE_URL: 'http://127.0.0.1:1/000000000000/send',
  HASHBRIEF_LINKS_BASE_URL: 'https://links.example.org',
  HASHBRIEF_PUBLIC_BASE_URL: 'https://archive.example.org',
  HASHBRIEF_TOKEN_SECRET: 'wiring-secret-0123456789',
  HASHBRIEF_POSTAL_ADDRESS: 'hashbrief, 1 Test Street',
  HASHBRIEF_COINMETRICS_URL: 'http://127.0.0.1:9001/coinmetrics/v4',
  HASHBRIEF_MEMPOOL_URL: 'http://127.0.0.1:9002/mempool/api',
  HASHBRIEF_HTTP_TIMEOUT_MS: '4000',
  HASHBRIEF_FETCH_BUDGET_MS: '30000',
  HASHBRIEF_HTTP_RETRIES: '2',
  HASHBRIEF_RECIPIENTS_PER_MESSAGE: '7',
  HASHBRIEF_ASSUMPTIONS_JSON: ASSUMPTIONS_JSON,
  HASHBRIEF_ALERT_COOLDOWN_DAYS: '{"hashprice-low":2}',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
};

beforeEach(() => {
  for (const [name, value] of Object.entries(ENV)) vi.stubEnv(name, value);
  vi.resetModules();
  runReportJob.mockReset();
  runAlertJob.mockReset();
});

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

/** Imports a handler afresh (a cold start), counting how often the assumptions JSON is parsed. */
async function coldStart<T>(load: () => Promise<T>): Promise<{ module: T; assumptionParses: number }> {
  const parse = vi.spyOn(JSON, 'parse');
  const module = await load();
  const assumptionParses = parse.mock.calls.filter(([text]) => text === ASSUMPTIONS_JSON).length;
  parse.mockRestore();
  return { module, assumptionParses };
}

describe('report Lambda settings', () => {
  it('hands the job the report settings of settingsFromEnv, the assumptions parsed once', async () => {
    // Arrange
    runReportJob.mockResolvedValue({ issueId: '2025-11-22', status: 'dry-run', delivery: {}, warnings: [] });
    const { module, assumptionParses } = await coldStart(() => import('../../../functions/report'));
    // Act
    await module.handler({ dryRun: true });
    await module.handler({ dryRun: true });
    // Assert
    expect(assumptionParses).toBe(1);
    const expected = settingsFromEnv(loadEnv(ENV)).report;
    expect(runReportJob).toHaveBeenCalledTimes(2);
    expect(runReportJob.mock.calls[0]?.[2]).toEqual(expected);
    expect(runReportJob.mock.calls[1]?.[2]).toBe(runReportJob.mock.calls[0]?.[2]);
  });
});

describe('alerts Lambda settings', () => {
  it('hands the job the alert settings of settingsFromEnv, the assumptions parsed once', async () => {
    // Arrange
    runAlertJob.mockResolvedValue({ asOf: '2025-11-22', status: 'no-alerts', editions: [], suppressed: [] });
    const { module, assumptionParses } = await coldStart(() => import('../../../functions/alerts'));
    // Act
    await module.handler({});
    // Assert
    expect(assumptionParses).toBe(1);
    expect(runAlertJob.mock.calls[0]?.[2]).toEqual(settingsFromEnv(loadEnv(ENV)).alerts);
  });
});
