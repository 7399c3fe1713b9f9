import { describe, expect, it } from 'vitest';
import { recordedBaseUrls, requestedAsOf } from '../../../src/pipeline/replay-snapshot';
import type { RecordedResponse } from '../../../src/sources/recording';

function recording(source: RecordedResponse['source'], url: string): RecordedResponse {
  return {
    source,
    name: 'x',
    url,
    fetchedAt: '2026-11-24T07:00:00.000Z',
    status: 200,
    headers: {},
    body: '{}',
  };
}

describe('replay helpers', () => {
  it('recovers both upstream base URLs from the recorded requests', () => {
    const urls = recordedBaseUrls([
      recording('coinmetrics', 'https://community-api.coinmetrics.io/v4/timeseries/asset-metrics?assets=btc'),
      recording('mempool', 'https://mempool.space/api/blocks/tip/height'),
      recording('mempool', 'https://mempool.space/api/v1/mining/pools/1w'),
    ]);

    expect(urls).toEqual({
      coinMetricsUrl: 'https://community-api.coinmetrics.io/v4',
      mempoolUrl: 'https://mempool.space/api',
    });
  });

  it('leaves out a source the recording does not hold, so the configured URL stays', () => {
    const urls = recordedBaseUrls([recording('mempool', 'http://127.0.0.1:9/mempool/api/v1/prices')]);

    expect(urls).toEqual({ mempoolUrl: 'http://127.0.0.1:9/mempool/api' });
    expect('coinMetricsUrl' in urls).toBe(false);
  });

  it('repeats the as-of day only when the original report asked for one', () => {
    const base = 'https://community-api.coinmetrics.io/v4/timeseries/asset-metrics?assets=btc';

    expect(requestedAsOf([recording('coinmetrics', `${base}&end_time=2024-04-19`)])).toBe('2024-04-19');
    expect(requestedAsOf([recording('coinmetrics', base)])).toBeUndefined();
  });
});
