import { describe, expect, it } from 'vitest';
import { monthYear, sinceWording } from '../../../src/text/dates';
import {
  btc,
  hashpriceUsd,
  hashrateEhs,
  minutesSeconds,
  pct,
  pctChange,
  upDown,
  usd,
  usdCompact,
} from '../../../src/text/numbers';

describe('one precision and one sign per unit', () => {
  it('prints hashprice to the cent, always', () => {
    expect(hashpriceUsd(37.254)).toBe('$37.25/PH/day');
    expect(hashpriceUsd(115)).toBe('$115.00/PH/day');
    expect(hashpriceUsd(3518.934)).toBe('$3,518.93/PH/day');
  });

  it('uses the typographic minus for every negative, never a hyphen', () => {
    expect(pctChange(-1.74)).toBe('\u22121.7%');
    expect(usd(-12.5)).toBe('\u2212$12.50');
    expect(usdCompact(-2.5e6)).toBe('\u2212$2.5 million');
    expect(pctChange(1.74)).toBe('+1.7%');
    expect(pctChange(-0.04)).toBe('0.0%');
  });

  it('prints hashrate in whole units, falling back to smaller units for early history', () => {
    expect(hashrateEhs(1057.6)).toBe('1,058 EH/s');
    expect(hashrateEhs(0.026)).toBe('26 PH/s');
    expect(hashrateEhs(0.000026)).toBe('26 TH/s');
  });

  it('keeps exact subsidies and words changes', () => {
    expect(btc(1.5625)).toBe('1.5625 BTC');
    expect(btc(0.000416)).toBe('0.000416 BTC');
    expect(upDown(-9.94)).toBe('down 9.9%');
    expect(upDown(0.04)).toBe('flat');
    expect(pct(0.846, 2)).toBe('0.85%');
    expect(minutesSeconds(617.9)).toBe('10 min 18 s');
  });
});

describe('"lowest since" wording', () => {
  it('says nothing under 30 days, "in N days" under 90, and names the month beyond', () => {
    expect(sinceWording('2017-12-16', 1)).toBeNull();
    expect(sinceWording('2025-10-01', 45)).toEqual({ kind: 'in-days', text: 'in 45 days' });
    expect(sinceWording('2025-03-14', 250)).toEqual({ kind: 'since-month', text: 'since March 2025' });
    expect(monthYear('2021-07-03')).toBe('July 2021');
  });
});
