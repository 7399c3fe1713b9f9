/**
 * One issue's line in `index.json` (the manifest) and on the archive index page. Shared by src/archive
 * (writes it) and src/render (draws index.html from a list of them).
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
  /** Public files by name relative to the issue folder (e.g. `snapshot.json`, `charts/pools.png`). */
  files: z.record(z.string(), archivedFileSchema),
});

export type IssueIndexEntry = z.infer<typeof issueIndexEntrySchema>;
export type ArchivedFile = z.infer<typeof archivedFileSchema>;
