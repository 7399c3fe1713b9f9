/**
 * The witness rule (issue 13, src/sources/integrity.ts) on small synthetic inputs: which Coin Metrics
 * figures are published, which hold the issue, and which mempool values are left out.
 */
import { describe, expect, it } from 'vitest';
import type {
  CurrentPrice,
  DailySeries,
  HashrateHistory,
  HistoricalPrice,
  ReportInputs,
  SourceOutcome,
} from '../../../src/contracts/report-inputs';
import {
  holdIfUnsettled,
  type IntegrityVerdict,
  IssueHeldError,
  judgeInputs,
} from '../../../src/sources/integrity';
import {
  type DayRow,
  failed,
  inputsFor,
  ok,
  seriesFromRows,
  shiftDay,
  skipped,
  steadyDay,
} from '../../fixtures/metrics/builders';

const START = '2026-10-01';
const DAYS = 40;
const AS_OF = shiftDay(START, DAYS - 1);
const PRICE = 87_000;
/** TH/s, as Coin Metrics serves HashRate. */
const HASHRATE = 1_000_000_000;

/** Forty steady days with a gentle drift, the last one the as-of day. */
function steadyRows(): DayRow[] {
  return Array.from({ length: DAYS }, (_, i) => steadyDay(PRICE * (1 + 0.002 * i), HASHRATE));
}

/** Multiplies columns of the day `daysBeforeAsOf` before the as-of day. */
function glitched(
  rows: DayRow[],
  columns: readonly (keyof DayRow)[],
  factor: number,
  daysBeforeAsOf = 0,
): DayRow[] {
  const index = rows.length - 1 - daysBeforeAsOf;
  return rows.map((row, i) => {
    if (i !== index) return row;
    const out = { ...row };
    for (const column of columns) {
      const value = out[column];
      if (typeof value === 'number') out[column] = value * factor;
    }
    return out;
  });
}

const USD_FIGURES = ['PriceUSD', 'CapMrktCurUSD', 'IssTotUSD'] as const;

/** mempool's hashrate history: the real (steady) hashrate every day (H/s), unless overridden per day. */
function hashrateHistory(series: DailySeries, override: Record<string, number> = {}): HashrateHistory {
  return {
    hashrates: series.dates.map((date) => ({ date, hashrateHs: override[date] ?? HASHRATE * 1e12 })),
    difficulty: [],
    currentHashrateHs: null,
    currentDifficulty: null,
  };
}

const closeTime = `${shiftDay(AS_OF, 1)}T00:00:00.000Z`;
const hourBeforeClose = `${AS_OF}T23:00:00.000Z`;

function closePrice(usd: number, time = hourBeforeClose): SourceOutcome<HistoricalPrice> {
  return ok({ time, usd });
}

function currentPrice(
  usd: number,
  time = `${shiftDay(AS_OF, 1)}T07:00:00.000Z`,
): SourceOutcome<CurrentPrice> {
  return ok({ time, usd });
}

/** The real close of the as-of day in steadyRows. */
const realClose = PRICE * (1 + 0.002 * (DAYS - 1));

function judge(
  rows: DayRow[],
  options: {
    close?: SourceOutcome<HistoricalPrice>;
    current?: SourceOutcome<CurrentPrice>;
    mempoolHashrate?: Record<string, number> | null;
  } = {},
): { verdict: IntegrityVerdict; inputs: ReportInputs } {
  const series = seriesFromRows(START, rows);
  const inputs = inputsFor(series, AS_OF, {
    price: options.current ?? skipped('past as-of day'),
    hashrateHistory:
      options.mempoolHashrate === null
        ? failed('mempool hashrate history answered HTTP 503 after 4 tries')
        : ok(hashrateHistory(series, options.mempoolHashrate)),
  });
  return judgeInputs(inputs, options.close ?? closePrice(realClose));
}

describe('price: a Coin Metrics glitch on the as-of day', () => {
  it.each([0.2, 2, 5, 10, 99, 100])(
    '×%s (all its USD figures, so Coin Metrics agrees with itself) is held when mempool has the real close',
    (factor) => {
      const { verdict } = judge(glitched(steadyRows(), USD_FIGURES, factor));

      expect(verdict.conflicts).toHaveLength(1);
      expect(verdict.conflicts[0]).toContain(`Coin Metrics PriceUSD on ${AS_OF} is`);
      expect(verdict.conflicts[0]).toContain(`mempool's price at that day's close (${hourBeforeClose}) is`);
      expect(() => holdIfUnsettled(verdict)).toThrow(IssueHeldError);
    },
  );

  it('×2 on a down day (a move of only ×1.9 from the day before) is still held: mempool disagrees', () => {
    const rows = steadyRows();
    const asOf = rows.at(-1) as DayRow;
    const real = (rows.at(-2)?.PriceUSD ?? 0) * 0.95;
    rows[rows.length - 1] = { ...asOf, PriceUSD: real, CapMrktCurUSD: real * 19_900_000 };

    const { verdict } = judge(glitched(rows, USD_FIGURES, 2), { close: closePrice(real) });

    expect(verdict.conflicts).toEqual([
      `Coin Metrics PriceUSD on ${AS_OF} is ${Number((real * 2).toPrecision(6))} USD (×1.90 the ${Number((rows.at(-2)?.PriceUSD ?? 0).toPrecision(6))} USD of ${shiftDay(AS_OF, -1)}), but mempool's price at that day's close (${hourBeforeClose}) is ${Number(real.toPrecision(6))} USD`,
    ]);
  });

  it('×5 with no mempool price at all is held: a move beyond ×2 needs an independent witness', () => {
    const { verdict } = judge(glitched(steadyRows(), USD_FIGURES, 5), {
      close: failed('mempool historical price answered HTTP 503 after 4 tries'),
      current: skipped('mempool prices only describes the present; the report is for 2026-11-09'),
    });

    expect(verdict.conflicts).toHaveLength(1);
    expect(verdict.conflicts[0]).toMatch(
      /a move beyond ×2 in a day that no independent witness confirms \(mempool's price at the close: mempool historical price answered HTTP 503 after 4 tries; mempool's current price: mempool prices only describes the present/,
    );
  });

  it('×1.5 of PriceUSD alone is held even without mempool: Coin Metrics contradicts its market cap', () => {
    const { verdict } = judge(glitched(steadyRows(), ['PriceUSD'], 1.5), {
      close: failed('mempool historical price timed out after 4 tries'),
    });

    expect(verdict.conflicts).toEqual([
      expect.stringMatching(
        new RegExp(
          `^Coin Metrics contradicts itself on ${AS_OF}: PriceUSD is .* USD but CapMrktCurUSD ÷ SplyCur is .* USD$`,
        ),
      ),
    ]);
  });

  it("uses mempool's current price when its close is unavailable, and holds when it disagrees", () => {
    const { verdict } = judge(glitched(steadyRows(), USD_FIGURES, 5), {
      close: closePrice(0, '2010-07-19T00:00:00.000Z'),
      current: currentPrice(realClose * 1.01),
    });

    expect(verdict.conflicts[0]).toContain("but mempool's current price");
  });
});

describe('price: real moves are published', () => {
  /** The as-of day closes at `move` × the day before, Coin Metrics consistent with itself. */
  function crash(move: number): DayRow[] {
    const rows = steadyRows();
    const before = rows.at(-2)?.PriceUSD ?? 0;
    rows[rows.length - 1] = steadyDay(before * move, HASHRATE);
    return rows;
  }

  it('−38 % in a day (2020-03-12) is published with or without mempool', () => {
    const rows = crash(0.62);
    const close = (rows.at(-1)?.PriceUSD ?? 0) * 1.02;

    expect(judge(rows, { close: closePrice(close) }).verdict.conflicts).toEqual([]);
    expect(judge(rows, { close: failed('down'), mempoolHashrate: null }).verdict.conflicts).toEqual([]);
  });

  it('a move beyond ×2 is published when mempool confirms it, and noted', () => {
    const rows = crash(0.45);

    const { verdict } = judge(rows, { close: closePrice((rows.at(-1)?.PriceUSD ?? 0) * 0.99) });

    expect(verdict.conflicts).toEqual([]);
    expect(verdict.notes).toEqual([
      expect.stringMatching(/a move beyond ×2 confirmed by mempool's price at that day's close/),
    ]);
  });

  it('ignores a historical price that is not at the close (mempool answered an older time)', () => {
    const stale = closePrice(realClose * 3, `${shiftDay(AS_OF, -3)}T00:00:00.000Z`);

    expect(judge(steadyRows(), { close: stale }).verdict.conflicts).toEqual([]);
  });
});

describe('price: a wrong mempool is outvoted, not trusted', () => {
  it("leaves out mempool's close when it alone is 3× off and Coin Metrics' own move is plausible", () => {
    const { verdict } = judge(steadyRows(), { close: closePrice(realClose * 3) });

    expect(verdict.conflicts).toEqual([]);
    expect(verdict.notes).toEqual([expect.stringContaining("mempool's price at that day's close")]);
    expect(verdict.notes[0]).toContain('left out');
  });

  it('holds when mempool is off by a plausible amount (1.4×): two plausible values, no way to choose', () => {
    const { verdict } = judge(steadyRows(), { close: closePrice(realClose * 1.4) });

    expect(verdict.conflicts).toHaveLength(1);
  });

  it("fails mempool's current price when its close agrees with Coin Metrics and the current price does not", () => {
    const { verdict, inputs } = judge(steadyRows(), {
      close: closePrice(realClose),
      current: currentPrice(realClose * 1.8),
    });

    expect(verdict.conflicts).toEqual([]);
    expect(inputs.price).toMatchObject({ status: 'failed' });
    expect(inputs.price.status === 'failed' && inputs.price.reason).toMatch(
      /^mempool prices is implausible: USD \d+(\.\d+)? against Coin Metrics' /,
    );
  });
});

describe('hashrate and block counts', () => {
  it('does not hold on a HashRate of 0 (series.ts flags it as missing data; it needs no witness)', () => {
    expect(judge(glitched(steadyRows(), ['HashRate'], 0)).verdict.conflicts).toEqual([]);
  });

  it('does not hold on a day without blocks (flagged as missing data by series.ts)', () => {
    expect(judge(glitched(steadyRows(), ['BlkCnt', 'HashRate'], 0)).verdict.conflicts).toEqual([]);
  });

  it('holds a ×10 HashRate jump: it contradicts the block count and mempool disagrees', () => {
    const { verdict } = judge(glitched(steadyRows(), ['HashRate'], 10));

    expect(verdict.conflicts).toEqual([
      `Coin Metrics contradicts itself on ${AS_OF}: HashRate 10000 EH/s over 144 blocks (BlkCnt) implies a difficulty ×10 that of ${shiftDay(AS_OF, -1)}, where a day's difficulty moves less than ×2`,
      `Coin Metrics HashRate on ${AS_OF} is 10000 EH/s (×10 the 1000 EH/s of ${shiftDay(AS_OF, -1)}), but mempool's hashrate for that day is 1000 EH/s`,
    ]);
  });

  it('holds a ×10 jump of HashRate and BlkCnt together when mempool has no hashrate for the day', () => {
    const { verdict } = judge(glitched(steadyRows(), ['HashRate', 'BlkCnt'], 10), { mempoolHashrate: null });

    expect(verdict.conflicts).toEqual([
      expect.stringMatching(
        /^Coin Metrics HashRate on .* a move beyond ×3 in a day that no independent witness confirms \(mempool's hashrate: mempool hashrate history answered HTTP 503/,
      ),
    ]);
  });

  it.each([10, 0.1, 3])('holds a BlkCnt of ×%s alone: the implied difficulty jumps', (factor) => {
    const { verdict } = judge(glitched(steadyRows(), ['BlkCnt'], factor));

    expect(verdict.conflicts).toEqual([
      expect.stringMatching(/^Coin Metrics contradicts itself on .*BlkCnt/),
    ]);
  });

  it('leaves out a mempool daily hashrate that alone is 5× off, with a warning on that source', () => {
    const yesterday = shiftDay(AS_OF, -1);

    const { verdict, inputs } = judge(steadyRows(), { mempoolHashrate: { [yesterday]: HASHRATE * 5e12 } });

    expect(verdict.conflicts).toEqual([]);
    if (inputs.hashrateHistory.status !== 'ok') throw new Error('hashrate history should stay ok');
    expect(inputs.hashrateHistory.value.hashrates.map((h) => h.date)).not.toContain(yesterday);
    expect(inputs.hashrateHistory.warnings).toEqual([
      `mempool hashrate on ${yesterday} (5000 EH/s) disagrees with Coin Metrics' and with the day before; left out`,
    ]);
  });
});

describe('the days judged', () => {
  it('holds a glitch three days before the as-of day: the weekly figures read it', () => {
    const { verdict } = judge(glitched(steadyRows(), USD_FIGURES, 5, 3));

    // The spike and the return from it are both moves beyond ×2 with no witness for those days.
    expect(verdict.conflicts.map((c) => c.slice(0, 38))).toEqual([
      `Coin Metrics PriceUSD on ${shiftDay(AS_OF, -3)} is`,
      `Coin Metrics PriceUSD on ${shiftDay(AS_OF, -2)} is`,
    ]);
  });

  it('does not judge days more than seven before the as-of day (the series screen covers them)', () => {
    expect(judge(glitched(steadyRows(), USD_FIGURES, 5, 9)).verdict.conflicts).toEqual([]);
  });

  it('judges nothing when Coin Metrics failed', () => {
    const inputs = {
      ...inputsFor(seriesFromRows(START, steadyRows()), AS_OF),
      coinMetrics: failed<DailySeries>('down'),
    };
    expect(judgeInputs(inputs, closePrice(realClose)).verdict.conflicts).toEqual([]);
  });
});

describe('IssueHeldError', () => {
  it('names the day and every conflict', () => {
    const error = new IssueHeldError({ asOf: AS_OF, conflicts: ['a', 'b'], notes: [] });
    expect(error.message).toBe(`issue for ${AS_OF} held, not archived or sent: a; b`);
    expect(error.conflicts).toEqual(['a', 'b']);
    expect(() => holdIfUnsettled({ asOf: AS_OF, conflicts: [], notes: ['x'] })).not.toThrow();
  });
});

// `closeTime` documents the instant the witnesses are compared at (00:00 UTC after the as-of day).
void closeTime;
