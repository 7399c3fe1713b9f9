/**
 * Recordings: every upstream response as received, in an envelope that carries what replay needs.
 * Stored as `raw/<source>-<name>.json.gz`, both in `--record` folders and in archived issues.
 */
import { gzipSync } from 'node:zlib';
import { z } from 'zod';
import type { UpstreamErrorKind } from './errors';

/** Which upstream a response came from. */
export type RecordedSource = 'coinmetrics' | 'mempool';

/**
 * Set by the local emulator on every response built from synthetic data. A report whose inputs carry it
 * is labelled sample, however it was started, so synthetic numbers are never passed off as live.
 */
export const SYNTHETIC_DATA_HEADER = 'x-hashbrief-dataset';
export const SYNTHETIC_DATA_VALUE = 'synthetic';

/** True when any recorded response came from a synthetic dataset. */
export function fromSyntheticData(recordings: readonly RecordedResponse[]): boolean {
  return recordings.some((r) => r.headers[SYNTHETIC_DATA_HEADER] === SYNTHETIC_DATA_VALUE);
}

/** How a request that failed for good ended; replay fails it again with exactly this. */
export interface RecordedFailure {
  kind: UpstreamErrorKind;
  /** The UpstreamError's message, as the report states it ("mempool pools timed out after 2 tries"). */
  message: string;
  /** The error's HTTP status and response time (null when its last attempt got no response). */
  status: number | null;
  fetchedAt: string | null;
}

/**
 * One upstream request's final outcome: the response, body exactly as received, and, when the request
 * failed for good, how. A replay of these reproduces the original inputs byte for byte, failures,
 * retries and timeouts included.
 */
export interface RecordedResponse {
  source: RecordedSource;
  /** Derived from the request path, e.g. `asset-metrics-p0`, `pools-1w`. */
  name: string;
  url: string;
  /** ISO 8601 instant the body was fully read; null when no response ever arrived (timeout, network). */
  fetchedAt: string | null;
  /** 0 when no response ever arrived. */
  status: number;
  /** Only the headers the parsers look at, and the emulator's synthetic-data marker. */
  headers: { 'content-type'?: string; 'retry-after'?: string; [SYNTHETIC_DATA_HEADER]?: string };
  body: string;
  /** How many attempts the request took; absent means one. */
  attempts?: number;
  /** Present when the request failed for good. */
  failure?: RecordedFailure;
}

/** Receives each response as the HTTP client finishes it. */
export type Recorder = (response: RecordedResponse) => void;

/** A file ready for the archive (the pipeline writes it under the issue folder). */
export interface ArchiveFile {
  name: string;
  body: Buffer;
  contentType: string;
  contentEncoding?: string;
}

const UPSTREAM_ERROR_KINDS = [
  'timeout',
  'http',
  'network',
  'rate-limited',
  'invalid-json',
  'invalid-shape',
  'no-data',
  'budget',
] as const satisfies readonly UpstreamErrorKind[];

export const recordedResponseSchema = z
  .object({
    source: z.enum(['coinmetrics', 'mempool']),
    name: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, 'expected a lowercase file-name-safe name'),
    url: z.string().url(),
    fetchedAt: z.string().datetime({ offset: true }).nullable(),
    status: z.union([z.literal(0), z.number().int().min(100).max(599)]),
    headers: z.object({
      'content-type': z.string().optional(),
      'retry-after': z.string().optional(),
      [SYNTHETIC_DATA_HEADER]: z.string().optional(),
    }),
    body: z.string(),
    attempts: z.number().int().min(1).optional(),
    failure: z
      .object({
        kind: z.enum(UPSTREAM_ERROR_KINDS),
        message: z.string(),
        status: z.number().int().nullable(),
        fetchedAt: z.string().datetime({ offset: true }).nullable(),
      })
      .optional(),
  })
  .refine((r) => r.failure !== undefined || (r.status !== 0 && r.fetchedAt !== null), {
    message: 'a recording without a failure needs a response (status and fetchedAt)',
    path: ['status'],
  });

/** Relative file name of a recording: `raw/<source>-<name>.json.gz`. */
export function recordingFileName(recording: Pick<RecordedResponse, 'source' | 'name'>): string {
  return `raw/${recording.source}-${recording.name}.json.gz`;
}

/** Keeps only the headers a recording stores. */
export function keptHeaders(headers: Headers): RecordedResponse['headers'] {
  const kept: RecordedResponse['headers'] = {};
  const contentType = headers.get('content-type');
  const retryAfter = headers.get('retry-after');
  if (contentType !== null) kept['content-type'] = contentType;
  if (retryAfter !== null) kept['retry-after'] = retryAfter;
  const synthetic = headers.get(SYNTHETIC_DATA_HEADER);
  if (synthetic !== null) kept[SYNTHETIC_DATA_HEADER] = synthetic;
  return kept;
}

/**
 * Gzip with a fixed header: Node already writes mtime 0; the OS byte is set to 255 ("unknown") so the
 * same recording gives the same bytes on every platform (with the same zlib). Level 6, zlib's default:
 * on the 1.4 MB Coin Metrics history level 9 took 140 ms of every report for 3% smaller files.
 */
export function deterministicGzip(data: string | Buffer): Buffer {
  const zipped = gzipSync(data, { level: 6 });
  zipped.writeUInt32LE(0, 4);
  zipped[9] = 0xff;
  return zipped;
}

/** Serialises one envelope with a fixed key order, then gzips it deterministically. */
export function encodeRecording(recording: RecordedResponse): Buffer {
  // A fixed key order keeps the bytes identical however the headers object was built.
  const headers: RecordedResponse['headers'] = {};
  for (const name of ['content-type', 'retry-after', SYNTHETIC_DATA_HEADER] as const) {
    const value = recording.headers[name];
    if (value !== undefined) headers[name] = value;
  }
  const envelope = {
    source: recording.source,
    name: recording.name,
    url: recording.url,
    fetchedAt: recording.fetchedAt,
    status: recording.status,
    headers,
    body: recording.body,
    // Written only when they say something, so a plain one-try response keeps its original bytes.
    ...(recording.attempts !== undefined && recording.attempts !== 1 ? { attempts: recording.attempts } : {}),
    ...(recording.failure
      ? {
          failure: {
            kind: recording.failure.kind,
            message: recording.failure.message,
            status: recording.failure.status,
            fetchedAt: recording.failure.fetchedAt,
          },
        }
      : {}),
  };
  return deterministicGzip(`${JSON.stringify(envelope, null, 1)}\n`);
}

/**
 * Turns in-memory recordings into archive files, sorted by name. When one request name was recorded
 * more than once, the latest wins (the pipeline must not write two objects under one key).
 */
export function recordingsToArchiveFiles(recordings: readonly RecordedResponse[]): ArchiveFile[] {
  const byName = new Map<string, RecordedResponse>();
  for (const recording of recordings) byName.set(recordingFileName(recording), recording);
  return [...byName.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, recording]) => ({
      name,
      body: encodeRecording(recording),
      contentType: 'application/json',
      contentEncoding: 'gzip',
    }));
}
