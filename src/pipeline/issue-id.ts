/**
 * Issue ids. An issue is identified by its as-of day: every report, weekly or on demand, for a given day
 * is built from the same data up to that day, so it is the same issue, and re-running it is a no-op. An
 * on-demand report for another day gets that day's id, distinct from the weekly one. Sample-data issues
 * carry `-sample` so they can never take a live issue's id.
 */
export function issueIdFor(asOf: string, options: { sample: boolean }): string {
  return options.sample ? `${asOf}-sample` : asOf;
}
