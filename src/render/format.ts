/**
 * Number and date formatting for readers. Snapshot numbers are unrounded; rounding happens only here.
 * Every formatter turns `null` into the word "unavailable" so a missing input can never show as 0 or NaN.
 */

/** What every formatter prints for a missing value. */
export const UNAVAILABLE = 'unavailable';

/** U+2212, the typographic minus: reads better than a hyphen next to digits. */
const MINUS = '\u2212';

function fixed(value: number, digits: number): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function signed(text: string, value: number): string {
  if (value > 0) return `+${text}`;
  if (value < 0) return `${MINUS}${text}`;
  return text;
}

/** `$38.9`, `$101,234`: digits chosen by magnitude unless given. */
export function usd(value: number | null, digits?: number): string {
  if (value === null) return UNAVAILABLE;
  const d = digits ?? (Math.abs(value) >= 1000 ? 0 : Math.abs(value) >= 1 ? 2 : 3);
  const text = `$${fixed(Math.abs(value), d)}`;
  return value < 0 ? `${MINUS}${text}` : text;
}

/** `$1.23 billion`, `$45.6 million`, `$890k`: for budgets and attack costs. */
export function usdCompact(value: number | null): string {
  if (value === null) return UNAVAILABLE;
  const abs = Math.abs(value);
  const sign = value < 0 ? MINUS : '';
  if (abs >= 1e12) return `${sign}$${fixed(abs / 1e12, 2)} trillion`;
  if (abs >= 1e9) return `${sign}$${fixed(abs / 1e9, 2)} billion`;
  if (abs >= 1e6) return `${sign}$${fixed(abs / 1e6, 1)} million`;
  if (abs >= 1e4) return `${sign}$${fixed(abs / 1e3, 0)}k`;
  return usd(value, 0);
}

/** Signed percentage change: `+4.2%`, `−6.1%`. */
export function pctChange(value: number | null, digits = 1): string {
  if (value === null) return UNAVAILABLE;
  const rounded = Number(value.toFixed(digits));
  return signed(`${fixed(Math.abs(rounded), digits)}%`, rounded);
}

/** Unsigned share: `31.2%`. */
export function pct(value: number | null, digits = 1): string {
  if (value === null) return UNAVAILABLE;
  return `${fixed(value, digits)}%`;
}

/** Percentage points difference: `+1.4 pp`. */
export function ppChange(value: number | null, digits = 1): string {
  if (value === null) return UNAVAILABLE;
  const rounded = Number(value.toFixed(digits));
  return signed(`${fixed(Math.abs(rounded), digits)} pp`, rounded);
}

/** Plain number with grouping. */
export function num(value: number | null, digits = 0): string {
  if (value === null) return UNAVAILABLE;
  return value < 0 ? `${MINUS}${fixed(-value, digits)}` : fixed(value, digits);
}

/** BTC amounts with significant digits that suit their size: `3.125 BTC`, `0.000452 BTC`. */
export function btc(value: number | null): string {
  if (value === null) return UNAVAILABLE;
  const abs = Math.abs(value);
  const text =
    abs >= 100
      ? fixed(abs, 0)
      : abs >= 1
        ? abs.toLocaleString('en-US', { maximumFractionDigits: 4 })
        : abs === 0
          ? '0'
          : abs.toPrecision(3);
  return `${value < 0 ? MINUS : ''}${text} BTC`;
}

/** Probability in [0, 1] as a percentage that stays readable when tiny: `12.4%`, `0.031%`, `< 0.0001%`. */
export function probability(value: number | null): string {
  if (value === null) return UNAVAILABLE;
  const p = value * 100;
  if (p === 0) return '0%';
  if (p < 0.0001) return '< 0.0001%';
  if (p >= 10) return `${fixed(p, 1)}%`;
  if (p >= 1) return `${fixed(p, 2)}%`;
  return `${Number(p.toPrecision(2))}%`;
}

/** Difficulty in trillions: `142.3 T`. */
export function difficultyT(value: number | null): string {
  if (value === null) return UNAVAILABLE;
  return `${fixed(value / 1e12, 2)} T`;
}

/** `2026-11-23 00:14 UTC` from an ISO instant (any offset), or unavailable. */
export function utcMinute(instant: string | null): string {
  if (instant === null) return UNAVAILABLE;
  const d = new Date(instant);
  if (Number.isNaN(d.getTime())) return UNAVAILABLE;
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 16)} UTC`;
}

/** Direction of a change for arrows and colour; a tiny move counts as flat. */
export type Direction = 'up' | 'down' | 'flat';

/** Direction of a change rounded as it will be printed. */
export function direction(value: number, digits = 1): Direction {
  const rounded = Number(value.toFixed(digits));
  return rounded > 0 ? 'up' : rounded < 0 ? 'down' : 'flat';
}

/** Arrow glyphs (present in DejaVu and common mail fonts). */
export const ARROWS: Record<Direction, string> = { up: '\u25B2', down: '\u25BC', flat: '\u25AC' };
