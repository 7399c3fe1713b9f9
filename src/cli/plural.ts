/**
 * Counted nouns for CLI output: "1 subscriber", "2 subscribers", never "1 subscribers" or "(s)".
 */

/** `n` and the noun in the number it needs; `plural` for nouns that do not just take an s. */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
