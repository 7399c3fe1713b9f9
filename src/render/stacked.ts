/**
 * Tables on a phone: below 480 px each row is stacked, its first cell as the row's title and every other
 * cell on a line of its own, led by its column's name (so "J/TH 13.5" still says what 13.5 is). Shared by
 * the email and the web edition so both stack the same way.
 */
import type { Column } from './model';

/** Widest viewport, CSS px, at which tables are stacked. */
export const STACK_BELOW_PX = 480;

/**
 * The label printed before each cell when the row is stacked: none for the first column (it titles the
 * row) and none in a two-column table, where the value under its measure needs no name.
 */
export function stackedLabels(columns: Column[]): (string | null)[] {
  return columns.map((c, i) => (i === 0 || columns.length === 2 ? null : c.label));
}

/** Stacked labels of a figures table: Measure, Value, and the change column named by `changeLabel`. */
export function figureLabels(changeLabel: string): (string | null)[] {
  return changeLabel ? [null, null, changeLabel] : [null, null];
}
