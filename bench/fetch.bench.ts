/**
 * Fetch + parse of the full daily Coin Metrics history from the local emulator (real socket on
 * 127.0.0.1): time per full fetch, pages, the peak RSS of a client process doing only that (bundled, plain
 * node), and the cost against a bare JSON.parse of the same bytes.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Dataset, datasetFromCsv, sampleDataset } from '../src/emulator/dataset';
import { startEmulator } from '../src/emulator/server';
import { realSleep, silentReporter, systemClock } from '../src/ports';
import { coinMetricsFirstUrl, fetchCoinMetricsSeries } from '../src/sources/coinmetrics';
import { joinCoinMetricsPages, parseCoinMetricsPage } from '../src/sources/coinmetrics-parse';
import { createHttpClient } from '../src/sources/http';
import { buildDailySeries } from '../src/sources/series';
import { type BenchSection, runBundledProbe, timeIt } from './harness';

const here = path.dirname(fileURLToPath(import.meta.url));
const REAL_CSV = path.resolve(here, '../../shared/data/coinmetrics/btc.csv');

const src = (p: string) => JSON.stringify(path.resolve(here, '..', p));

/** A client process that does nothing but fetch and parse the full history (its peak RSS is the figure). */
const FETCH_PROBE = `
import { fetchCoinMetricsSeries } from ${src('src/sources/coinmetrics.ts')};
import { createHttpClient } from ${src('src/sources/http.ts')};
import { realSleep, silentReporter, systemClock } from ${src('src/ports.ts')};
const http = createHttpClient({ fetch: (u, i) => fetch(u, i), clock: systemClock, sleep: realSleep, random: Math.random, reporter: silentReporter });
const result = await fetchCoinMetricsSeries(http, { baseUrl: process.env.PROBE_COINMETRICS_URL, reporter: silentReporter });
console.log(JSON.stringify({ days: result.series.dates.length }));
`;
const IDLE_PROBE = 'console.log(JSON.stringify({}));\n';

/** Peak RSS (each child's own VmHWM) of a fresh client process fetching the full history, and of an idle one. */
async function fetchProcessRss(coinMetricsUrl: string): Promise<{ fetching: number; idle: number }> {
  await mkdir(path.resolve(here, '../out/bench'), { recursive: true });
  // Under the project so the probe's imports resolve from node_modules.
  const dir = await mkdtemp(path.resolve(here, '../out/bench/fetch-'));
  try {
    await writeFile(path.join(dir, 'fetch.ts'), FETCH_PROBE);
    await writeFile(path.join(dir, 'idle.ts'), IDLE_PROBE);
    const fetching = await runBundledProbe(path.join(dir, 'fetch.ts'), {
      PROBE_COINMETRICS_URL: coinMetricsUrl,
    });
    const idle = await runBundledProbe(path.join(dir, 'idle.ts'));
    return { fetching: fetching.peakRssMb, idle: idle.peakRssMb };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

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
    const rss = await fetchProcessRss(emulator.coinMetricsUrl);
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
        {
          name: 'peak RSS of a client process fetching + parsing the full history',
          value: rss.fetching,
          unit: 'MB',
          baseline: { name: 'idle node process', value: rss.idle },
          ratio: rss.fetching / rss.idle,
          ratioLabel: 'of idle',
          target: '< 256 MB (the report Lambda budget)',
          pass: rss.fetching < 256,
        },
      ],
      notes: [`dataset: ${dataset.label}; ${sample.warnings.length} warning(s) while parsing`],
    };
  } finally {
    await emulator.close();
  }
}
