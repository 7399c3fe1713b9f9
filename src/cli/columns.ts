/**
 * Plain-text tables for CLI output: each column padded to its widest cell, two spaces between columns,
 * so rows line up however wide an issue id or a number is.
 */

/** Rows of cells as aligned lines (no trailing spaces); empty cells still hold their column. */
export function alignColumns(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, [...cell].length);
    });
  return rows.map((row) =>
    row
      .map((cell, i) => cell + ' '.repeat((widths[i] ?? 0) - [...cell].length))
      .join('  ')
      .trimEnd(),
  );
}
