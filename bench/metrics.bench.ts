/**
 * Metrics engine: every metric for every week of the full daily history (~850 weekly reports from the
 * Coin Metrics CSV when ../shared/data is present, else a synthetic 6000-day series). Reports the
 * one-off precompute, ms per report with the shared precomputed history, and the same reports
 * recomputed naively from scratch (history rebuilt over the days ≤ as-of for every report, i.e. a scan
 * of all history per report) as the baseline that would make a back-fill quadratic.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import {
  COIN_METRICS_COLUMNS,
  type DailySeries,
  type PoolsWeek,
  type ReportInputs,
  type SourceOutcome,
} from '../src/contracts/report-inputs';
import { defaultAssumptions } from '../src/metrics/assumptions';
import { createMetricsHistory } from '../src/metrics/history';
import { buildSnapshot } from '../src/metrics/snapshot';
import { type BenchSection, peakRssMb, timeIt } from './harness';

const here = path.dirname(fileURLToPath(import.meta.url));
const csvPath = path.resolve(here, '../../shared/data/coinmetrics/btc.csv');

function emptySeries(): DailySeries {
  const values = {} as DailySeries['values'];
  const raw = {} as DailySeries['raw'];
  for (const c of COIN_METRICS_COLUMNS) {
    values[c] = [];
    raw[c] = [];
  }
  return { dates: [], values, raw };
}

function loadCsv(text: string): DailySeries {
  const lines = text.trim().split('\n');
  const header = (lines[0] ?? '').split(',');
  const s = emptySeries();
  for (const line of lines.slice(1)) {
    const cells = line.split(',');
    s.dates.push(cells[0] as string);
    for (const c of COIN_METRICS_COLUMNS) {
      const cell = cells[header.indexOf(c)] ?? '';
      s.raw[c].push(cell === '' ? null : cell);
      s.values[c].push(cell === '' ? null : Number(cell));
    }
  }
  return s;
}

/** A deterministic 6000-day series with trends, cycles and the odd missing day. */
function synthetic(days: number): DailySeries {
  const s = emptySeries();
  const start = Date.parse('2009-06-01T00:00:00Z');
  for (let i = 0; i < days; i++) {
    s.dates.push(new Date(start + i * 86_400_000).toISOString().slice(0, 10));
    const price = 0.1 * Math.exp(i / 500) * (1 + 0.3 * Math.sin(i / 200));
    const hashrate = 1e-3 * Math.exp(i / 420) * (1 + 0.05 * Math.sin(i / 30));
    const blocks = 144 + Math.round(10 * Math.sin(i * 1.7));
    const subsidy = 50 / 2 ** Math.floor(i / 1460);
    const row: Record<string, number | null> = {
      PriceUSD: price,
      CapMrktCurUSD: price * 19e6,
      HashRate: i % 997 === 5 ? null : hashrate,
      BlkCnt: blocks,
      IssTotNtv: blocks * subsidy,
      FeeTotNtv: blocks * 0.02,
      IssTotUSD: blocks * subsidy * price,
      SplyCur: 19e6,
      TxCnt: 300_000,
      AdrActCnt: 700_000,
    };
    for (const c of COIN_METRICS_COLUMNS) {
      const v = row[c] ?? null;
      s.values[c].push(v);
      s.raw[c].push(v === null ? null : String(v));
    }
  }
  return s;
}

function outcome<T>(value: T): SourceOutcome<T> {
  return { status: 'ok', value, url: 'bench', fetchedAt: '2026-01-01T00:00:00Z', attempts: 1, warnings: [] };
}

const pools: PoolsWeek = {
  pools: [
    { name: 'Foundry USA', slug: 'foundryusa', link: '', blockCount: 300 },
    { name: 'AntPool', slug: 'antpool', link: '', blockCount: 200 },
    { name: 'Unknown', slug: 'unknown', link: '', blockCount: 508 },
  ],
  blockCount: 1008,
  lastEstimatedHashrate1w: null,
};

function inputs(series: DailySeries, asOf: string): ReportInputs {
  const skip = { status: 'skipped', reason: 'bench', url: 'bench' } as const;
  return {
    asOf,
    sample: false,
    coinMetrics: outcome(series),
    pools: outcome(pools),
    difficultyAdjustment: skip,
    hashrateHistory: skip,
    tipHeight: outcome(900_000),
    rewardStats: skip,
    price: skip,
  };
}

function cut(series: DailySeries, last: number): DailySeries {
  const s = emptySeries();
  s.dates = series.dates.slice(0, last + 1);
  for (const c of COIN_METRICS_COLUMNS) {
    s.values[c] = series.values[c].slice(0, last + 1);
    s.raw[c] = series.raw[c].slice(0, last + 1);
  }
  return s;
}

export async function run(): Promise<BenchSection> {
  const fromCsv = existsSync(csvPath);
  const series = fromCsv ? loadCsv(readFileSync(csvPath, 'utf8')) : synthetic(6000);
  const assumptions = defaultAssumptions();
  const weekly: number[] = [];
  for (let i = series.dates.length - 1; i >= 6; i -= 7) weekly.push(i);
  weekly.reverse();

  const precompute = await timeIt(() => createMetricsHistory(series), { iterations: 10, warmup: 2 });
  const history = createMetricsHistory(series);
  const context = (asOf: string) => ({ issueId: asOf, generatedAt: '2026-01-01T00:00:00Z', history });

  // Fast path: one shared precomputed history, every weekly report.
  for (const i of weekly.slice(-20))
    buildSnapshot(inputs(series, series.dates[i] as string), assumptions, context('w'));
  const t0 = performance.now();
  for (const i of weekly) {
    const asOf = series.dates[i] as string;
    buildSnapshot(inputs(series, asOf), assumptions, context(asOf));
  }
  const fastMs = (performance.now() - t0) / weekly.length;

  // Naive baseline: every report recomputes its history from scratch over the days up to as-of. Sampled
  // (every 8th week, spread over all of history) to keep the run short; the mean per report is what counts.
  const sample = weekly.filter((_, k) => k % 8 === 0);
  const t1 = performance.now();
  for (const i of sample) {
    const asOf = series.dates[i] as string;
    buildSnapshot(inputs(cut(series, i), asOf), assumptions, {
      issueId: asOf,
      generatedAt: '2026-01-01T00:00:00Z',
    });
  }
  const naiveMs = (performance.now() - t1) / sample.length;

  return {
    title: `Metrics engine (${fromCsv ? 'Coin Metrics CSV' : 'synthetic series'}, ${series.dates.length} days, ${weekly.length} weekly reports)`,
    rows: [
      { name: 'one-off precompute (createMetricsHistory)', value: precompute.medianMs, unit: 'ms' },
      {
        name: 'buildSnapshot per weekly report (shared history)',
        value: fastMs,
        unit: 'ms',
        baseline: { name: 'naive per-report recomputation', value: naiveMs },
        ratio: naiveMs / fastMs,
        ratioLabel: 'faster',
        target: '< 10 ms',
        pass: fastMs < 10,
      },
      {
        name: 'all weekly reports (precompute + reports)',
        value: precompute.medianMs + fastMs * weekly.length,
        unit: 'ms',
      },
      { name: 'peak RSS', value: peakRssMb(), unit: 'MB' },
    ],
    notes: [
      'Per report includes the chart series (one row per day up to as-of, inherently O(days)) and snapshot validation.',
      `Naive baseline sampled on ${sample.length} of ${weekly.length} weeks across all of history.`,
    ],
  };
}
