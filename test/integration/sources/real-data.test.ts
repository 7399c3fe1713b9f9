/**
 * Real data: the shared Coin Metrics community CSV served through the emulator must come back from
 * ingestion exactly: every day, every value string, empty field = null.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COIN_METRICS_COLUMNS, type DailySeries } from '../../../src/contracts/report-inputs';
import { datasetFromCsv } from '../../../src/emulator/dataset';
import { type RunningEmulator, startEmulator } from '../../../src/emulator/server';
import { realSleep, silentReporter } from '../../../src/ports';
import { fetchReportInputs } from '../../../src/sources/inputs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const CSV = path.resolve(repoRoot, '../shared/data/coinmetrics/btc.csv');
const hasCsv = existsSync(CSV);
if (!hasCsv) console.warn(`real-data test skipped: ${CSV} is absent (CI provides it)`);

describe('real Coin Metrics CSV through the emulator', () => {
  let emulator: RunningEmulator | undefined;
  let series: DailySeries | undefined;
  let warnings: string[] = [];

  beforeAll(async () => {
    if (!hasCsv) return;
    emulator = await startEmulator({ dataset: await datasetFromCsv(CSV) });
    const lines = readFileSync(CSV, 'utf8').trimEnd().split('\n');
    const lastDay = lines.at(-1)?.slice(0, 10) ?? '';
    // "Now" is the morning after the file's last day, so that day is the last complete one.
    const now = new Date(`${lastDay}T00:00:00Z`);
    now.setUTCDate(now.getUTCDate() + 1);
    now.setUTCHours(8);
    const { inputs } = await fetchReportInputs(
      {
        fetch: (url, init) => fetch(url, init),
        clock: () => now,
        sleep: realSleep,
        random: Math.random,
        reporter: silentReporter,
      },
      { coinMetricsUrl: emulator.coinMetricsUrl, mempoolUrl: emulator.mempoolUrl },
    );
    if (inputs.coinMetrics.status !== 'ok')
      throw new Error(`Coin Metrics failed: ${JSON.stringify(inputs.coinMetrics)}`);
    series = inputs.coinMetrics.value;
    warnings = inputs.coinMetrics.warnings;
  });

  afterAll(async () => {
    await emulator?.close();
  });

  it.runIf(hasCsv)('reproduces every row and every value string of the file exactly', () => {
    const [headerLine, ...lines] = readFileSync(CSV, 'utf8').trimEnd().split('\n');
    const header = (headerLine ?? '').split(',');
    expect(series?.dates).toEqual(lines.map((l) => l.slice(0, 10)));
    let checked = 0;
    for (const column of COIN_METRICS_COLUMNS) {
      const index = header.indexOf(column);
      expect(index, `column ${column} in the CSV header`).toBeGreaterThan(0);
      const expected = lines.map((l) => {
        const field = l.split(',')[index] ?? '';
        return field === '' ? null : field;
      });
      expect(series?.raw[column], `raw ${column}`).toEqual(expected);
      checked += expected.length;
    }
    expect(checked).toBe(lines.length * COIN_METRICS_COLUMNS.length);
  });

  it.runIf(hasCsv)('parses every value to a finite number and flags nothing as implausible', () => {
    expect(warnings).toEqual([]);
    for (const column of COIN_METRICS_COLUMNS) {
      series?.raw[column].forEach((text, i) => {
        const value = series?.values[column][i];
        if (text === null) expect(value).toBeNull();
        else expect(Number.isFinite(value)).toBe(true);
      });
    }
  });
});
