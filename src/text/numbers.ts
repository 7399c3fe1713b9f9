/**
 * How numbers read, everywhere a reader sees one: the narrative, alerts, the email, the web page and the
 * text part. One precision and one sign convention per unit, so the same figure never appears two ways:
 * hashprice to the cent, hashrate in whole units, changes to one decimal with "+" or "−" (U+2212).
 * Snapshot numbers stay unrounded; rounding happens only here. `null` reads as "unavailable".
 */

/** What every formatter prints for a missing value (renderers avoid printing it in running text). */
export const UNAVAILABLE = 'unavailable';

/** U+2212, the typographic minus. */
export const MINUS = '\u2212';

function fixed(value: number, digits: number): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Rounds half away from zero at `digits`, so a printed value and its sign agree. */
function rounded(value: number, digits: number): number {
  const r = Number(value.toFixed(digits));
  return Object.is(r, -0) ? 0 : r;
}

function signed(text: string, value: number): string {
  if (value > 0) return `+${text}`;
  if (value < 0) return `${MINUS}${text}`;
  return text;
}

/** `$84,775`, `$41.20`, `$0.083`: whole dollars from $1,000, cents from $1, three decimals below. */
export function usd(value: number | null, digits?: number): string {
  if (value === null) return UNAVAILABLE;
  const d = digits ?? (Math.abs(value) >= 1000 ? 0 : Math.abs(value) >= 1 ? 2 : 3);
  const r = rounded(value, d);
  const text = `$${fixed(Math.abs(r), d)}`;
  return r < 0 ? `${MINUS}${text}` : text;
}

/** `$1.23 trillion`, `$1.23 billion`, `$45.6 million`, `$890k`, then as `usd` with whole dollars. */
export function usdCompact(value: number | null): string {
  if (value === null) return UNAVAILABLE;
  const abs = Math.abs(value);
  const sign = value < 0 ? MINUS : '';
  if (abs >= 1e12) return `${sign}$${fixed(abs / 1e12, 2)} trillion`;
  if (abs >= 1e9) return `${sign}$${fixed(abs / 1e9, 2)} billion`;
  if (abs >= 1e6) return `${sign}$${fixed(abs / 1e6, 1)} million`;
  if (abs >= 1e4) return `${sign}$${fixed(abs / 1e3, 0)}k`;
  return usd(value, abs >= 1 ? 0 : 2);
}

/** Hashprice, always to the cent: `$37.25/PH/day`. */
export function hashpriceUsd(value: number | null): string {
  return value === null ? UNAVAILABLE : `${usd(value, 2)}/PH/day`;
}

/** BTC hashprice: `0.000452 BTC/PH/day`. */
export function hashpriceBtc(value: number | null): string {
  return value === null ? UNAVAILABLE : `${btc(value)}/PH/day`;
}

/** Signed percentage change: `+4.2%`, `−6.1%`, `0.0%`. */
export function pctChange(value: number | null, digits = 1): string {
  if (value === null) return UNAVAILABLE;
  const r = rounded(value, digits);
  return signed(`${fixed(Math.abs(r), digits)}%`, r);
}

/** Unsigned share: `31.2%`. */
export function pct(value: number | null, digits = 1): string {
  if (value === null) return UNAVAILABLE;
  return `${fixed(rounded(value, digits), digits)}%`;
}

/** Percentage points: `+1.4 pp`. */
export function ppChange(value: number | null, digits = 1): string {
  if (value === null) return UNAVAILABLE;
  const r = rounded(value, digits);
  return signed(`${fixed(Math.abs(r), digits)} pp`, r);
}

/** Plain number with grouping, `−` for negatives. */
export function num(value: number | null, digits = 0): string {
  if (value === null) return UNAVAILABLE;
  const r = rounded(value, digits);
  return r < 0 ? `${MINUS}${fixed(-r, digits)}` : fixed(r, digits);
}

/** BTC with digits that suit the size: `3.125 BTC`, `1.5625 BTC`, `0.000452 BTC`, `1,234 BTC`. */
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

/**
 * Hashrate in whole units of the largest unit that is at least 1: `1,083 EH/s`; early history falls back
 * to PH/s, TH/s or GH/s so a small network never reads as "0 EH/s".
 */
export function hashrateEhs(value: number | null): string {
  if (value === null) return UNAVAILABLE;
  const units: [number, string][] = [
    [1, 'EH/s'],
    [1e-3, 'PH/s'],
    [1e-6, 'TH/s'],
    [1e-9, 'GH/s'],
  ];
  for (const [scale, unit] of units) {
    if (Math.abs(value) >= scale) return `${num(value / scale, 0)} ${unit}`;
  }
  return `${num(value / 1e-9, 2)} GH/s`;
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

/** Difficulty in trillions: `142.30 T`. */
export function difficultyT(value: number | null): string {
  if (value === null) return UNAVAILABLE;
  return `${fixed(value / 1e12, 2)} T`;
}

/** Power price: `$0.060/kWh`. */
export function perKwh(value: number | null): string {
  return value === null ? UNAVAILABLE : `${usd(value, 3)}/kWh`;
}

/** A duration in seconds as `9 min 42 s`. */
export function minutesSeconds(seconds: number | null): string {
  if (seconds === null) return UNAVAILABLE;
  const total = Math.round(seconds);
  return `${Math.floor(total / 60)} min ${total % 60} s`;
}

/** "up 3.2%" / "down 3.2%" / "flat" (a move that rounds to 0.0%). */
export function upDown(value: number, digits = 1): string {
  const r = rounded(value, digits);
  if (r === 0) return 'flat';
  return `${r > 0 ? 'up' : 'down'} ${pct(Math.abs(r), digits)}`;
}

/** A magnitude without sign: `3.2%` for −3.2. */
export function pctAbs(value: number, digits = 1): string {
  return pct(Math.abs(value), digits);
}

/** Direction of a change as it will be printed; a move that rounds to zero is flat. */
export type Direction = 'up' | 'down' | 'flat';
export function direction(value: number, digits = 1): Direction {
  const r = rounded(value, digits);
  return r > 0 ? 'up' : r < 0 ? 'down' : 'flat';
}
