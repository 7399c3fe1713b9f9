/**
 * Replaying an archived issue must reproduce it byte for byte. Three things it depended on are not
 * upstream responses: its id and the previous week's pool figures (read from the archive at the time),
 * both in the archived snapshot.json, and the random nonce of its email placeholders, in its email.json.
 * Replay takes them from there.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { PLACEHOLDER_NONCE } from '../contracts/placeholders';
import { type Snapshot, snapshotSchema } from '../snapshot/schema';
import type { RecordedResponse } from '../sources/recording';
import { parseJsonOrThrow } from '../validated-json';

export class ReplaySnapshotError extends Error {
  override name = 'ReplaySnapshotError';
}

/** The archived snapshot.json in a replay folder, or null for a plain `--record` folder. */
export async function readSnapshotFile(dir: string): Promise<Snapshot | null> {
  const file = path.join(dir, 'snapshot.json');
  const text = await readIfPresent(file);
  return text === null ? null : parseJsonOrThrow(text, snapshotSchema, replayError(file));
}

/** A replay folder's file, or null when the folder has none (a plain `--record` folder). */
function readIfPresent(file: string): Promise<string | null> {
  return readFile(file, 'utf8').catch(() => null);
}

/** How a replay folder's file that cannot be used fails: naming the file and the problem. */
function replayError(file: string) {
  return (problem: string, options: { cause: unknown }) =>
    new ReplaySnapshotError(`${file}: ${problem}`, options);
}

const storedNonceSchema = z.object({
  placeholderNonce: z.string().regex(PLACEHOLDER_NONCE, 'must be 32 lower-case hex digits').optional(),
});

/**
 * The placeholder nonce of the archived email.json in a replay folder; undefined for a plain `--record`
 * folder and for an issue archived before nonces (the replay then draws a new one).
 */
export async function readPlaceholderNonce(dir: string): Promise<string | undefined> {
  const file = path.join(dir, 'email.json');
  const text = await readIfPresent(file);
  return text === null ? undefined : placeholderNonceOf(text, file);
}

/** The placeholder nonce stored in an email.json's text (`file` names it in errors), if it has one. */
export function placeholderNonceOf(text: string, file: string): string | undefined {
  return parseJsonOrThrow(text, storedNonceSchema, replayError(file)).placeholderNonce;
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

/**
 * The as-of day the recorded report asked for, if it asked for one (Coin Metrics `end_time`). Replay must
 * repeat the original requests exactly, so a report made without `--as-of` is replayed without one.
 */
export function requestedAsOf(recordings: readonly RecordedResponse[]): string | undefined {
  for (const recording of recordings) {
    if (recording.source !== 'coinmetrics') continue;
    const endTime = new URL(recording.url).searchParams.get('end_time');
    if (endTime) return endTime.slice(0, 10);
  }
  return undefined;
}

/** The base URL of a recorded request: everything before the first of `markers` in its path. */
function baseBefore(url: string, markers: readonly string[]): string | undefined {
  for (const marker of markers) {
    const at = url.indexOf(marker);
    if (at > 0) return url.slice(0, at);
  }
  return undefined;
}

/**
 * The upstream base URLs the recorded report used. Provenance in the snapshot names the URLs really
 * fetched, so a replay reports those, not whatever the replaying machine has configured.
 */
export function recordedBaseUrls(recordings: readonly RecordedResponse[]): {
  coinMetricsUrl?: string;
  mempoolUrl?: string;
} {
  const out: { coinMetricsUrl?: string; mempoolUrl?: string } = {};
  for (const recording of recordings) {
    const isCoinMetrics = recording.source === 'coinmetrics';
    const base = baseBefore(recording.url, isCoinMetrics ? ['/timeseries/'] : ['/v1/', '/blocks/']);
    // Only bases actually found: an absent one leaves the configured URL in place.
    if (base === undefined) continue;
    if (isCoinMetrics) out.coinMetricsUrl ??= base;
    else out.mempoolUrl ??= base;
  }
  return out;
}
