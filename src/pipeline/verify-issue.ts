/**
 * `hashbrief archive verify`: replays an archived issue from its own raw/ responses and checks that every
 * file comes out byte for byte as stored (snapshot, text, HTML, email template, CSV, charts, and the raw
 * envelopes themselves). An issue that passes was made from one set of inputs: the ones it archived.
 *
 * Issues with a run record are replayed with the context committed there (settings, previous issue), so
 * a later change of configuration does not matter. Older issues, archived before run records existed,
 * are replayed with the current settings and the week-over-week figures their snapshot states.
 */
import { issueKey, issuePrefix, parseIssueKey, SNAPSHOT_FILE } from '../archive/keys';
import { readSnapshot } from '../archive/read';
import { readRunRecord } from '../archive/run-record';
import type { ArchiveStore } from '../archive/store';
import type { Reporter } from '../ports';
import type { Snapshot } from '../snapshot/schema';
import type { RecordedResponse } from '../sources/recording';
import { decodeRecording } from '../sources/recording-fs';
import { createReplay } from '../sources/replay';
import { buildIssue, issueContextOf } from './build-issue';
import {
  type CommittedContext,
  fetchInputs,
  parseCommittedContext,
  readCommittedRecordings,
} from './issue-inputs';
import type { IssueSettings } from './produce-issue';
import { placeholderNonceOf, previousFromArchived, recordedBaseUrls, requestedAsOf } from './replay-snapshot';

/** Settings for issues that have no run record (archived before run records existed). */
export type VerifyFallbackSettings = Omit<IssueSettings, 'httpSettings'>;

export type IssueVerdict =
  | {
      issueId: string;
      status: 'ok';
      /** Files compared, all equal. */
      checked: string[];
      basis: 'run record' | 'current settings';
    }
  | {
      issueId: string;
      status: 'mismatch';
      checked: string[];
      differing: { name: string; detail: string }[];
      basis: 'run record' | 'current settings';
    }
  /** No snapshot.json yet: a run is producing it, or died (a rerun finishes it). */
  | { issueId: string; status: 'incomplete'; detail: string }
  /** It could not be replayed at all (missing or corrupt inputs). */
  | { issueId: string; status: 'error'; detail: string };

async function storedNonce(store: ArchiveStore, issueId: string): Promise<string | undefined> {
  const key = issueKey(issueId, 'email.json');
  const email = await store.get(key);
  return email ? placeholderNonceOf(email.body.toString('utf8'), key) : undefined;
}

/** Replays one issue from its raw/ files and compares every file with what is stored. */
export async function verifyIssue(
  store: ArchiveStore,
  issueId: string,
  fallback: VerifyFallbackSettings,
  ports: { reporter: Reporter },
): Promise<IssueVerdict> {
  try {
    if (!(await store.get(issueKey(issueId, SNAPSHOT_FILE)))) {
      return {
        issueId,
        status: 'incomplete',
        detail: `no ${SNAPSHOT_FILE} yet; run the issue again to finish it`,
      };
    }
    const stored = await readSnapshot(store, issueId);
    const run = await readRunRecord(store, issueId);
    let recordings: RecordedResponse[];
    let context: CommittedContext;
    let previous: Snapshot | null;
    let basis: 'run record' | 'current settings';
    if (run?.record.inputs) {
      basis = 'run record';
      recordings = await readCommittedRecordings(store, issueId, run.record.inputs);
      context = parseCommittedContext(issueId, run.record.inputs);
      previous = context.previousIssueId ? await readSnapshot(store, context.previousIssueId) : null;
    } else {
      basis = 'current settings';
      recordings = await readAllRecordings(store, issueId);
      context = {
        requestedAsOf: requestedAsOf(recordings) ?? null,
        sample: stored.sample,
        ...{ coinMetricsUrl: fallback.coinMetricsUrl, mempoolUrl: fallback.mempoolUrl },
        ...recordedBaseUrls(recordings),
        previousIssueId: stored.metrics.pools.previousWeek?.issueId ?? null,
        assumptions: fallback.assumptions,
        postalAddress: fallback.postalAddress,
        publicBaseUrl: fallback.publicBaseUrl ?? null,
        linksBaseUrl: fallback.linksBaseUrl ?? null,
      };
      previous = previousFromArchived(stored);
    }

    const replay = createReplay(recordings, `issues/${issueId}/raw/`);
    const { inputs, recordings: replayed } = await fetchInputs(
      {
        fetch: replay.fetch,
        clock: replay.clock,
        sleep: replay.sleep,
        random: () => 0,
        reporter: ports.reporter,
        replay,
      },
      {
        coinMetricsUrl: context.coinMetricsUrl,
        mempoolUrl: context.mempoolUrl,
        ...(context.requestedAsOf ? { asOf: context.requestedAsOf } : {}),
        sample: context.sample,
      },
    );
    if (inputs.coinMetrics.status !== 'ok') {
      return {
        issueId,
        status: 'error',
        detail: 'its archived Coin Metrics responses no longer make an issue',
      };
    }
    const built = await buildIssue(
      inputs,
      replayed,
      issueContextOf(context, {
        issueId,
        previous,
        // The nonce is chosen once per issue, not derived from its inputs: the committed one, else the
        // one the stored email.json carries (issues from before nonces were committed).
        placeholderNonce: context.placeholderNonce ?? (await storedNonce(store, issueId)) ?? '0'.repeat(32),
      }),
      { clock: replay.clock, reporter: ports.reporter },
    );

    const checked: string[] = [];
    const differing: { name: string; detail: string }[] = [];
    for (const file of built.files) {
      checked.push(file.name);
      const object = await store.get(issueKey(issueId, file.name));
      const expected = typeof file.body === 'string' ? Buffer.from(file.body, 'utf8') : file.body;
      if (!object) differing.push({ name: file.name, detail: 'missing from the archive' });
      else if (!object.body.equals(expected))
        differing.push({ name: file.name, detail: firstDifference(object.body, expected) });
    }
    return differing.length
      ? { issueId, status: 'mismatch', checked, differing, basis }
      : { issueId, status: 'ok', checked, basis };
  } catch (error) {
    return { issueId, status: 'error', detail: error instanceof Error ? error.message : String(error) };
  }
}

/** Every issue id with objects under `issues/`, ascending. */
export async function archivedIssueIds(store: ArchiveStore): Promise<string[]> {
  const ids = new Set<string>();
  for (const key of await store.list('issues/')) {
    const parsed = parseIssueKey(key);
    if (parsed) ids.add(parsed.issueId);
  }
  return [...ids].sort();
}

async function readAllRecordings(store: ArchiveStore, issueId: string): Promise<RecordedResponse[]> {
  const recordings: RecordedResponse[] = [];
  for (const key of await store.list(`${issuePrefix(issueId)}raw/`)) {
    if (!key.endsWith('.json.gz')) continue;
    const object = await store.get(key);
    if (object) recordings.push(decodeRecording(object.body, key));
  }
  return recordings;
}

/** Where two byte strings first differ: the line for text, the byte offset always. */
function firstDifference(stored: Buffer, replayed: Buffer): string {
  let at = 0;
  while (at < stored.length && at < replayed.length && stored[at] === replayed[at]) at++;
  const line = stored.subarray(0, at).toString('utf8').split('\n').length;
  return `first difference at byte ${at} (line ${line}); stored ${stored.length} bytes, replayed ${replayed.length}`;
}
