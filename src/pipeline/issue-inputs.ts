/**
 * An issue's one set of inputs: its upstream responses (archived under raw/) and the context committed
 * with them in the run record (src/archive/run-record.ts). Getting them is either a fetch from the
 * upstreams (a fresh issue) or a replay of the committed raw/ files (a resumed issue, `archive verify`).
 */

import { z } from 'zod';
import { sha256Hex } from '../archive/hash';
import { issueKey } from '../archive/keys';
import type { CommittedInputs } from '../archive/run-record';
import type { ArchiveStore } from '../archive/store';
import { PLACEHOLDER_NONCE } from '../contracts/placeholders';
import type { ReportInputs } from '../contracts/report-inputs';
import { calendarDay } from '../days';
import { assumptionsSchema } from '../metrics/assumptions';
import type { FetchPorts } from '../ports';
import type { HttpSettings } from '../sources/http';
import { fetchReportInputs } from '../sources/inputs';
import type { IntegrityVerdict } from '../sources/integrity';
import type { RecordedResponse } from '../sources/recording';
import { decodeRecording } from '../sources/recording-fs';
import { createReplay, type Replay } from '../sources/replay';
import { fieldProblem } from '../validated-json';

/**
 * What, besides the responses, the issue's files depend on. Stored so a resumed run (or `archive
 * verify`, months later, with another configuration) makes exactly the same files.
 */
export const committedContextSchema = z.object({
  /** The as-of day the requests asked for; null when the run let Coin Metrics decide. */
  requestedAsOf: calendarDay.nullable(),
  /** The run was asked for sample data. */
  sample: z.boolean(),
  coinMetricsUrl: z.string(),
  mempoolUrl: z.string(),
  /** The issue the week-over-week figures came from (in the same archive), or null. */
  previousIssueId: z.string().nullable(),
  assumptions: assumptionsSchema,
  postalAddress: z.string(),
  publicBaseUrl: z.string().nullable(),
  linksBaseUrl: z.string().nullable(),
  /**
   * The nonce of the email's per-recipient placeholders, drawn once per issue (src/contracts/placeholders.ts):
   * a resumed run and `archive verify` reuse it, so email.json comes out the same.
   */
  placeholderNonce: z.string().regex(PLACEHOLDER_NONCE, 'must be 32 lower-case hex digits').optional(),
});
export type CommittedContext = z.infer<typeof committedContextSchema>;

/** Committed inputs that cannot be used: a raw/ file is missing or is not the one committed. */
export class CommittedInputsError extends Error {
  override name = 'CommittedInputsError';
}

/** Parses the context stored with committed inputs; names the field that is wrong. */
export function parseCommittedContext(issueId: string, inputs: CommittedInputs): CommittedContext {
  const parsed = committedContextSchema.safeParse(inputs.context);
  if (parsed.success) return parsed.data;
  throw new CommittedInputsError(
    `the run record of issue ${issueId}, inputs.context: ${fieldProblem(parsed.error)}`,
  );
}

/** The committed raw/ responses, each checked against the hash committed for it. */
export async function readCommittedRecordings(
  store: ArchiveStore,
  issueId: string,
  inputs: CommittedInputs,
): Promise<RecordedResponse[]> {
  const recordings: RecordedResponse[] = [];
  for (const raw of inputs.raw) {
    const key = issueKey(issueId, raw.name);
    const object = await store.get(key);
    if (!object) {
      throw new CommittedInputsError(
        `${key} is committed as one of the issue's inputs but is missing from ${store.location}; restore it (docs/archive.md) to resume or verify the issue.`,
      );
    }
    if (sha256Hex(object.body) !== raw.sha256) {
      throw new CommittedInputsError(
        `${key} is not the response committed for the issue (sha256 ${sha256Hex(object.body).slice(0, 12)}…, committed ${raw.sha256.slice(0, 12)}…).`,
      );
    }
    recordings.push(decodeRecording(object.body, key));
  }
  return recordings;
}

/** Upstream ports: the live ones, or a replay's. */
export interface UpstreamPorts extends FetchPorts {
  replay?: Replay;
  httpSettings?: Partial<HttpSettings>;
}

/** One fetch of every source, answered by the upstreams or by `replay` when given. */
export function fetchInputs(
  ports: UpstreamPorts,
  request: { coinMetricsUrl: string; mempoolUrl: string; asOf?: string; sample: boolean },
): ReturnType<typeof fetchReportInputs> {
  const { replay } = ports;
  const upstream = replay
    ? {
        fetch: replay.fetch,
        clock: replay.clock,
        sleep: replay.sleep,
        responseTime: replay.responseTime,
        responseAttempts: replay.responseAttempts,
      }
    : { fetch: ports.fetch, clock: ports.clock, sleep: ports.sleep };
  return fetchReportInputs(
    { ...upstream, random: ports.random, reporter: ports.reporter, settings: ports.httpSettings },
    request,
  );
}

/** Replays committed inputs: the same requests, answered from the committed raw/ files. */
export async function replayCommitted(
  store: ArchiveStore,
  issueId: string,
  inputs: CommittedInputs,
  ports: Omit<UpstreamPorts, 'replay' | 'fetch' | 'sleep'>,
): Promise<{
  inputs: ReportInputs;
  recordings: RecordedResponse[];
  integrity: IntegrityVerdict;
  context: CommittedContext;
  replay: Replay;
}> {
  const context = parseCommittedContext(issueId, inputs);
  const recordings = await readCommittedRecordings(store, issueId, inputs);
  const replay = createReplay(recordings, `issues/${issueId}/raw/`);
  const fetched = await fetchInputs(
    { ...ports, fetch: replay.fetch, sleep: replay.sleep, replay },
    {
      coinMetricsUrl: context.coinMetricsUrl,
      mempoolUrl: context.mempoolUrl,
      ...(context.requestedAsOf ? { asOf: context.requestedAsOf } : {}),
      sample: context.sample,
    },
  );
  return { ...fetched, context, replay };
}
