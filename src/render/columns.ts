/** The columns of a table of figures, the one way every section and renderer sets them out. */
import type { Column } from './model';

/**
 * A first column naming each row, left-aligned, then one right-aligned column per figure so the digits
 * line up.
 */
export function figureColumns(rowName: string, ...figures: string[]): Column[] {
  return [{ label: rowName, align: 'left' }, ...figures.map((label) => ({ label, align: 'right' as const }))];
}
