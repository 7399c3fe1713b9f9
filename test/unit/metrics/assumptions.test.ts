import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { assumptionsSchema, parseAssumptions } from '../../../src/metrics/assumptions';
import { AssumptionsError } from '../../../src/metrics/errors';

/** The error parseAssumptions throws for `json` (fails the test when it throws none). */
function parseError(json: string): unknown {
  try {
    parseAssumptions(json);
  } catch (error) {
    return error;
  }
  throw new Error(`parseAssumptions accepted ${json}`);
}

describe('parseAssumptions', () => {
  it('returns the documented defaults when nothing is configured', () => {
    // Act
    const a = parseAssumptions(undefined);
    // Assert: the fleet, ASIC price and AI rate are dated (resolved per day by assumptionsOn).
    expect(a.asicTiers).toBeUndefined();
    expect(a.aiHostingUsdPerMwh).toBeUndefined();
    expect(a.asicPriceUsdPerTh).toBeUndefined();
    expect(a.powerPriceUsdPerKwh).toBe(0.06);
    expect(a.stress).toEqual({ priceDropPct: 38, hashrateDropPct: 12 });
    expect(a.alerts).toEqual({
      hashrateFromPeakPctAtMost: -10,
      topPoolSharePctAbove: 30,
      top2SharePctAbove: 50,
      nakamotoCoefficientAtMost: 2,
      difficultyAdjustmentPctAtMost: -5,
    });
    expect(a.doubleSpendAttackerSharesPct).toEqual([10, 25, 40]);
    expect(parseAssumptions('  ')).toEqual(a);
  });

  it('keeps the other defaults when one nested field is overridden', () => {
    const a = parseAssumptions('{"stress":{"priceDropPct":50},"powerPriceUsdPerKwh":0.045}');
    expect(a.stress).toEqual({ priceDropPct: 50, hashrateDropPct: 12 });
    expect(a.powerPriceUsdPerKwh).toBe(0.045);
    expect(a.alerts.topPoolSharePctAbove).toBe(30);
  });

  it('names the field path of a bad tier', () => {
    const json = JSON.stringify({
      asicTiers: [
        { model: 'A', jPerTh: 10 },
        { model: 'B', jPerTh: 0 },
      ],
    });
    expect(() => parseAssumptions(json)).toThrow(
      /^Invalid HASHBRIEF_ASSUMPTIONS_JSON: asicTiers\[1\]\.jPerTh: must be > 0$/,
    );
    expect(() => parseAssumptions(json)).toThrow(AssumptionsError);
  });

  it('rejects unknown keys at any depth instead of ignoring a typo', () => {
    expect(() => parseAssumptions('{"powerPrice":0.05}')).toThrow('powerPrice: unknown key');
    expect(() => parseAssumptions('{"stress":{"priceDrop":10}}')).toThrow('stress.priceDrop: unknown key');
  });

  it('lists every problem in one message, each with its own path', () => {
    expect(() => parseAssumptions('{"a":1,"b":2,"powerPriceUsdPerKwh":-1}')).toThrow(
      /^Invalid HASHBRIEF_ASSUMPTIONS_JSON: powerPriceUsdPerKwh: must be > 0; a: unknown key; b: unknown key$/,
    );
  });

  it('names the whole value when it is not an object, and keeps zod’s error as the cause', () => {
    const error = parseError('[1]');
    expect(error).toBeInstanceOf(AssumptionsError);
    expect((error as Error).message).toMatch(/^Invalid HASHBRIEF_ASSUMPTIONS_JSON: \(root\): /);
    expect((error as Error).cause).toBeInstanceOf(ZodError);
  });

  it('rejects a 100% hashrate drop, which would divide by zero in the stress scenario', () => {
    expect(() => parseAssumptions('{"stress":{"hashrateDropPct":100}}')).toThrow(
      'stress.hashrateDropPct: must be < 100',
    );
  });

  it('wraps invalid JSON with the cause kept', () => {
    const error = parseError('{nope');
    expect(error).toBeInstanceOf(AssumptionsError);
    expect((error as Error).message).toBe('HASHBRIEF_ASSUMPTIONS_JSON is not valid JSON');
    expect((error as Error).cause).toBeInstanceOf(SyntaxError);
  });

  it('documents every top-level default with a source note', () => {
    for (const [key, field] of Object.entries(assumptionsSchema.shape)) {
      expect(field.description, key).toBeTruthy();
    }
  });
});

describe('parseAssumptions: every rule names its field', () => {
  it.each([
    ['{"powerPriceUsdPerKwh":0}', 'powerPriceUsdPerKwh: must be > 0'],
    ['{"asicTiers":[{"model":"","jPerTh":20}]}', 'asicTiers[0].model: must not be empty'],
    ['{"asicTiers":[{"model":"A","jPerTh":20,"watts":3}]}', 'asicTiers[0].watts: unknown key'],
    ['{"stress":{"priceDropPct":-1}}', 'stress.priceDropPct: must be >= 0'],
    ['{"stress":{"priceDropPct":101}}', 'stress.priceDropPct: must be <= 100'],
    ['{"stress":{"hashrateDropPct":-1}}', 'stress.hashrateDropPct: must be >= 0'],
    ['{"alerts":{"hashrateFromPeakPctAtMost":5}}', 'alerts.hashrateFromPeakPctAtMost: must be <= 0'],
    ['{"alerts":{"difficultyAdjustmentPctAtMost":1}}', 'alerts.difficultyAdjustmentPctAtMost: must be <= 0'],
    ['{"alerts":{"topPoolSharePctAbove":120}}', 'alerts.topPoolSharePctAbove: must be <= 100'],
    ['{"alerts":{"top2SharePctAbove":-5}}', 'alerts.top2SharePctAbove: must be >= 0'],
    ['{"alerts":{"nakamotoCoefficientAtMost":1.5}}', 'alerts.nakamotoCoefficientAtMost: must be an integer'],
    ['{"alerts":{"nakamotoCoefficientAtMost":0}}', 'alerts.nakamotoCoefficientAtMost: must be >= 1'],
    ['{"doubleSpendAttackerSharesPct":[0]}', 'doubleSpendAttackerSharesPct[0]: must be > 0'],
    ['{"doubleSpendAttackerSharesPct":[10,100]}', 'doubleSpendAttackerSharesPct[1]: must be < 100'],
  ])('%s → %s', (json, message) => {
    expect(() => parseAssumptions(json)).toThrow(`Invalid HASHBRIEF_ASSUMPTIONS_JSON: ${message}`);
  });

  it('names the field of a number too large to be finite (zod refuses it before the finite check)', () => {
    expect(() => parseAssumptions('{"powerPriceUsdPerKwh":1e999}')).toThrow(
      /^Invalid HASHBRIEF_ASSUMPTIONS_JSON: powerPriceUsdPerKwh: /,
    );
  });

  it('keeps a configured fleet of one tier, and the defaults of every threshold', () => {
    const a = parseAssumptions('{"asicTiers":[{"model":"A","jPerTh":20}]}');
    expect(a.asicTiers).toEqual([{ model: 'A', jPerTh: 20 }]);
    expect(a.alerts.hashrateFromPeakPctAtMost).toBe(-10);
    expect(a.alerts.difficultyAdjustmentPctAtMost).toBe(-5);
  });
});
