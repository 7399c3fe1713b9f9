/** Number formatting the way Coin Metrics serves values: plain decimals, never exponents. */

/** `value` with at most `maxDecimals` decimals, trailing zeros dropped (`471.875`, `3375`, `0`). */
export function plainDecimal(value: number, maxDecimals: number): string {
  if (!Number.isFinite(value) || Math.abs(value) >= 1e21) {
    throw new RangeError(`cannot write ${value} as a plain decimal`);
  }
  const fixed = value.toFixed(maxDecimals);
  const trimmed = fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
  return trimmed === '-0' ? '0' : trimmed;
}
