/**
 * Datasets from a Coin Metrics community CSV (the `csv/btc.csv` format of coinmetrics/data): one row per
 * UTC day, `time` first, empty field = no value. Field strings are kept byte for byte, so what the emulator
 * serves is exactly what the file holds.
 */
import { readFile } from 'node:fs/promises';
import { COIN_METRICS_COLUMNS, type CoinMetricsColumn } from '../contracts/report-inputs';
import { isIsoDay } from '../days';
import type { Dataset } from './dataset';
import { DatasetError } from './errors';
import { deriveMempoolState } from './mempool-state';

const KNOWN = new Set<string>(COIN_METRICS_COLUMNS);
const isColumn = (name: string): name is CoinMetricsColumn => KNOWN.has(name);

/** Parses CSV text into ascending rows; `source` names the file in errors. */
export function parseCoinMetricsCsv(text: string, source: string): Dataset['coinMetricsRows'] {
  const lines = text.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  const header = (lines[0] ?? '').split(',');
  if (header[0] !== 'time') {
    throw new DatasetError(
      `${source}: not a Coin Metrics CSV (first column must be "time", got "${header[0]}")`,
    );
  }
  const columns = header.map((name) => (isColumn(name) ? name : null));
  if (!columns.some((c) => c !== null)) {
    throw new DatasetError(
      `${source}: no known Coin Metrics column (expected some of ${COIN_METRICS_COLUMNS.join(', ')})`,
    );
  }
  const rows: Dataset['coinMetricsRows'] = [];
  for (let lineNo = 1; lineNo < lines.length; lineNo++) {
    const line = lines[lineNo] ?? '';
    if (line === '') continue;
    const fields = line.split(',');
    const time = fields[0] ?? '';
    if (!isIsoDay(time)) throw new DatasetError(`${source}:${lineNo + 1}: bad day "${time}"`);
    const previous = rows.at(-1);
    if (previous && previous.time >= time) {
      throw new DatasetError(`${source}:${lineNo + 1}: days must ascend (${time} after ${previous.time})`);
    }
    const values: Partial<Record<CoinMetricsColumn, string>> = {};
    for (let c = 1; c < fields.length; c++) {
      const column = columns[c];
      const field = fields[c];
      if (column && field !== undefined && field !== '') values[column] = field;
    }
    rows.push({ time, values });
  }
  if (rows.length === 0) throw new DatasetError(`${source}: no data rows`);
  return rows;
}

/** Reads a Coin Metrics community CSV file; the mempool state is derived from its rows. */
export async function datasetFromCsv(file: string): Promise<Dataset> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new DatasetError(`cannot read CSV ${file}`, { cause: error });
  }
  const rows = parseCoinMetricsCsv(text, file);
  return { label: `csv:${file}`, sample: false, coinMetricsRows: rows, mempool: deriveMempoolState(rows) };
}
