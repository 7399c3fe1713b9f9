/**
 * Fetch + parse of the full daily Coin Metrics history from the local emulator (real socket on
 * 127.0.0.1): time per full fetch, pages, peak RSS, and the cost against a bare JSON.parse of the same bytes.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Dataset, datasetFromCsv, sampleDataset } from '../src/emulator/dataset';
import { startEmulator } from '../src/emulator/server';
import { realSleep, silentReporter, systemClock } from '../src/ports';
import { coinMetricsFirstUrl, fetchCoinMetricsSeries } from '../src/sources/coinmetrics';
import { joinCoinMetricsPages, parseCoinMetricsPage } from '../src/sources/coinmetrics-parse';
import { createHttpClient } from '../src/sources/http';
import { buildDailySeries } from '../src/sources/series';
import { type BenchSection, peakRssMb, timeIt } from './harness';

const here = path.dirname(fileURLToPath(import.meta.url));
const REAL_CSV = path.resolve(here, '../../shared/data/coinmetrics/btc.csv');

async function loadDataset(): Promise<Dataset> {
  if (existsSync(REAL_CSV)) return datasetFromCsv(REAL_CSV);
  return sampleDataset({ endDate: '2025-11-22' });
}

export async function run(): Promise<BenchSection> {
  const dataset = await loadDataset();
  const emulator = await startEmulator({ dataset });
  try {
    const fetchOnce = async () => {
      const http = createHttpClient({
        fetch: (url, init) => fetch(url, init),
        clock: systemClock,
        sleep: realSleep,
        random: Math.random,
        reporter: silentReporter,
      });
      return fetchCoinMetricsSeries(http, { baseUrl: emulator.coinMetricsUrl, reporter: silentReporter });
    };
    const sample = await fetchOnce();
    const full = await timeIt(fetchOnce, { iterations: 8, warmup: 2 });

    // The same bytes, parsed bare and through our validation, without the network in between.
    const body = await (await fetch(coinMetricsFirstUrl(emulator.coinMetricsUrl))).text();
    const bare = await timeIt(() => JSON.parse(body), { iterations: 20, warmup: 3 });
    const ours = await timeIt(
      () => buildDailySeries(joinCoinMetricsPages([parseCoinMetricsPage(JSON.parse(body), 0)])),
      { iterations: 20, warmup: 3 },
    );
    const rss = peakRssMb();
    return {
      title: 'Sources: full daily history fetch from the emulator',
      rows: [
        {
          name: `full fetch + parse (${sample.series.dates.length} days, ${sample.pages} page(s))`,
          value: full.medianMs,
          unit: 'ms',
          target: '< 2000 ms',
          pass: full.medianMs < 2000,
        },
        {
          name: 'validate + build series from one page body',
          value: ours.medianMs,
          unit: 'ms',
          baseline: { name: 'bare JSON.parse of the same bytes (ms)', value: bare.medianMs },
          ratio: ours.medianMs / bare.medianMs,
          ratioLabel: 'of JSON.parse',
          target: '≤ 15× JSON.parse',
          pass: ours.medianMs / bare.medianMs <= 15,
        },
        { name: 'response size', value: body.length / 1024, unit: 'KiB' },
        { name: 'peak RSS (process)', value: rss, unit: 'MB', target: '< 400 MB', pass: rss < 400 },
      ],
      notes: [`dataset: ${dataset.label}; ${sample.warnings.length} warning(s) while parsing`],
    };
  } finally {
    await emulator.close();
  }
}
