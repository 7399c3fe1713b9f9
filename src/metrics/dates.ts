/**
 * UTC calendar-day arithmetic on `YYYY-MM-DD` strings. Kept local to the metrics stage so it depends on
 * nothing but the contract types.
 */

const DAY_MS = 86_400_000;

/** `day` shifted by `n` days (negative = earlier). */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** The UTC day of an ISO 8601 instant, or null when it does not parse. */
export function dayOfInstant(instant: string): string | null {
  const ms = Date.parse(instant);
  return Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 10) : null;
}
