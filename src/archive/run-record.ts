/**
 * Run records: the private bookkeeping that makes one issue come from one set of inputs, whatever
 * crashes, retries or concurrent runs happen (docs/archive.md, "One issue, one set of inputs").
 *
 * - `runs/issues/<issueId>.json`, the issue's run record. It holds the lease of the run producing the
 *   issue now, and, once that run has archived its upstream responses, the committed inputs: the raw/
 *   files and the context (previous issue, render settings) every other file of the issue is made from.
 *   Committed inputs never change; a run that finds them resumes from them instead of fetching.
 * - `runs/days/<YYYY-MM-DD>[-sample].json`, a day record: the issue a run without an as-of day resolved
 *   to on that UTC day, so a rerun the same day knows its issue id without asking any upstream.
 *
 * Every write is conditional (create-if-absent or If-Match on the version read), so two runs can never
 * both hold a lease, and a run that lost its lease finds out at its next write instead of overwriting.
 * Objects per issue: one run record and at most one day record, whatever the archive's size.
 */

import { z } from 'zod';
import { calendarDay } from '../days';
import type { Clock, Random, Sleep } from '../ports';
import { ArchiveStoreError } from './errors';
import { assertIssueId } from './keys';
import type { ArchiveStore, PutOptions } from './store';
import { readStoredJson } from './stored-json';

export const RUNS_PREFIX = 'runs/';
export const RUN_RECORD_SCHEMA_VERSION = 1;

const isoInstant = z.string().datetime({ offset: true });

/** Who holds an issue and until when. `host`/`pid` let a local rerun see at once that the holder died. */
export const leaseSchema = z.object({
  owner: z.string().min(1),
  host: z.string(),
  pid: z.number().int(),
  claimedAt: isoInstant,
  expiresAt: isoInstant,
});
export type Lease = z.infer<typeof leaseSchema>;

/** One archived upstream response of the committed set. */
export const committedRawSchema = z.object({
  name: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().nonnegative(),
});

/**
 * The one set of inputs of an issue. `context` is the pipeline's (previous issue, render settings); the
 * archive stores it as given and the pipeline validates it when reading.
 */
export const committedInputsSchema = z.object({
  committedAt: isoInstant,
  raw: z.array(committedRawSchema).min(1),
  context: z.record(z.string(), z.unknown()),
});
export type CommittedInputs = z.infer<typeof committedInputsSchema>;

export const runRecordSchema = z.object({
  schemaVersion: z.literal(RUN_RECORD_SCHEMA_VERSION),
  issueId: z.string(),
  asOf: calendarDay,
  lease: leaseSchema.nullable(),
  inputs: committedInputsSchema.nullable(),
  completedAt: isoInstant.nullable(),
});
export type RunRecord = z.infer<typeof runRecordSchema>;

export const runDaySchema = z.object({
  schemaVersion: z.literal(RUN_RECORD_SCHEMA_VERSION),
  day: calendarDay,
  kind: z.enum(['live', 'sample']),
  issueId: z.string(),
  asOf: calendarDay,
  recordedAt: isoInstant,
});
export type RunDay = z.infer<typeof runDaySchema>;
export type RunKind = RunDay['kind'];

/** `runs/deliveries/<issueId>.json`: the issue's mailing to the list was planned (enqueued) once. */
export const deliveryRecordSchema = z.object({
  schemaVersion: z.literal(RUN_RECORD_SCHEMA_VERSION),
  issueId: z.string(),
  plannedAt: isoInstant,
  recipients: z.number().int().nonnegative(),
  queued: z.number().int().nonnegative(),
});
export type DeliveryRecord = z.infer<typeof deliveryRecordSchema>;

/** A run record or day record that is not what this version wrote. */
export class CorruptRunRecordError extends Error {
  override name = 'CorruptRunRecordError';
}

/** This run's lease was taken over (it ran past its expiry) or the record changed under it. */
export class ClaimLostError extends Error {
  override name = 'ClaimLostError';
}

/** `runs/issues/<issueId>.json`. */
export function runRecordKey(issueId: string): string {
  assertIssueId(issueId);
  return `${RUNS_PREFIX}issues/${issueId}.json`;
}

/** `runs/days/<day>.json` for live runs, `runs/days/<day>-sample.json` for sample runs. */
export function runDayKey(day: string, kind: RunKind): string {
  if (!calendarDay.safeParse(day).success)
    throw new CorruptRunRecordError(`not a day: ${JSON.stringify(day)}`);
  return `${RUNS_PREFIX}days/${day}${kind === 'sample' ? '-sample' : ''}.json`;
}

/** `runs/deliveries/<issueId>.json`. */
export function deliveryRecordKey(issueId: string): string {
  assertIssueId(issueId);
  return `${RUNS_PREFIX}deliveries/${issueId}.json`;
}

const RECORD_PUT: PutOptions = { contentType: 'application/json', cacheControl: 'no-store' };

/** The record at `key` and its version, or null when there is none; throws CorruptRunRecordError naming the key. */
function readRecord<T>(
  store: ArchiveStore,
  key: string,
  schema: z.ZodType<T>,
): Promise<{ value: T; etag: string } | null> {
  return readStoredJson(
    store,
    key,
    schema,
    (problem, options) => new CorruptRunRecordError(`${key}: ${problem}`, options),
  );
}

const serialise = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** The issue's run record and its version, or null when no run has claimed the issue yet. */
export async function readRunRecord(
  store: ArchiveStore,
  issueId: string,
): Promise<{ record: RunRecord; etag: string } | null> {
  const read = await readRecord(store, runRecordKey(issueId), runRecordSchema);
  return read && { record: read.value, etag: read.etag };
}

/** The issue a run of `kind` without an as-of day resolved to on `day`, or null. */
export async function readRunDay(store: ArchiveStore, day: string, kind: RunKind): Promise<RunDay | null> {
  return (await readRecord(store, runDayKey(day, kind), runDaySchema))?.value ?? null;
}

/**
 * Records what a run without an as-of day resolved to on `day`, unless a run that day already did:
 * returns the record that stands (ours, or the earlier one, which then wins).
 */
export async function recordRunDay(
  store: ArchiveStore,
  entry: Omit<RunDay, 'schemaVersion' | 'recordedAt'>,
  clock: Clock,
): Promise<RunDay> {
  const record: RunDay = {
    schemaVersion: RUN_RECORD_SCHEMA_VERSION,
    ...entry,
    recordedAt: clock().toISOString(),
  };
  const key = runDayKey(entry.day, entry.kind);
  for (let round = 0; round < 2; round++) {
    if ((await store.putIfAbsent(key, serialise(record), RECORD_PUT)) === 'created') return record;
    const existing = await readRunDay(store, entry.day, entry.kind);
    if (existing) return existing;
  }
  throw new ArchiveStoreError(`${key} was reported as existing but could not be read back; try again.`);
}

/** The issue's recorded delivery plan, or null when its mailing was never planned (or not recorded). */
export async function readDeliveryRecord(
  store: ArchiveStore,
  issueId: string,
): Promise<DeliveryRecord | null> {
  return (await readRecord(store, deliveryRecordKey(issueId), deliveryRecordSchema))?.value ?? null;
}

/**
 * Records that the issue's mailing was enqueued, after the enqueue: a run dying in between plans again
 * (the send ledger keeps that from mailing anyone twice); a later rerun sees this and plans nothing.
 */
export async function recordDelivery(
  store: ArchiveStore,
  plan: { issueId: string; recipients: number; queued: number },
  clock: Clock,
): Promise<void> {
  const record: DeliveryRecord = {
    schemaVersion: RUN_RECORD_SCHEMA_VERSION,
    ...plan,
    plannedAt: clock().toISOString(),
  };
  await store.putIfAbsent(deliveryRecordKey(plan.issueId), serialise(record), RECORD_PUT);
}

/** Lease timing. */
export interface ClaimSettings {
  /** How long a lease lasts without renewal. The holder renews it at every stage. Default 120 s. */
  leaseMs: number;
  /**
   * How long a run waits for another run's lease (to see the issue completed, or to take over a lease
   * that ran out) before giving up with "in progress". Default: the lease plus 15 s, so a waiter always
   * outlasts a dead holder's lease.
   */
  waitMs: number;
  /** Between looks at the record while waiting. Default 1 s (with jitter). */
  pollMs: number;
}

export const DEFAULT_CLAIM_SETTINGS: ClaimSettings = { leaseMs: 120_000, waitMs: 135_000, pollMs: 1_000 };

/** Resolves partial settings: a custom lease moves the default wait with it. */
export function claimSettings(partial: Partial<ClaimSettings> = {}): ClaimSettings {
  const leaseMs = partial.leaseMs ?? DEFAULT_CLAIM_SETTINGS.leaseMs;
  return {
    leaseMs,
    waitMs: partial.waitMs ?? leaseMs + 15_000,
    pollMs: partial.pollMs ?? DEFAULT_CLAIM_SETTINGS.pollMs,
  };
}

export interface ClaimDeps {
  clock: Clock;
  sleep: Sleep;
  random: Random;
  /** This process, for the lease (`host`, `pid`). */
  process?: { host: string; pid: number };
  /**
   * True when the lease's holder is known to be dead (e.g. a local process that no longer exists), so
   * its lease is taken over without waiting for it to run out. Absent: only expiry frees a lease.
   */
  holderGone?: (lease: Lease) => boolean;
}

/** A held claim on one issue; every method is a conditional write that fails if the lease was lost. */
export interface IssueClaim {
  readonly record: RunRecord;
  /** Extends the lease; throws ClaimLostError when someone else took it. */
  renew(): Promise<void>;
  /** Stores the one set of inputs (once; they never change) and renews the lease. */
  commitInputs(inputs: Omit<CommittedInputs, 'committedAt'>): Promise<RunRecord>;
  /** Marks the issue complete and gives the lease up. */
  complete(): Promise<void>;
  /** Gives the lease up without completing (the run failed); best effort, never throws. */
  release(): Promise<void>;
}

export type ClaimOutcome =
  | { kind: 'claimed'; claim: IssueClaim }
  /** Another run holds the issue and did not finish while we waited. */
  | { kind: 'in-progress'; lease: Lease }
  /** The issue was completed while we waited (the caller reads it). */
  | { kind: 'complete' };

/**
 * Claims `issueId` for this run: creates its run record with our lease, or takes the lease over when it
 * is free, ran out or its holder is gone. Otherwise waits (up to `waitMs`) for the holder to finish.
 * `isComplete` is asked while waiting, so a waiter stops as soon as the issue is archived.
 */
export async function claimIssue(
  store: ArchiveStore,
  target: { issueId: string; asOf: string },
  deps: ClaimDeps,
  settings: ClaimSettings,
  isComplete: () => Promise<boolean>,
): Promise<ClaimOutcome> {
  const key = runRecordKey(target.issueId);
  const owner = ownerToken(deps.random);
  const me = deps.process ?? { host: '', pid: 0 };
  const newLease = (): Lease => {
    const now = deps.clock();
    return {
      owner,
      host: me.host,
      pid: me.pid,
      claimedAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + settings.leaseMs).toISOString(),
    };
  };
  const started = deps.clock().getTime();

  for (;;) {
    const current = await readRunRecord(store, target.issueId);
    if (!current) {
      const record: RunRecord = {
        schemaVersion: RUN_RECORD_SCHEMA_VERSION,
        issueId: target.issueId,
        asOf: target.asOf,
        lease: newLease(),
        inputs: null,
        completedAt: null,
      };
      const etag = await store.putIfMatch(key, serialise(record), null, RECORD_PUT);
      if (etag !== 'conflict')
        return { kind: 'claimed', claim: heldClaim(store, key, record, etag, deps, settings) };
      continue;
    }
    const { record, etag } = current;
    if (leaseIsFree(record.lease, deps)) {
      const taken: RunRecord = { ...record, lease: newLease() };
      const newEtag = await store.putIfMatch(key, serialise(taken), etag, RECORD_PUT);
      if (newEtag !== 'conflict') {
        return { kind: 'claimed', claim: heldClaim(store, key, taken, newEtag, deps, settings) };
      }
      continue;
    }
    if (await isComplete()) return { kind: 'complete' };
    const waited = deps.clock().getTime() - started;
    if (waited >= settings.waitMs && record.lease) return { kind: 'in-progress', lease: record.lease };
    // Jitter keeps a crowd of waiters from polling in step.
    const pause = Math.min(settings.pollMs * (0.5 + deps.random()), settings.waitMs - waited);
    await deps.sleep(Math.max(1, Math.round(pause)));
  }
}

function leaseIsFree(lease: Lease | null, deps: ClaimDeps): boolean {
  if (!lease) return true;
  if (Date.parse(lease.expiresAt) <= deps.clock().getTime()) return true;
  return deps.holderGone?.(lease) ?? false;
}

function ownerToken(random: Random): string {
  let token = '';
  for (let i = 0; i < 4; i++)
    token += Math.floor(random() * 0x1_0000_0000)
      .toString(16)
      .padStart(8, '0');
  return token;
}

function heldClaim(
  store: ArchiveStore,
  key: string,
  initial: RunRecord,
  initialEtag: string,
  deps: ClaimDeps,
  settings: ClaimSettings,
): IssueClaim {
  let record = initial;
  let etag = initialEtag;
  let held = true;

  const write = async (next: RunRecord, what: string): Promise<void> => {
    if (!held) throw new ClaimLostError(`${key}: cannot ${what}, this run no longer holds the issue`);
    const result = await store.putIfMatch(key, serialise(next), etag, RECORD_PUT);
    if (result === 'conflict') {
      held = false;
      throw new ClaimLostError(
        `${key}: another run took this issue over (this run's lease ran out) before it could ${what}; this run stops so that the issue keeps one set of inputs.`,
      );
    }
    record = next;
    etag = result;
  };
  const extended = (): RunRecord['lease'] => {
    if (!record.lease) return null;
    return {
      ...record.lease,
      expiresAt: new Date(deps.clock().getTime() + settings.leaseMs).toISOString(),
    };
  };

  return {
    get record() {
      return record;
    },
    renew: () => write({ ...record, lease: extended() }, 'renew its lease'),
    async commitInputs(inputs) {
      if (record.inputs) throw new ClaimLostError(`${key}: inputs are already committed; they never change`);
      await write(
        { ...record, lease: extended(), inputs: { committedAt: deps.clock().toISOString(), ...inputs } },
        'commit its inputs',
      );
      return record;
    },
    async complete() {
      await write(
        { ...record, lease: null, completedAt: deps.clock().toISOString() },
        'mark the issue complete',
      );
      held = false;
    },
    async release() {
      if (!held) return;
      try {
        await write({ ...record, lease: null }, 'release its lease');
      } catch {
        // Lost or unreachable: the lease runs out by itself.
      }
      held = false;
    },
  };
}
