/** How dates read in running text. Dates stay `YYYY-MM-DD` in data; words are for readers. */

export const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

/** `March 2025` from `2025-03-14`. */
export function monthYear(day: string): string {
  const month = Number(day.slice(5, 7));
  return `${MONTHS[month - 1] ?? day.slice(5, 7)} ${day.slice(0, 4)}`;
}

/** `14 March 2025` from `2025-03-14`. */
export function longDate(day: string): string {
  return `${Number(day.slice(8, 10))} ${monthYear(day)}`;
}

/**
 * ` (14 March 2025)` to follow a figure, or nothing when its day is unknown: a reader never sees a blank
 * date.
 */
export function onDay(day: string | null): string {
  return day === null ? '' : ` (${longDate(day)})`;
}

/** `Sunday` from `2025-03-16` (UTC). */
export function weekday(day: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString('en-US', { weekday: 'long', timeZone: 'UTC' });
}

/**
 * "since" wording for a gap of `days` back to `day`, by the rule readers can trust: under 30 days says
 * nothing (null), 30–89 days says "in N days", longer names the month.
 */
export function sinceWording(
  day: string,
  days: number,
): { kind: 'in-days' | 'since-month'; text: string } | null {
  if (days < 30) return null;
  if (days < 90) return { kind: 'in-days', text: `in ${days} days` };
  return { kind: 'since-month', text: `since ${monthYear(day)}` };
}
