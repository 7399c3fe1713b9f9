/**
 * The manifests' entries: one issue's line in `index.json` and one alert edition's in `alerts/index.json`,
 * with the order both lists keep. src/archive writes them; src/render draws the archive index page and the
 * feeds from them, and hands back the feeds' bodies (RenderedFeeds) for the archive to write.
 */
import { z } from 'zod';

export const archivedFileSchema = z.object({
  key: z.string(),
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  contentType: z.string(),
});

export const issueIndexEntrySchema = z.object({
  issueId: z.string(),
  asOf: z.string(),
  generatedAt: z.string(),
  sample: z.boolean(),
  headline: z.object({
    hashpriceUsdPerPhDay: z.number().finite().nullable(),
    hashpriceChange7dPct: z.number().finite().nullable(),
    priceUsd: z.number().finite().nullable(),
    hashrateEhs7d: z.number().finite().nullable(),
  }),
  /**
   * The issue's subject line and the first sentences of its narrative, for the feeds. Absent in entries
   * written before the feeds existed (and in entries rebuilt from a snapshot alone, which has no subject).
   */
  title: z.string().min(1).optional(),
  summary: z.string().min(1).optional(),
  /** Public files by name relative to the issue folder (e.g. `snapshot.json`, `charts/pools.png`). */
  files: z.record(z.string(), archivedFileSchema),
});

export type IssueIndexEntry = z.infer<typeof issueIndexEntrySchema>;

/**
 * One mid-week alert edition's line in `alerts/index.json` and in the feeds: the alert that tripped on
 * `asOf` (its event day), when the edition was made, and its public files under `alerts/<editionId>/`.
 */
export const alertIndexEntrySchema = z.object({
  /** `<asOf>-<alertId>`: one edition per alert event. */
  editionId: z.string(),
  alertId: z.string(),
  asOf: z.string(),
  createdAt: z.string(),
  severity: z.enum(['info', 'warning', 'critical']),
  /** The edition's subject line. */
  title: z.string().min(1),
  /** The alert as one sentence. */
  summary: z.string().min(1),
  /**
   * Every alert rule's level recorded by this edition (0 = not tripped): the next alert run compares
   * against the latest of these and the last weekly issue's `alertLevels`.
   */
  levels: z.record(z.string(), z.number().int().nonnegative()),
  files: z.record(z.string(), archivedFileSchema),
});

export type AlertIndexEntry = z.infer<typeof alertIndexEntrySchema>;
export type ArchivedFile = z.infer<typeof archivedFileSchema>;

/**
 * Live issues first, then sample issues; each group newest first (asOf, then generatedAt, then issueId,
 * all descending). A sample issue therefore never leads (latest.json, the top of index.html) while a
 * live issue exists, however recent it is.
 */
export function sortEntries(entries: readonly IssueIndexEntry[]): IssueIndexEntry[] {
  const key = (e: IssueIndexEntry) => [e.asOf, e.generatedAt, e.issueId] as const;
  return [...entries].sort((a, b) => {
    if (a.sample !== b.sample) return a.sample ? 1 : -1;
    const [ka, kb] = [key(a), key(b)];
    for (let i = 0; i < ka.length; i++) {
      const x = ka[i] ?? '';
      const y = kb[i] ?? '';
      if (x !== y) return x < y ? 1 : -1;
    }
    return 0;
  });
}

/** Alert editions newest first: asOf, then createdAt, then editionId, all descending. */
export function sortAlertEntries(entries: readonly AlertIndexEntry[]): AlertIndexEntry[] {
  const key = (e: AlertIndexEntry) => `${e.asOf}\u0000${e.createdAt}\u0000${e.editionId}`;
  return [...entries].sort((a, b) => (key(a) < key(b) ? 1 : key(a) > key(b) ? -1 : 0));
}

/** The two feeds' bodies, drawn from the issues (manifest order) and the alert editions (newest first). */
export interface RenderedFeeds {
  atom: string;
  json: string;
}
