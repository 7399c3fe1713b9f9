/**
 * What the emulator serves: daily Coin Metrics rows plus the mempool.space state derived from them, or a
 * recording's responses verbatim. Built from the bundled sample generator, a community CSV, or a folder
 * written by `hashbrief report --record`.
 */
import type { CoinMetricsColumn } from '../contracts/report-inputs';
import { deriveMempoolState, type MempoolState } from './mempool-state';
import { generateSampleRows, SAMPLE_HEIGHT_BEFORE } from './sample-data';

export type { MempoolState } from './mempool-state';

/** One recorded upstream exchange, served verbatim when a request matches its path and query. */
export interface RecordedExchange {
  upstream: 'coinmetrics' | 'mempool';
  /** Path under the upstream's base, e.g. `/timeseries/asset-metrics` or `/v1/mining/pools/1w`. */
  route: string;
  /** Query parameters, order-insensitive key (see `queryKey`). */
  query: string;
  status: number;
  contentType: string | undefined;
  retryAfter: string | undefined;
  body: string;
}

/** Everything the emulator serves. */
export interface Dataset {
  /** 'sample (synthetic)' | 'csv:<file>' | 'recording:<dir>' */
  label: string;
  /** True for the bundled synthetic data. */
  sample: boolean;
  /** Ascending by time; values are decimal strings exactly as they would be served (missing key = no value). */
  coinMetricsRows: { time: string; values: Partial<Record<CoinMetricsColumn, string>> }[];
  /** Present-day mempool state as of the dataset's last day; null when the dataset has none. */
  mempool: MempoolState | null;
  /**
   * Only for recordings: responses served verbatim by path + query. A Coin Metrics request that misses
   * falls back to `coinMetricsRows` (collected from the recorded pages); a mempool miss is a 404.
   */
  recordings?: readonly RecordedExchange[];
}

/** The label every sample dataset carries, so no output can mistake it for live data. */
export const SAMPLE_LABEL = 'sample (synthetic)';

/**
 * The bundled synthetic dataset from 2016-01-01 to `endDate` (see sample-data.ts for the model).
 * Deterministic for a given (endDate, seed); fast enough to build on every CLI start.
 */
export function sampleDataset(options: { endDate: string; seed?: number }): Dataset {
  const rows = generateSampleRows(options);
  return {
    label: SAMPLE_LABEL,
    sample: true,
    coinMetricsRows: rows,
    mempool: deriveMempoolState(rows, { heightBefore: SAMPLE_HEIGHT_BEFORE }),
  };
}

export { datasetFromCsv } from './csv-dataset';
export { DatasetError } from './errors';
export { datasetFromRecording, queryKey } from './recording-dataset';
