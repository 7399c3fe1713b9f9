/**
 * Cross-check against the shared Coin Metrics CSV (read at run time, never copied into the repo).
 * The fixed metrics (docs/metrics.md) are recomputed here straight from the CSV columns, naively (plain loops
 * over the whole history per week), and compared with buildSnapshot for every week of history.
 *
 * Difficulty: the CSV has no difficulty column. Coin Metrics defines HashRate (TH/s) as
 * (BlkCnt ÷ 144) × DiffMean × 2³² ÷ 10¹² ÷ 600, so the test derives each day's DiffMean by inverting that,
 * then keeps only retarget points (a new level that holds for two consecutive days, as mempool's
 * `difficulty[]` lists adjustments) and feeds them to buildSnapshot as mempool's hashrate history, the
 * way the emulator and recordings serve it. Two anchors tie the derived series to known mainnet
 * difficulties: 86 388 558 925 171 (epoch of the April 2024 halving) and 88 104 191 118 793 (from
 * 2024-04-24).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { DailySeries, HashrateHistory } from '../../../src/contracts/report-inputs';
import { defaultAssumptions } from '../../../src/metrics/assumptions';
import { createMetricsHistory } from '../../../src/metrics/history';
import { buildSnapshot } from '../../../src/metrics/snapshot';
import { snapshotSchema } from '../../../src/snapshot/schema';
import { inputsFor, ok, poolsWeek, seriesFromCsv } from '../../fixtures/metrics/builders';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const csvPath = path.resolve(repoRoot, '../shared/data/coinmetrics/btc.csv');
const present = existsSync(csvPath);
if (!present) console.warn(`real-data metrics tests skipped: ${csvPath} not found`);

const REL = 1e-9;
function expectRel(actual: number | null, expected: number | null, label: string): void {
  if (expected === null) {
    expect(actual, label).toBeNull();
    return;
  }
  expect(actual, label).not.toBeNull();
  const scale = Math.max(Math.abs(expected), 1e-300);
  expect(Math.abs((actual as number) - expected) / scale, label).toBeLessThanOrEqual(REL);
}

function cut(series: DailySeries, last: number): DailySeries {
  const values = {} as DailySeries['values'];
  const raw = {} as DailySeries['raw'];
  for (const key of Object.keys(series.values) as (keyof DailySeries['values'])[]) {
    values[key] = series.values[key].slice(0, last + 1);
    raw[key] = series.raw[key].slice(0, last + 1);
  }
  return { dates: series.dates.slice(0, last + 1), values, raw };
}

/** Every number anywhere in `value` is finite. */
function allFinite(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(allFinite);
  if (value !== null && typeof value === 'object') return Object.values(value).every(allFinite);
  return true;
}

// Whole reports over real history: seconds alone, more than the default 30 s on a busy machine. Every test
// reads the CSV, so the whole suite runs only where it is present.
describe.runIf(present)('metrics against the Coin Metrics CSV', { timeout: 180_000 }, () => {
  const load = () => seriesFromCsv(readFileSync(csvPath, 'utf8'));

  it('matches an independent recomputation of the fixed metrics for every week', () => {
    const s = load();
    const col = s.values;
    const n = s.dates.length;
    const history = createMetricsHistory(s);
    const assumptions = defaultAssumptions();
    const num = (x: number | null | undefined): x is number => typeof x === 'number';
    // Naive per-day figures, straight from the columns.
    const mean7 = (c: (number | null)[], i: number): number | null => {
      if (i < 6) return null;
      let sum = 0;
      for (let k = i - 6; k <= i; k++) {
        const v = c[k];
        if (!num(v)) return null;
        sum += v;
      }
      return sum / 7;
    };
    const hashprice = (i: number, usd: boolean): number | null => {
      if (i < 6) return null;
      let rev = 0;
      let ph = 0;
      for (let k = i - 6; k <= i; k++) {
        const iss = col.IssTotNtv[k];
        const fee = col.FeeTotNtv[k];
        const p = col.PriceUSD[k];
        const h = col.HashRate[k];
        if (!num(iss) || !num(fee) || !num(h) || (usd && !num(p))) return null;
        rev += usd ? (iss + fee) * (p as number) : iss + fee;
        ph += h / 1000;
      }
      return ph > 0 ? rev / ph : null;
    };
    const hpUsd = s.dates.map((_, i) => hashprice(i, true));
    const ehs = s.dates.map((_, i) => {
      const m = mean7(col.HashRate, i);
      return m === null ? null : m / 1e6;
    });
    let weeks = 0;
    for (let i = n - 1; i >= 0; i -= 7) {
      const asOf = s.dates[i] as string;
      const { snapshot } = buildSnapshot(inputsFor(s, asOf), assumptions, {
        issueId: asOf,
        generatedAt: '2026-01-01T00:00:00Z',
        history,
      });
      const m = snapshot.metrics;
      const price = col.PriceUSD[i] ?? null;
      const pastPrice = (d: number) => (i - d >= 0 ? (col.PriceUSD[i - d] ?? null) : null);
      const pct = (a: number | null, b: number | null) =>
        a === null || b === null || b === 0 ? null : (a / b - 1) * 100;
      let ath: number | null = null;
      for (let k = 0; k <= i; k++) {
        const p = col.PriceUSD[k];
        if (num(p) && (ath === null || p > ath)) ath = p;
      }
      expectRel(m.price.usd, price, `price.usd ${asOf}`);
      expectRel(
        m.price.change7dPct,
        price === null ? null : pct(price, pastPrice(7)),
        `price.change7dPct ${asOf}`,
      );
      expectRel(
        m.price.change30dPct,
        price === null ? null : pct(price, pastPrice(30)),
        `price.change30dPct ${asOf}`,
      );
      expectRel(m.price.drawdownFromAthPct, pct(price, ath), `price.drawdownFromAthPct ${asOf}`);

      const e = ehs[i] ?? null;
      let peak: number | null = null;
      for (let k = 0; k <= i; k++) {
        const v = ehs[k];
        if (num(v) && (peak === null || v > peak)) peak = v;
      }
      expectRel(m.hashrate.ehs7d, e, `hashrate.ehs7d ${asOf}`);
      expectRel(
        m.hashrate.change30dPct,
        e === null ? null : pct(e, i >= 30 ? (ehs[i - 30] ?? null) : null),
        `hashrate.change30dPct ${asOf}`,
      );
      expectRel(m.hashrate.fromPeakPct, pct(e, peak), `hashrate.fromPeakPct ${asOf}`);

      // RevUSD needs PriceUSD on all 7 days; the fee share (BTC only) does not.
      let revUsd: number | null = 0;
      let revBtc: number | null = 0;
      let fees = 0;
      for (let k = i - 6; k <= i; k++) {
        const iss = col.IssTotNtv[k];
        const fee = col.FeeTotNtv[k];
        const p = col.PriceUSD[k];
        if (k < 0 || !num(iss) || !num(fee)) {
          revUsd = null;
          revBtc = null;
          break;
        }
        revBtc += iss + fee;
        fees += fee;
        revUsd = revUsd === null || !num(p) ? null : revUsd + (iss + fee) * p;
      }
      const budget = revUsd === null ? null : revUsd / 7;
      expectRel(m.revenue.usdPerDay7d, budget, `revenue.usdPerDay7d ${asOf}`);
      expectRel(
        m.revenue.feeSharePct7d,
        revBtc === null || revBtc === 0 ? null : (fees / revBtc) * 100,
        `revenue.feeSharePct7d ${asOf}`,
      );
      expectRel(m.hashprice.usdPerPhDay, hpUsd[i] ?? null, `hashprice.usdPerPhDay ${asOf}`);
      expectRel(m.hashprice.btcPerPhDay, hashprice(i, false), `hashprice.btcPerPhDay ${asOf}`);
      const today = hpUsd[i];
      if (num(today)) {
        let all = 0;
        let atMost = 0;
        let lower: string | null = null;
        for (let k = 0; k <= i; k++) {
          const v = hpUsd[k];
          if (!num(v)) continue;
          all++;
          if (v <= today) atMost++;
          if (k < i && v < today) lower = s.dates[k] as string;
        }
        expectRel(m.hashprice.percentile, (atMost / all) * 100, `hashprice.percentile ${asOf}`);
        expect(m.hashprice.lowestSince, `hashprice.lowestSince ${asOf}`).toBe(lower);
      }
      const cap = col.CapMrktCurUSD[i] ?? null;
      expectRel(m.security.budgetUsdPerDay, budget, `security.budgetUsdPerDay ${asOf}`);
      expectRel(
        m.security.budgetAnnualPctOfMarketCap,
        budget === null || cap === null ? null : ((budget * 365) / cap) * 100,
        `security.budgetAnnualPctOfMarketCap ${asOf}`,
      );
      expectRel(
        m.security.attackCostUsdPerHour,
        budget === null ? null : budget / 24,
        `security.attackCostUsdPerHour ${asOf}`,
      );
      for (const tier of m.miners.breakeven) {
        expectRel(
          tier.breakevenUsdPerKwh,
          num(today) ? today / (24 * tier.jPerTh) : null,
          `breakeven ${tier.model} ${asOf}`,
        );
      }
      weeks++;
    }
    expect(weeks).toBeGreaterThan(850);
  });

  it('yields a schema-valid snapshot with no NaN or Infinity for as-of days across history', () => {
    const s = load();
    const assumptions = defaultAssumptions();
    const start = s.dates.indexOf('2011-01-01');
    let checked = 0;
    for (let i = start; i < s.dates.length; i += 30) {
      const asOf = s.dates[i] as string;
      const { snapshot, series } = buildSnapshot(
        inputsFor(cut(s, i), asOf, {
          pools: ok(
            poolsWeek([
              ['A', 400],
              ['B', 300],
              ['Unknown', 308],
            ]),
          ),
        }),
        assumptions,
        { issueId: asOf, generatedAt: '2026-01-01T00:00:00Z' },
      );
      expect(snapshotSchema.safeParse(snapshot).success, asOf).toBe(true);
      expect(allFinite(snapshot), asOf).toBe(true);
      expect(allFinite(series), asOf).toBe(true);
      expect(series.at(-1)?.date).toBe(asOf);
      checked++;
    }
    expect(checked).toBeGreaterThan(170);
  });

  // HashRate and BlkCnt are separate columns: the difficulty steps read from HashRate must fall exactly where
  // BlkCnt says a multiple of 2016 blocks was mined. (Comparing HashRate with a hashrate implied by a
  // difficulty derived from HashRate itself would prove nothing; this test used to.)
  it('finds every difficulty change in HashRate on the day BlkCnt reaches a retarget height, and the known April 2024 difficulties', () => {
    const s = load();
    const n = s.dates.length;
    const hr = s.values.HashRate;
    const blk = s.values.BlkCnt;
    // Invert Coin Metrics' HashRate definition to get each day's mean difficulty.
    const derived = s.dates.map((_, i) => {
      const h = hr[i];
      const b = blk[i];
      return typeof h === 'number' && typeof b === 'number' && b > 0
        ? (h * 600 * 144 * 1e12) / (b * 2 ** 32)
        : null;
    });
    // Retarget points: a new level (beyond the data's ~1e-8 rounding noise) that holds for two days.
    const SAME = 1e-6;
    const adjustments: HashrateHistory['difficulty'] = [];
    let level: number | null = null;
    for (let i = 0; i + 1 < n; i++) {
      const a = derived[i];
      const b = derived[i + 1];
      if (a == null || b == null || Math.abs(b / a - 1) >= SAME) continue;
      if (level !== null && Math.abs(a / level - 1) <= SAME) continue;
      adjustments.push({
        date: s.dates[i] as string,
        height: adjustments.length * 2016,
        difficulty: a,
        adjustmentRatio: level ? a / level : 1,
      });
      level = a;
    }
    const hashrateHistory: HashrateHistory = {
      hashrates: [],
      difficulty: adjustments,
      currentHashrateHs: null,
      currentDifficulty: null,
    };
    const history = createMetricsHistory(s);
    const { series } = buildSnapshot(
      inputsFor(s, s.dates[n - 1] as string, { hashrateHistory: ok(hashrateHistory) }),
      defaultAssumptions(),
      {
        issueId: 'x',
        generatedAt: '2026-01-01T00:00:00Z',
        history,
      },
    );
    const difficultyOn = new Map(series.map((r) => [r.date, r.difficulty]));
    expect(Math.abs((difficultyOn.get('2024-04-21') as number) / 86_388_558_925_171 - 1)).toBeLessThan(1e-3);
    expect(Math.abs((difficultyOn.get('2024-04-26') as number) / 88_104_191_118_793 - 1)).toBeLessThan(1e-3);

    // Blocks mined after genesis through the end of each day: the height of that day's last block.
    const heightAtEnd: number[] = [];
    let height = 0;
    for (const count of blk) {
      height += count ?? 0;
      heightAtEnd.push(height);
    }
    // A level first held on day i took effect with the retarget block mined on day i−1 (day i−1's mean
    // difficulty mixes the old and the new one).
    const notAtRetarget = adjustments.slice(1).filter((adjustment) => {
      const i = s.dates.indexOf(adjustment.date);
      const retarget = Math.ceil(((heightAtEnd[i - 2] as number) + 1) / 2016) * 2016;
      return retarget > (heightAtEnd[i - 1] as number) + 1;
    });
    expect(notAtRetarget.map((a) => a.date)).toEqual([]);
    // And none is missed: every retarget from the first that changed difficulty (height 32,256, 30 Dec
    // 2009) to the last one with two days of data after it shows up as a change.
    let retargets = 0;
    for (let h = 32_256; h <= (heightAtEnd[n - 3] as number); h += 2016) retargets++;
    expect(adjustments.length - 1).toBe(retargets);
    expect(retargets).toBeGreaterThan(440);
  });
});
