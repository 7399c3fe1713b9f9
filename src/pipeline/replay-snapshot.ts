/**
 * Replaying an archived issue must reproduce it byte for byte. Two things it depended on are not upstream
 * responses: its id, and the previous week's pool figures (read from the archive at the time). Both are in
 * the archived snapshot.json, so replay takes them from there.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { type Snapshot, snapshotSchema } from '../snapshot/schema';

export class ReplaySnapshotError extends Error {
  override name = 'ReplaySnapshotError';
}

/** The archived snapshot.json in a replay folder, or null for a plain `--record` folder. */
export async function readSnapshotFile(dir: string): Promise<Snapshot | null> {
  const file = path.join(dir, 'snapshot.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return null;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ReplaySnapshotError(`${file} is not valid JSON`, { cause: error });
  }
  const parsed = snapshotSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ReplaySnapshotError(`${file}: field ${issue?.path.join('.')} ${issue?.message}`);
  }
  return parsed.data;
}

/**
 * A stand-in for the previous issue, carrying exactly the figures the original report took from it
 * (`metrics.pools.previousWeek`), or null when it had none.
 */
export function previousFromArchived(original: Snapshot): Snapshot | null {
  const week = original.metrics.pools.previousWeek;
  if (!week) return null;
  return {
    ...original,
    issueId: week.issueId,
    metrics: {
      ...original.metrics,
      pools: {
        ...original.metrics.pools,
        hhi: week.hhi,
        nakamotoCoefficient: week.nakamotoCoefficient,
        topPoolSharePct: week.topPoolSharePct,
        previousWeek: null,
      },
    },
  };
}
