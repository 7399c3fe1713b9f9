import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MetricsInputError } from '../../../src/metrics/errors';
import { computeHashprice } from '../../../src/metrics/hashprice';
import {
  createMetricsHistory,
  previousLower,
  runningPercentile,
  slidingExtreme,
} from '../../../src/metrics/history';
import { computeMarket } from '../../../src/metrics/market';
import { computeRevenue } from '../../../src/metrics/revenue';
import { type DayRow, seriesFromRows, steadyDay } from '../../fixtures/metrics/builders';

// 10 days from 2026-01-01: 1 EH/s (= 1000 PH/s), 450 BTC subsidy + 10 BTC fees a day, prices below.
const PRICES = [100, 100, 100, 100, 100, 100, 100, 200, 50, 100];
const rows = (): DayRow[] => PRICES.map((p) => steadyDay(p, 1e6, 10));

describe('hashprice week on week, by hand over 15 days', () => {
  // Days 0–14 from 2026-02-01: price $100 + $10 a day, 460 BTC of rewards a day; 1,000 PH/s up to day 7,
  // then 1,250 PH/s from day 8 on.
  const fifteenDays = (): DayRow[] =>
    Array.from({ length: 15 }, (_, day) => steadyDay(100 + 10 * day, day < 8 ? 1e6 : 1.25e6, 10));

  it('compares day 14 with day 7 exactly seven days back, in USD and in BTC', () => {
    // Arrange
    const h = createMetricsHistory(seriesFromRows('2026-02-01', fifteenDays()));
    // Act
    const { metrics } = computeHashprice(h, 14);
    // Assert
    // Day 14, window days 8–14: 460 × (180 + … + 240) = 460 × 1,470 = $676,200 over 7 × 1,250 PH/s
    //   = $77.28 per PH/s per day; 7 × 460 BTC ÷ 8,750 = 0.368 BTC.
    // Day 7, window days 1–7: 460 × (110 + … + 170) = 460 × 980 = $450,800 over 7,000 = $64.40; 0.46 BTC.
    expect(metrics.usdPerPhDay).toBeCloseTo(77.28, 10);
    expect(metrics.btcPerPhDay).toBeCloseTo(0.368, 12);
    // 77.28 ÷ 64.40 = 1.2 and 0.368 ÷ 0.46 = 0.8. (Six days back, day 8's window 2–8 is
    // 460 × 1,050 ÷ 7,250 = $66.62: +16%, which this would catch.)
    expect(metrics.change7dPct).toBeCloseTo(20, 10);
    expect(metrics.btcChange7dPct).toBeCloseTo(-20, 10);
    expect(metrics.drivers?.hashrateChangePct).toBeCloseTo(25, 10);
    expect(metrics.drivers?.btcRevenueChangePct).toBeCloseTo(0, 10);
    // Revenue-weighted price: 1,470 ÷ 7 = $210 against 980 ÷ 7 = $140.
    expect(metrics.drivers?.avgPriceChangePct).toBeCloseTo(50, 10);
  });

  it('has no change until a complete week lies seven days back: none on day 12, the first on day 13', () => {
    const h = createMetricsHistory(seriesFromRows('2026-02-01', fifteenDays()));

    expect(computeHashprice(h, 12).metrics.change7dPct).toBeNull();
    // Day 13, window 7–13: 460 × (170 + … + 230) = 460 × 1,400 = $644,000 over 1,000 + 6 × 1,250 =
    // 8,500 PH/s = $75.7647…; day 6, window 0–6: 460 × 910 ÷ 7,000 = $59.80, so +26.70%.
    expect(computeHashprice(h, 13).metrics.change7dPct).toBeCloseTo(
      (644_000 / 8_500 / (418_600 / 7_000) - 1) * 100,
      10,
    );
  });
});

describe('createMetricsHistory: hashprice', () => {
  it('needs a full 7-day window and computes Σ RevUSD ÷ Σ PH/s', () => {
    const h = createMetricsHistory(seriesFromRows('2026-01-01', rows()));
    // Day 6: 7 × 460 BTC × $100 ÷ (7 × 1000 PH/s) = $46 per PH/s per day.
    expect(h.hashpriceUsdPerPhDay7d.slice(0, 6)).toEqual([null, null, null, null, null, null]);
    expect(h.hashpriceUsdPerPhDay7d[6]).toBeCloseTo(46, 12);
    expect(h.hashpriceBtcPerPhDay7d[6]).toBeCloseTo(0.46, 14);
    // Day 7: 460 × (6 × 100 + 200) ÷ 7000 = 52.571428…
    expect(h.hashpriceUsdPerPhDay7d[7]).toBeCloseTo(368_000 / 7000, 10);
    // Days 8 and 9: 460 × 750 ÷ 7000 = 49.285714…
    expect(h.hashpriceUsdPerPhDay7d[8]).toBeCloseTo(345_000 / 7000, 10);
    expect(h.hashpriceUsdPerPhDay7d[9]).toBeCloseTo(345_000 / 7000, 10);
  });

  it('ranks, dates the previous lower value and flags a record low', () => {
    const h = createMetricsHistory(seriesFromRows('2026-01-01', rows()));
    const at = (i: number) => computeHashprice(h, i).metrics;
    // Values 46, 52.57, 49.29, 49.29 on days 6–9.
    expect(at(6)).toMatchObject({ percentile: 100, recordLow: true, lowestSince: null });
    expect(at(7)).toMatchObject({ percentile: 100, recordLow: false, lowestSince: '2026-01-07' });
    expect(at(8).percentile).toBeCloseTo((2 / 3) * 100, 12);
    expect(at(8).lowestSince).toBe('2026-01-07');
    // Day 9 ties day 8: ties count in the percentile but are not "lower".
    expect(at(9).percentile).toBe(75);
    expect(at(9).lowestSince).toBe('2026-01-07');
    expect(at(9).low52wUsdPerPhDay).toBeCloseTo(46, 12);
    expect(at(9).high52wUsdPerPhDay).toBeCloseTo(368_000 / 7000, 10);
    expect(at(9).change7dPct).toBeNull();
  });

  it('is null with a reason naming the missing column, days and as-of date', () => {
    const r = rows();
    r[8] = { ...r[8], HashRate: null };
    const h = createMetricsHistory(seriesFromRows('2026-01-01', r));
    const { metrics, warnings } = computeHashprice(h, 9);
    expect(metrics.usdPerPhDay).toBeNull();
    expect(metrics.percentile).toBeNull();
    expect(metrics.recordLow).toBeNull();
    expect(warnings).toContain('hashprice unavailable: HashRate missing on 1 of the 7 days up to 2026-01-10');
  });

  it('explains an empty window at the start of history', () => {
    const h = createMetricsHistory(seriesFromRows('2026-01-01', rows()));
    expect(computeHashprice(h, 2).warnings).toEqual([
      'hashprice unavailable: fewer than 7 days of Coin Metrics data up to 2026-01-03',
    ]);
  });

  it('is null, not Infinity, when the window hashrate is zero', () => {
    const h = createMetricsHistory(
      seriesFromRows(
        '2026-01-01',
        PRICES.map((p) => steadyDay(p, 0)),
      ),
    );
    const { metrics, warnings } = computeHashprice(h, 9);
    expect(metrics.usdPerPhDay).toBeNull();
    expect(warnings[0]).toMatch(/zero hashrate/);
  });

  it('scales linearly with revenue', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1, max: 1e5, noNaN: true }), { minLength: 7, maxLength: 7 }),
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        (prices, k) => {
          const base = createMetricsHistory(
            seriesFromRows(
              '2026-01-01',
              prices.map((p) => steadyDay(p, 5e8)),
            ),
          );
          const scaled = createMetricsHistory(
            seriesFromRows(
              '2026-01-01',
              prices.map((p) => ({ ...steadyDay(p, 5e8), IssTotNtv: 450 * k, FeeTotNtv: 10 * k })),
            ),
          );
          const a = base.hashpriceUsdPerPhDay7d[6] as number;
          expect(scaled.hashpriceUsdPerPhDay7d[6]).toBeCloseTo(
            a * k,
            Math.max(0, 8 - Math.ceil(Math.log10(a * k + 1))),
          );
        },
      ),
    );
  });
});

describe('createMetricsHistory: market and revenue', () => {
  it('computes price changes and the drawdown from the all-time high', () => {
    const h = createMetricsHistory(seriesFromRows('2026-01-01', rows()));
    expect(computeMarket(h, 7).metrics.change7dPct).toBeCloseTo(100, 12); // 200 / 100 − 1
    const day8 = computeMarket(h, 8).metrics;
    expect(day8.change7dPct).toBeCloseTo(-50, 12);
    expect(day8.drawdownFromAthPct).toBeCloseTo(-75, 12); // 50 / 200 − 1
    expect(day8.athUsd).toBe(200);
    expect(day8.athDate).toBe('2026-01-08');
    expect(day8.marketCapUsd).toBe(50 * 19_900_000);
    expect(day8.change30dPct).toBeNull();
    expect(computeMarket(h, 8).warnings).toContain(
      'price.change30dPct unavailable: no PriceUSD 30 days before 2026-01-09',
    );
  });

  it('derives revenue from issuance plus fees', () => {
    const h = createMetricsHistory(seriesFromRows('2026-01-01', rows()));
    const { metrics } = computeRevenue(h, 7);
    expect(metrics.usdPerDay7d).toBeCloseTo(368_000 / 7, 9);
    expect(metrics.btcPerDay7d).toBeCloseTo(460, 12);
    expect(metrics.subsidyBtcPerDay7d).toBeCloseTo(450, 12);
    expect(metrics.feesBtcPerDay7d).toBeCloseTo(10, 12);
    expect(metrics.feeSharePct7d).toBeCloseTo((70 / 3220) * 100, 12);
  });

  it('rejects a series with a gap in its dates', () => {
    const s = seriesFromRows('2026-01-01', rows());
    s.dates[3] = '2026-01-05';
    expect(() => createMetricsHistory(s)).toThrow(MetricsInputError);
  });
});

describe('rolling helpers agree with a naive scan', () => {
  const values = fc.array(fc.option(fc.integer({ min: 0, max: 20 }), { nil: null }), { maxLength: 60 });

  it('runningPercentile: share of earlier-or-equal values ≤ today, in [0, 100]', () => {
    fc.assert(
      fc.property(values, (v) => {
        const got = runningPercentile(v);
        v.forEach((x, i) => {
          if (x === null) {
            expect(got[i]).toBeNull();
            return;
          }
          const past = v.slice(0, i + 1).filter((y): y is number => y !== null);
          const expected = (past.filter((y) => y <= x).length / past.length) * 100;
          expect(got[i]).toBeCloseTo(expected, 10);
          expect(got[i]).toBeGreaterThan(0);
          expect(got[i]).toBeLessThanOrEqual(100);
        });
      }),
    );
  });

  it('previousLower: the last earlier index with a strictly lower value', () => {
    fc.assert(
      fc.property(values, (v) => {
        const got = previousLower(v);
        v.forEach((x, i) => {
          let expected = -1;
          if (x !== null)
            for (let k = i - 1; k >= 0 && expected < 0; k--)
              if (v[k] !== null && (v[k] as number) < x) expected = k;
          expect(got[i]).toBe(expected);
        });
      }),
    );
  });

  it('slidingExtreme: min and max over the trailing window', () => {
    fc.assert(
      fc.property(values, fc.integer({ min: 1, max: 10 }), (v, width) => {
        const lo = slidingExtreme(v, width, 1);
        const hi = slidingExtreme(v, width, -1);
        v.forEach((_, i) => {
          const win = v.slice(Math.max(0, i - width + 1), i + 1).filter((y): y is number => y !== null);
          expect(lo[i]).toBe(win.length ? Math.min(...win) : null);
          expect(hi[i]).toBe(win.length ? Math.max(...win) : null);
        });
      }),
    );
  });
});

describe('createMetricsHistory: one day’s own figures', () => {
  // 125 blocks, 450 BTC subsidy + 50 BTC fees at $100, and the HashRate Coin Metrics reports for a mean
  // difficulty of 10¹⁴ over 125 blocks: 125 ÷ 144 × 10¹⁴ × 2³² ÷ 10¹² ÷ 600 TH/s.
  const hashrate = ((125 / 144) * 1e14 * 2 ** 32) / 1e12 / 600;
  const day: DayRow = { ...steadyDay(100, hashrate, 50), BlkCnt: 125 };

  it('splits the day into fee share, fees and subsidy per block, difficulty and spot hashprice', () => {
    const h = createMetricsHistory(seriesFromRows('2026-01-01', [day]));
    expect(h.revenueBtc[0]).toBe(500);
    expect(h.revenueUsd[0]).toBe(50_000);
    expect(h.feeSharePctDaily[0]).toBe(10);
    expect(h.feesPerBlockBtcDaily[0]).toBeCloseTo(0.4, 14);
    expect(h.subsidyPerBlockBtcDaily[0]).toBeCloseTo(3.6, 14);
    expect((h.difficultyMeanDaily[0] as number) / 1e14).toBeCloseTo(1, 12);
    expect(h.hashpriceUsdPerPhDaySpot[0]).toBeCloseTo(50_000 / (hashrate / 1000), 9);
    expect(h.hashpriceBtcPerPhDaySpot[0]).toBeCloseTo(500 / (hashrate / 1000), 14);
  });

  it('has no per-block figures without blocks and no difficulty or spot hashprice without hashrate', () => {
    const h = createMetricsHistory(
      seriesFromRows('2026-01-01', [
        { ...day, BlkCnt: 0 },
        { ...day, HashRate: 0 },
        { ...day, FeeTotNtv: null },
        { ...day, IssTotNtv: null },
      ]),
    );
    expect([h.feesPerBlockBtcDaily[0], h.subsidyPerBlockBtcDaily[0], h.difficultyMeanDaily[0]]).toEqual([
      null,
      null,
      null,
    ]);
    expect(h.feeSharePctDaily[0]).toBe(10);
    expect(h.difficultyMeanDaily[1]).toBeNull();
    expect(h.hashpriceUsdPerPhDaySpot[1]).toBeNull();
    expect(h.subsidyPerBlockBtcDaily[1]).toBeCloseTo(3.6, 14);
    // Without fees: no revenue, share or fees per block; the subsidy per block is still known.
    expect([h.revenueBtc[2], h.feeSharePctDaily[2], h.feesPerBlockBtcDaily[2]]).toEqual([null, null, null]);
    expect(h.subsidyPerBlockBtcDaily[2]).toBeCloseTo(3.6, 14);
    expect(h.feesPerBlockBtcDaily[3]).toBeCloseTo(0.4, 14);
    expect(h.subsidyPerBlockBtcDaily[3]).toBeNull();
  });

  it('has no fee share on a day without any miner revenue', () => {
    const h = createMetricsHistory(seriesFromRows('2026-01-01', [{ ...day, IssTotNtv: 0, FeeTotNtv: 0 }]));
    expect(h.revenueBtc[0]).toBe(0);
    expect(h.feeSharePctDaily[0]).toBeNull();
    expect(h.feesPerBlockBtcDaily[0]).toBe(0);
  });

  it('treats a value that is not a finite number like a missing one', () => {
    const h = createMetricsHistory(
      seriesFromRows('2026-01-01', [
        ...Array.from({ length: 6 }, () => steadyDay(100, 1e6)),
        { ...steadyDay(100, 1e6), HashRate: Number.NaN, PriceUSD: Number.POSITIVE_INFINITY },
      ]),
    );
    expect(h.hashrateEhs7d[6]).toBeNull();
    expect(h.hashpriceUsdPerPhDay7d[6]).toBeNull();
    expect(h.revenueUsd[6]).toBeNull();
    expect(h.missingInWindow(6, ['HashRate', 'PriceUSD', 'BlkCnt'])).toEqual([
      { column: 'HashRate', days: 1 },
      { column: 'PriceUSD', days: 1 },
    ]);
  });
});

describe('createMetricsHistory: weekly figures', () => {
  it('averages hashrate in EH/s, sums blocks and weights the price by each day’s revenue', () => {
    // HashRate 1e8 … 7e8 TH/s (100 … 700 EH/s); day 6 earns 920 BTC (470 in fees) at $200, the others
    // 460 BTC at $100.
    const rows = Array.from({ length: 7 }, (_, k) =>
      k === 6 ? { ...steadyDay(200, 7e8, 470), BlkCnt: 150 } : steadyDay(100, (k + 1) * 1e8),
    );
    const h = createMetricsHistory(seriesFromRows('2026-01-01', rows));
    expect(h.hashrateEhs7d[6]).toBeCloseTo(400, 10);
    expect(h.blocks7d[6]).toBe(6 * 144 + 150);
    // Σ RevUSD = 6 × 46,000 + 184,000 = 460,000 over Σ RevNtv = 3,680 BTC.
    expect(h.revenueWeightedPriceUsd7d[6]).toBeCloseTo(125, 10);
    expect(h.feeSharePct7d[6]).toBeCloseTo((530 / 3680) * 100, 10);
  });

  it('has no weekly subsidy or fees when a day of the week lacks them', () => {
    const rows = Array.from({ length: 7 }, () => steadyDay(100, 1e6));
    rows[2] = { ...rows[2], IssTotNtv: null };
    rows[4] = { ...rows[4], FeeTotNtv: null };
    const h = createMetricsHistory(seriesFromRows('2026-01-01', rows));
    expect(h.subsidyBtcPerDay7d[6]).toBeNull();
    expect(h.feesBtcPerDay7d[6]).toBeNull();
    expect(h.revenueBtcPerDay7d[6]).toBeNull();
  });

  it('dates the all-time high to the first day it was reached', () => {
    const h = createMetricsHistory(
      seriesFromRows(
        '2026-01-01',
        [100, 200, 150, 200, 120].map((p) => steadyDay(p, 1e6)),
      ),
    );
    expect(h.athUsd[4]).toBe(200);
    expect(h.athIndex[4]).toBe(1);
  });
});

describe('createMetricsHistory: block runs', () => {
  it('restarts the running block count after a day without a whole, non-negative count', () => {
    const counts = [144, 144, null, 100, 2.5, 144, -5, 144, 0, 144];
    const h = createMetricsHistory(
      seriesFromRows(
        '2026-01-01',
        counts.map((BlkCnt) => ({ ...steadyDay(100, 1e6), BlkCnt })),
      ),
    );
    // A day with no block at all is a count (zero), not a gap.
    expect([...h.blocksThrough]).toEqual([144, 288, null, 100, null, 144, null, 144, 144, 288]);
    expect([...h.blocksRunStart]).toEqual([0, 0, -1, 3, -1, 5, -1, 7, 7, 7]);
  });
});

describe('createMetricsHistory: what is missing in a window', () => {
  it('counts today, and the days before the data starts, as missing', () => {
    const rows = Array.from({ length: 10 }, (_, k) =>
      k === 5 || k === 9 ? { ...steadyDay(100, 1e6), HashRate: null } : steadyDay(100, 1e6),
    );
    const h = createMetricsHistory(seriesFromRows('2026-01-01', rows));
    expect(h.missingInWindow(9, ['HashRate', 'PriceUSD'])).toEqual([{ column: 'HashRate', days: 2 }]);
    expect(h.missingInWindow(8, ['HashRate'])).toEqual([{ column: 'HashRate', days: 1 }]);
    // Day 2: days −4 … −1 do not exist.
    expect(h.missingInWindow(2, ['PriceUSD'])).toEqual([{ column: 'PriceUSD', days: 4 }]);
  });
});

describe('createMetricsHistory: the DailySeries contract', () => {
  it('names a column with the wrong number of values', () => {
    const s = seriesFromRows('2026-01-01', rows());
    s.values.HashRate = s.values.HashRate.slice(1);
    expect(() => createMetricsHistory(s)).toThrow(
      new MetricsInputError('DailySeries column HashRate has 9 values for 10 dates'),
    );
  });

  it('names the two days around a gap', () => {
    const s = seriesFromRows('2026-01-01', rows());
    s.dates[3] = '2026-01-05';
    expect(() => createMetricsHistory(s)).toThrow(
      'DailySeries dates must be consecutive days: 2026-01-03 then 2026-01-05',
    );
  });
});
