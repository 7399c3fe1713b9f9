/**
 * Errors raised while talking to an upstream. They become `SourceOutcome` failures in inputs.ts, so
 * their messages are written for a reader of the report ("mempool pools timed out after 3 tries").
 */
import { namedError } from '../named-error';
import type { RecordedFailure, RecordedResponse } from './recording';

/** Why an upstream call failed. */
export type UpstreamErrorKind =
  | 'timeout'
  | 'http'
  | 'network'
  | 'rate-limited'
  | 'invalid-json'
  | 'invalid-shape'
  | 'no-data'
  | 'budget';

/** A request, or the parsing of its response, failed for good (retries already spent). */
export class UpstreamError extends namedError('UpstreamError') {
  readonly kind: UpstreamErrorKind;
  /** How many HTTP attempts were made (0 when the request never went out). */
  readonly attempts: number;
  /** When a response was received: its time, ISO 8601; otherwise null. */
  readonly fetchedAt: string | null;
  readonly status: number | null;

  constructor(
    message: string,
    details: {
      kind: UpstreamErrorKind;
      attempts: number;
      fetchedAt?: string | null;
      status?: number | null;
      cause?: unknown;
    },
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.kind = details.kind;
    this.attempts = details.attempts;
    this.fetchedAt = details.fetchedAt ?? null;
    this.status = details.status ?? null;
  }
}

/** A response parsed fine as JSON/text but does not have the shape we rely on (schema drift). */
export class ShapeError extends namedError('ShapeError') {}

/** Replay was asked for a request that is not in the recording; never retried. */
export class ReplayMissError extends namedError('ReplayMissError') {}

/**
 * Replay's answer for a request that originally failed for good: the HTTP client turns it back into the
 * very UpstreamError the original run ended with (message, kind, attempts, status, fetch time), with no
 * retries, so a replayed failure reads exactly like the original one.
 */
export class ReplayedFailureError extends namedError('ReplayedFailureError') {
  constructor(readonly recording: RecordedResponse & { failure: RecordedFailure }) {
    super(recording.failure.message);
  }
}

/** A recording folder or file could not be read or does not look like a recording. */
export class RecordingError extends namedError('RecordingError') {}

/** "1 try", "3 tries". */
export function tries(n: number): string {
  return n === 1 ? '1 try' : `${n} tries`;
}

/** Short description of any thrown value, for messages. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}
