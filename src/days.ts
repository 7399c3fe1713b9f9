/**
 * Calendar days: `YYYY-MM-DD` strings in UTC, the one way every stage writes, checks and counts them (no
 * local time zones anywhere). Neutral: any stage may use it, and it imports no stage.
 */
import { z } from 'zod';

const DAY_MS = 86_400_000;

/** What a value that is not a calendar day is told. */
export const CALENDAR_DAY_EXPECTED = 'must be a calendar day written YYYY-MM-DD';

/** A real calendar day written `YYYY-MM-DD` (2026-02-30 is refused): the schema of every day field. */
export const calendarDay = z.iso.date({ error: CALENDAR_DAY_EXPECTED });

/** True for a real calendar day written `YYYY-MM-DD`. */
export function isIsoDay(value: string): boolean {
  return calendarDay.safeParse(value).success;
}

/** The UTC day of an instant. */
export function utcDay(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}

/** `day` shifted by `n` days (negative = earlier). */
export function addDays(day: string, n: number): string {
  return utcDay(new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS));
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** The UTC day of a Unix time in seconds. */
export function dayOfUnixSeconds(seconds: number): string {
  return utcDay(new Date(seconds * 1000));
}

/** The UTC day of an ISO 8601 instant, or null when it does not parse. */
export function dayOfInstant(instant: string): string | null {
  const ms = Date.parse(instant);
  return Number.isFinite(ms) ? utcDay(new Date(ms)) : null;
}
