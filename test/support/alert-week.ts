/**
 * A week of upstream data as it looked day by day: one synthetic history (its tail a bear market with
 * record-low hashprices), served up to the day before the clock's day, with the week's pool shares set per
 * day. Tests move the clock; the emulator answers as the upstreams would have that day.
 */

import { addDays, utcDay } from '../../src/days';
import type { Dataset } from '../../src/emulator/dataset';
import { deriveMempoolState } from '../../src/emulator/mempool-state';
import { POOL_PROFILES, type PoolProfile } from '../../src/emulator/pools';
import { SAMPLE_HEIGHT_BEFORE } from '../../src/emulator/sample-data';
import { createEmulatorFetch } from '../../src/emulator/server';
import type { Clock, Fetch } from '../../src/ports';
import { liveLikeDataset } from './datasets';

/** Pool shares with the two largest set to `first` and `second` (0..1) and the rest scaled to fill. */
export function poolShares(first: number, second: number): PoolProfile[] {
  const [a, b, ...rest] = POOL_PROFILES;
  if (!a || !b) throw new Error('need two pools');
  const restSum = rest.reduce((s, p) => s + p.share, 0);
  const scale = (1 - first - second) / restSum;
  return [
    { ...a, share: first },
    { ...b, share: second },
    ...rest.map((p) => ({ ...p, share: p.share * scale })),
  ];
}

/**
 * A fetch over the emulator that serves `full` cut to the day before the clock's day, with the pools of
 * `poolsOn(asOf)` when given.
 */
export function dayByDayFetch(options: {
  full: Dataset;
  clock: Clock;
  baseUrl: string;
  poolsOn?: (asOf: string) => readonly PoolProfile[] | undefined;
}): Fetch {
  const cache = new Map<string, Fetch>();
  return (url, init) => {
    const asOf = addDays(utcDay(options.clock()), -1);
    let fetch = cache.get(asOf);
    if (!fetch) {
      const rows = options.full.coinMetricsRows.filter((r) => r.time.slice(0, 10) <= asOf);
      const state = deriveMempoolState(rows, { heightBefore: SAMPLE_HEIGHT_BEFORE });
      const pools = options.poolsOn?.(asOf);
      const dataset: Dataset = {
        ...options.full,
        coinMetricsRows: rows,
        mempool: state && pools ? { ...state, pools } : state,
      };
      fetch = createEmulatorFetch({ dataset, baseUrl: options.baseUrl });
      cache.set(asOf, fetch);
    }
    return fetch(url, init);
  };
}

/** The synthetic history the alert week is cut from (its last days set record-low hashprices). */
export function alertWeekHistory(endDate: string): Dataset {
  return liveLikeDataset({ endDate });
}
