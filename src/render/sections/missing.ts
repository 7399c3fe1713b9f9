/**
 * Missing data, said once per section in a plain sentence ("Not available for this issue: the fee share
 * and the next difficulty adjustment."), never as an "unavailable" slotted into a template.
 */
import type { Figure, Row } from '../model';

/** A figure whose value may be missing (null drops the row). */
export interface MaybeFigure extends Omit<Figure, 'value'> {
  value: string | null;
  /** How the sentence names it when missing, e.g. "the fee share of revenue". */
  missingAs: string;
}

/** "a", "a and b", "a, b and c". */
export function listWords(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** One sentence naming what is missing, or null when nothing is. */
export function missingSentence(missing: readonly string[]): string | null {
  return missing.length === 0 ? null : `Not available for this issue: ${listWords(missing)}.`;
}

/** The figures that have a value, and the names of those that do not. */
export function presentFigures(candidates: readonly MaybeFigure[]): { figures: Figure[]; missing: string[] } {
  const figures: Figure[] = [];
  const missing: string[] = [];
  for (const c of candidates) {
    if (c.value === null) missing.push(c.missingAs);
    else figures.push({ label: c.label, value: c.value, change: c.change });
  }
  return { figures, missing };
}

/** Rows whose cells are all present; a row with a missing cell is named in `missing` instead. */
export function presentRows(
  candidates: readonly { cells: (string | null)[]; tone?: Row['tone']; missingAs: string }[],
): { rows: Row[]; missing: string[] } {
  const rows: Row[] = [];
  const missing: string[] = [];
  for (const c of candidates) {
    if (c.cells.some((cell) => cell === null)) missing.push(c.missingAs);
    else rows.push({ cells: c.cells as string[], ...(c.tone ? { tone: c.tone } : {}) });
  }
  return { rows, missing };
}

/** `value` through `format` when present, else null. */
export function maybe<T>(value: T | null, format: (v: T) => string): string | null {
  return value === null ? null : format(value);
}
