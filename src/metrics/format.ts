/** Number wording for the narrative and alerts (the snapshot itself stays unrounded). */

const grouped0 = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const grouped2 = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** USD with a scale word for large amounts: $1.23 billion, $45.6 million, $84,775, $41.20. */
export function usd(x: number): string {
  const abs = Math.abs(x);
  const sign = x < 0 ? '-' : '';
  if (abs >= 1e9) return `${sign}$${(abs / 1e9).toFixed(abs >= 1e11 ? 0 : 2)} billion`;
  if (abs >= 1e6) return `${sign}$${(abs / 1e6).toFixed(1)} million`;
  if (abs >= 100) return `${sign}$${grouped0.format(abs)}`;
  return `${sign}$${grouped2.format(abs)}`;
}

/** A magnitude in %, one decimal: 3.2%. */
export function pct(x: number): string {
  return `${Math.abs(x).toFixed(1)}%`;
}

/** "up 3.2%" / "down 3.2%" / "flat". */
export function upDown(x: number): string {
  if (Math.abs(x) < 0.05) return 'flat';
  return `${x > 0 ? 'up' : 'down'} ${pct(x)}`;
}

/** A plain number with thousands separators and no decimals. */
export function whole(x: number): string {
  return grouped0.format(x);
}
