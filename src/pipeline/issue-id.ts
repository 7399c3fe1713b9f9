/**
 * Issue ids. The weekly issue (and any report for a given as-of day) is its as-of date, so re-running
 * it is idempotent; sample-data issues carry `-sample` so they can never take a live issue's id; an
 * ad-hoc manual report gets a time suffix so it never collides with the weekly one.
 */

export type IssueKind = 'weekly' | 'ad-hoc';

export function issueIdFor(asOf: string, options: { kind: IssueKind; sample: boolean; now: Date }): string {
  const base = options.sample ? `${asOf}-sample` : asOf;
  if (options.kind === 'weekly') return base;
  const stamp = options.now.toISOString().slice(11, 19).replaceAll(':', '');
  return `${base}-adhoc-${stamp}`;
}
