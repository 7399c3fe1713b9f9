import { describe, expect, it } from 'vitest';
import { metricsCsv } from '../../../src/archive/metrics-csv';
import type { ChartRow } from '../../../src/snapshot/schema';

const row: ChartRow = {
  date: '2026-01-05',
  priceUsd: 97000.123456789,
  hashrateEhs: 812.5,
  hashrateEhs7d: 0.1 + 0.2,
  difficulty: null,
  revenueUsd: 45_000_000,
  revenueBtc: 463.91,
  feeSharePct: 2.5,
  hashpriceUsdPerPhDay7d: 52.123456789012,
  hashpriceBtcPerPhDay7d: 0.000537,
};

describe('metricsCsv', () => {
  it('writes a header with units and CRLF line endings', () => {
    const csv = metricsCsv([row]);
    expect(csv.split('\r\n')[0]).toBe(
      'date,price_usd,hashrate_ehs,hashrate_7d_mean_ehs,difficulty,miner_revenue_usd,miner_revenue_btc,fee_share_pct,hashprice_7d_usd_per_ph_day,hashprice_7d_btc_per_ph_day',
    );
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.replace(/\r\n/g, '')).not.toContain('\n');
  });

  it('keeps numbers unrounded and leaves missing values empty', () => {
    const line = metricsCsv([row]).split('\r\n')[1];
    expect(line).toBe(
      '2026-01-05,97000.123456789,812.5,0.30000000000000004,,45000000,463.91,2.5,52.123456789012,0.000537',
    );
  });

  it('writes only the header for an empty series', () => {
    expect(metricsCsv([]).split('\r\n')).toHaveLength(2);
  });
});
