/** Number formatting the way Coin Metrics serves values: plain decimals, never exponents. */

/** `value` with at most `maxDecimals` decimals, trailing zeros dropped (`471.875`, `3375`, `0`). */
export function plainDecimal(value: number, maxDecimals: number): string {
  if (!Number.isFinite(value) || Math.abs(value) >= 1e21) {
    throw new RangeError(`cannot write ${value} as a plain decimal`);
  }
  const fixed = value.toFixed(maxDecimals);
  if (maxDecimals === 0) return fixed === '-0' ? '0' : fixed;
  // Trim trailing zeros (and a bare point) by index: this runs ~40k times per sample dataset.
  let end = fixed.length;
  while (fixed.charCodeAt(end - 1) === 48) end--;
  if (fixed.charCodeAt(end - 1) === 46) end--;
  const trimmed = fixed.slice(0, end);
  return trimmed === '-0' ? '0' : trimmed;
}
