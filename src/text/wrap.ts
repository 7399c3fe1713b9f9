/**
 * Word wrapping for the plain-text part. Counts code points (the text uses − ▲ ▼ and similar, all one
 * column wide). A word longer than the width (a URL) gets a line of its own rather than being broken.
 */

/** Display width of a string in columns. */
export function width(text: string): number {
  return [...text].length;
}

/** Wraps one paragraph to `cols`, prefixing every line after the first with `indent`. */
export function wrap(text: string, cols = 72, indent = ''): string[] {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    const candidate = line ? `${line} ${word}` : `${lines.length ? indent : ''}${word}`;
    if (width(candidate) <= cols || !line) {
      line = candidate;
    } else {
      lines.push(line);
      line = `${indent}${word}`;
    }
  }
  if (line) lines.push(line);
  return lines.length ? lines : [''];
}

/** Pads to `n` columns on the right (left-aligned) or left (right-aligned). */
export function pad(text: string, n: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, n - width(text)));
  return align === 'left' ? text + fill : fill + text;
}
