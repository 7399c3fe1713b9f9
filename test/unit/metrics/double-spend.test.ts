import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attackerSuccessProbability } from '../../../src/metrics/double-spend';

// Bitcoin whitepaper §11, printed table (7 decimals), written out from the paper.
const WHITEPAPER_Q01: [number, number][] = [
  [0, 1.0],
  [1, 0.2045873],
  [2, 0.0509779],
  [3, 0.0131722],
  [4, 0.0034552],
  [5, 0.0009137],
  [6, 0.0002428],
  [7, 0.0000647],
  [8, 0.0000173],
  [9, 0.0000046],
  [10, 0.0000012],
];
const WHITEPAPER_Q03: [number, number][] = [
  [0, 1.0],
  [5, 0.1773523],
  [10, 0.0416605],
  [15, 0.0101008],
  [20, 0.0024804],
  [25, 0.0006132],
  [30, 0.0001522],
  [35, 0.0000379],
  [40, 0.0000095],
  [45, 0.0000024],
  [50, 0.0000006],
];

describe('attackerSuccessProbability', () => {
  it.each(WHITEPAPER_Q01)('reproduces the whitepaper for q = 0.1, z = %i', (z, printed) => {
    expect(attackerSuccessProbability(0.1, z).toFixed(7)).toBe(printed.toFixed(7));
  });

  it.each(WHITEPAPER_Q03)('reproduces the whitepaper for q = 0.3, z = %i', (z, printed) => {
    expect(attackerSuccessProbability(0.3, z).toFixed(7)).toBe(printed.toFixed(7));
  });

  it('is certain when the attacker has at least half the hashrate', () => {
    expect(attackerSuccessProbability(0.5, 6)).toBe(1);
    expect(attackerSuccessProbability(0.7, 100)).toBe(1);
    expect(attackerSuccessProbability(1, 6)).toBe(1);
  });

  it('is zero for an attacker without hashrate once there is a confirmation', () => {
    expect(attackerSuccessProbability(0, 1)).toBe(0);
    expect(attackerSuccessProbability(0, 0)).toBe(1);
  });

  it('matches a hand computation for q = 0.25, z = 1', () => {
    // λ = 1/3, r = 1/3: P = 1 − e^{−λ}(1 − r) − λe^{−λ}(1 − 1) = 1 − (2/3)e^{−1/3}
    expect(attackerSuccessProbability(0.25, 1)).toBeCloseTo(1 - (2 / 3) * Math.exp(-1 / 3), 14);
  });

  it('rejects shares outside [0, 1] and negative or fractional confirmations', () => {
    expect(() => attackerSuccessProbability(1.5, 1)).toThrow(RangeError);
    expect(() => attackerSuccessProbability(1.5, 1)).toThrow('attacker share must be in [0, 1], got 1.5');
    expect(() => attackerSuccessProbability(-0.1, 1)).toThrow('attacker share must be in [0, 1], got -0.1');
    expect(() => attackerSuccessProbability(Number.NaN, 1)).toThrow(
      'attacker share must be in [0, 1], got NaN',
    );
    expect(() => attackerSuccessProbability(0.1, -1)).toThrow(RangeError);
    expect(() => attackerSuccessProbability(0.1, 1.5)).toThrow(
      'confirmations must be a non-negative integer, got 1.5',
    );
  });

  it('stays in [0, 1] and never rises with more confirmations', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 80 }), (q, z) => {
        const now = attackerSuccessProbability(q, z);
        const later = attackerSuccessProbability(q, z + 1);
        expect(now).toBeGreaterThanOrEqual(0);
        expect(now).toBeLessThanOrEqual(1);
        expect(later).toBeLessThanOrEqual(now * (1 + 1e-12));
      }),
    );
  });

  it('never falls as the attacker share grows', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 0.49, noNaN: true }),
        fc.double({ min: 0, max: 0.01, noNaN: true }),
        fc.integer({ min: 1, max: 30 }),
        (q, dq, z) => {
          expect(attackerSuccessProbability(q + dq, z)).toBeGreaterThanOrEqual(
            attackerSuccessProbability(q, z) * (1 - 1e-12),
          );
        },
      ),
    );
  });
});
