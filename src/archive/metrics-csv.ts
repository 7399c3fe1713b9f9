/**
 * `metrics.csv`: the daily series behind the charts, one row per day, as a download. RFC 4180 (CRLF,
 * quoted only when needed), units in the column names, empty field for a missing value, numbers as
 * JavaScript prints them (shortest round-trip form, never rounded). Columns: docs/archive.md.
 */
import { stringify } from 'csv-stringify/sync';
import type { ChartRow } from '../snapshot/schema';

/** Column order and header of metrics.csv; the header names carry the units. */
export const METRICS_CSV_COLUMNS: readonly { key: keyof ChartRow; header: string }[] = [
  { key: 'date', header: 'date' },
  { key: 'priceUsd', header: 'price_usd' },
  { key: 'hashrateEhs', header: 'hashrate_ehs' },
  { key: 'hashrateEhs7d', header: 'hashrate_7d_mean_ehs' },
  { key: 'difficulty', header: 'difficulty' },
  { key: 'revenueUsd', header: 'miner_revenue_usd' },
  { key: 'revenueBtc', header: 'miner_revenue_btc' },
  { key: 'feeSharePct', header: 'fee_share_pct' },
  { key: 'hashpriceUsdPerPhDay7d', header: 'hashprice_7d_usd_per_ph_day' },
  { key: 'hashpriceBtcPerPhDay7d', header: 'hashprice_7d_btc_per_ph_day' },
];

/** Renders the rows (in the order given) as metrics.csv, header included even when there are no rows. */
export function metricsCsv(rows: ChartRow[]): string {
  return stringify(
    rows.map((row) => METRICS_CSV_COLUMNS.map(({ key }) => row[key])),
    {
      header: true,
      columns: METRICS_CSV_COLUMNS.map((c) => c.header),
      record_delimiter: '\r\n',
      cast: {
        // String(n) is the shortest text that parses back to the same double: unrounded, no noise.
        number: (value) => String(value),
      },
    },
  );
}
