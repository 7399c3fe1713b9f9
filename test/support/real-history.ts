/**
 * Real history for word tests: the Coin Metrics CSV from ../shared/data (read at run time, never copied
 * into the repo), naive recomputations straight from its columns (independent of src/metrics), and
 * "live" inputs for a past day: the emulator serving the data cut at that day, fetched through the real
 * sources stage, as if the report had run that week.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DailySeries, ReportInputs } from '../../src/contracts/report-inputs';
import { parseCoinMetricsCsv } from '../../src/emulator/csv-dataset';
import type { Dataset } from '../../src/emulator/dataset';
import { deriveMempoolState } from '../../src/emulator/mempool-state';
import { createEmulatorFetch } from '../../src/emulator/server';
import { realSleep, silentReporter } from '../../src/ports';
import { fetchReportInputs } from '../../src/sources/inputs';
import { MONTHS } from '../../src/text/dates';
import { seriesFromCsv } from '../fixtures/metrics/builders';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const REAL_CSV = path.resolve(repoRoot, '../shared/data/coinmetrics/btc.csv');
export const realDataPresent = existsSync(REAL_CSV);

/** Says once, in the test output, why real-data tests are skipped. */
export function noteIfAbsent(what: string): void {
  if (!realDataPresent)
    console.warn(`${what} skipped: ${REAL_CSV} not found (it ships beside the repo in CI)`);
}

let cachedText: string | null = null;
function csvText(): string {
  cachedText ??= readFileSync(REAL_CSV, 'utf8');
  return cachedText;
}

/** The whole CSV as a DailySeries (plain Number() parsing). */
export function realSeries(): DailySeries {
  return seriesFromCsv(csvText());
}

/** Naive figures from the raw columns, by day index, for checking words against. */
export class NaiveHistory {
  constructor(readonly s: DailySeries) {}
  index(day: string): number {
    return this.s.dates.indexOf(day);
  }
  private v(col: keyof DailySeries['values'], i: number): number | null {
    return this.s.values[col][i] ?? null;
  }
  price(i: number): number | null {
    return this.v('PriceUSD', i);
  }
  /** Σ RevUSD ÷ Σ PH/s over the 7 days ending i. */
  hashprice7d(i: number): number | null {
    let usd = 0;
    let ph = 0;
    for (let k = i - 6; k <= i; k++) {
      const iss = this.v('IssTotNtv', k);
      const fee = this.v('FeeTotNtv', k);
      const p = this.v('PriceUSD', k);
      const hr = this.v('HashRate', k);
      if (iss === null || fee === null || p === null || hr === null) return null;
      usd += (iss + fee) * p;
      ph += hr / 1000;
    }
    return ph > 0 ? usd / ph : null;
  }
  hashrateEhs7d(i: number): number | null {
    let sum = 0;
    for (let k = i - 6; k <= i; k++) {
      const hr = this.v('HashRate', k);
      if (hr === null) return null;
      sum += hr;
    }
    return sum / 7 / 1e6;
  }
  /** The day's mean difficulty from HashRate = BlkCnt ÷ 144 × D × 2³² ÷ 10¹² ÷ 600. */
  difficulty(i: number): number | null {
    const hr = this.v('HashRate', i);
    const b = this.v('BlkCnt', i);
    return hr === null || b === null || b === 0 || hr === 0 ? null : (hr * 1e12 * 600 * 144) / (b * 2 ** 32);
  }
  feeSharePct(i: number): number | null {
    const iss = this.v('IssTotNtv', i);
    const fee = this.v('FeeTotNtv', i);
    return iss === null || fee === null || iss + fee === 0 ? null : (fee / (iss + fee)) * 100;
  }
}

/** `20 April 2024` → `2024-04-20`. */
export function parseLongDate(text: string): string {
  const [d, month, y] = text.split(' ');
  const m = MONTHS.indexOf((month ?? '') as (typeof MONTHS)[number]) + 1;
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/**
 * The inputs a report would have fetched on the morning after `asOf`: the emulator serves the CSV cut at
 * that day (Coin Metrics and the mempool state derived from it), through the real HTTP client and parsers.
 */
export async function liveInputsAt(asOf: string): Promise<ReportInputs> {
  const rows = parseCoinMetricsCsv(csvText(), REAL_CSV).filter((r) => r.time <= asOf);
  const dataset: Dataset = {
    label: `csv cut at ${asOf}`,
    sample: false,
    coinMetricsRows: rows,
    mempool: deriveMempoolState(rows),
  };
  const base = 'http://127.0.0.1:1';
  const { inputs } = await fetchReportInputs(
    {
      fetch: createEmulatorFetch({ dataset, baseUrl: base }),
      clock: () => new Date(Date.parse(`${asOf}T00:00:00Z`) + 30 * 3_600_000),
      sleep: realSleep,
      random: () => 0.5,
      reporter: silentReporter,
    },
    { coinMetricsUrl: `${base}/coinmetrics/v4`, mempoolUrl: `${base}/mempool/api`, sample: false },
  );
  return inputs;
}
