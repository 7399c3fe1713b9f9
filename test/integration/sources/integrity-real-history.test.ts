/**
 * The integrity bounds against real history: every day of the shared Coin Metrics CSV (2009-01-03 …) is
 * judged on Coin Metrics' word alone (no mempool witness, the strictest case). No real day since 2011 may
 * be held or flagged; what is found before 2011 is printed. Then the largest real moves go through the
 * emulator (mempool derived from the same file) as as-of days and must be published.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DailySeries } from '../../../src/contracts/report-inputs';
import { addDays } from '../../../src/days';
import { parseCoinMetricsCsv } from '../../../src/emulator/csv-dataset';
import { datasetFromCsv } from '../../../src/emulator/dataset';
import { type RunningEmulator, startEmulator } from '../../../src/emulator/server';
import { realSleep, silentReporter } from '../../../src/ports';
import { fetchReportInputs } from '../../../src/sources/inputs';
import { judgeSeries } from '../../../src/sources/integrity';
import { buildDailySeries } from '../../../src/sources/series';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const CSV = path.resolve(repoRoot, '../shared/data/coinmetrics/btc.csv');
const hasCsv = existsSync(CSV);
if (!hasCsv) console.warn(`real-history integrity test skipped: ${CSV} is absent (CI provides it)`);

const SINCE = '2011-01-01';
const lastDayOfCsv = (): string => readFileSync(CSV, 'utf8').trimEnd().split('\n').at(-1)?.slice(0, 10) ?? '';

describe('integrity rule on every real day', () => {
  let series: DailySeries | undefined;
  let flags: string[] = [];

  beforeAll(() => {
    if (!hasCsv) return;
    const rows = parseCoinMetricsCsv(readFileSync(CSV, 'utf8'), CSV).map((row) => ({
      day: row.time,
      values: row.values,
    }));
    ({ series, warnings: flags } = buildDailySeries(rows));
  });

  it.runIf(hasCsv)('flags no real day as implausible data (zero hashrate, no blocks, negatives)', () => {
    expect(flags).toEqual([]);
  });

  it.runIf(hasCsv)(`holds no real day since ${SINCE}, even with no mempool witness at all`, () => {
    if (!series) throw new Error('series not loaded');
    const { conflicts } = judgeSeries(series, 0, series.dates.length - 1);
    const early = conflicts.filter((c) => c.day < SINCE);
    console.log(
      `real history: ${series.dates.length} days judged; ${early.length} held before ${SINCE} on Coin Metrics' word alone:\n${early.map((c) => `  ${c.message}`).join('\n')}`,
    );
    expect(conflicts.filter((c) => c.day >= SINCE)).toEqual([]);
    // Every early finding is from the thin first years (a handful of blocks a day, the first prices).
    expect(early.every((c) => c.day < '2010-12-31')).toBe(true);
  });
});

describe('the largest real moves as as-of days, through the emulator', () => {
  let emulator: RunningEmulator | undefined;

  beforeAll(async () => {
    if (hasCsv) emulator = await startEmulator({ dataset: await datasetFromCsv(CSV) });
  });
  afterAll(async () => {
    await emulator?.close();
  });

  it.runIf(hasCsv).each([
    ['2020-03-12', 'price −38 %'],
    ['2013-04-11', 'price −49 %, the largest fall'],
    ['2011-05-10', 'price +49 %'],
    ['2021-06-27', 'the fewest blocks since 2011 (58)'],
    ['2017-10-29', 'hashrate ×1.81'],
    ['2010-07-12', "hashrate ×3.68, beyond the bound: only mempool's hashrate can confirm it"],
  ])('%s (%s) is published', async (asOf) => {
    if (!emulator) throw new Error('emulator not started');
    const { inputs, integrity } = await fetchReportInputs(
      {
        fetch: (url, init) => fetch(url, init),
        // "Now" is the morning after the file's last day, as for the emulator's mempool.
        clock: () => new Date(`${addDays(lastDayOfCsv(), 1)}T08:00:00Z`),
        sleep: realSleep,
        random: Math.random,
        reporter: silentReporter,
      },
      { coinMetricsUrl: emulator.coinMetricsUrl, mempoolUrl: emulator.mempoolUrl, asOf },
    );

    expect(inputs.coinMetrics.status).toBe('ok');
    expect(integrity.conflicts).toEqual([]);
    if (asOf === '2010-07-12') {
      expect(integrity.notes).toEqual([expect.stringContaining("confirmed by mempool's hashrate")]);
    }
  });
});
