/**
 * One issue end to end, without sending: sources → metrics → snapshot → render → archive. Shared by the
 * CLI (`run`, `report`) and the report Lambda; every side effect arrives through `deps`.
 *
 * One issue, one set of inputs (docs/archive.md), whatever crashes, retries or concurrent runs happen:
 * 1. The run first looks for its issue: known up front from an explicit as-of day (or id), or, for a run
 *    without one, from the day record of an earlier run today.
 * 2. A complete issue (snapshot.json stored) is a no-op: nothing fetched, nothing written.
 * 3. An issue whose inputs an earlier run committed (it died mid-way) is resumed by replaying those
 *    inputs from raw/; otherwise the upstreams are asked.
 * 4. The run claims the issue (a lease in its run record, conditional writes). Others wait for it to
 *    finish or take over a lease that ran out; after waiting too long they report "in progress".
 * 5. Fresh inputs are archived first (raw/), then committed in the run record: from then on they are
 *    the issue's inputs, for this run and any that resumes it.
 * 6. Every other file is made from those inputs, snapshot.json last, then the manifests.
 */
import { issueKey, issuePrefix, SNAPSHOT_FILE } from '../archive/keys';
import type { ManifestDeps } from '../archive/manifest';
import { archiveIssue, archiveRawFiles } from '../archive/publish';
import { previousIssueBefore, readSnapshot } from '../archive/read';
import { relistIssue } from '../archive/repair';
import {
  type ClaimSettings,
  type CommittedInputs,
  claimIssue,
  claimSettings,
  type IssueClaim,
  type Lease,
  type RunKind,
  readRunDay,
  readRunRecord,
  recordRunDay,
} from '../archive/run-record';
import { entryFromSnapshot } from '../archive/snapshot-entry';
import type { ArchiveStore } from '../archive/store';
import { newPlaceholderNonce } from '../contracts/placeholders';
import type { ReportInputs } from '../contracts/report-inputs';
import { utcDay } from '../days';
import type { Assumptions } from '../metrics/assumptions';
import type { FetchPorts } from '../ports';
import { renderArchiveIndexPage } from '../render/index-page';
import type { Snapshot } from '../snapshot/schema';
import type { HttpSettings } from '../sources/http';
import { holdIfUnsettled, type IntegrityVerdict } from '../sources/integrity';
import { type RecordedResponse, recordingsToArchiveFiles } from '../sources/recording';
import type { Replay } from '../sources/replay';
import { buildIssue, issueContextOf } from './build-issue';
import { issueIdFor } from './issue-id';
import { type CommittedContext, fetchInputs, replayCommitted } from './issue-inputs';
import { archiveFeeds, subscribeUrlFor } from './links';
import { readStoredIssue } from './stored-issue';

export interface ProduceIssueDeps extends FetchPorts {
  archive: ArchiveStore;
  /**
   * Answers the upstream requests from a recording instead of the network (`report --replay`). The
   * run's own clock and sleep still drive its lease and the manifests.
   */
  replay?: Replay;
  /** This process, named in the issue's lease. */
  runner?: { host: string; pid: number };
  /** Says when a lease's holder is known to be dead, so a rerun takes over at once (the CLI's local processes). */
  holderGone?: (lease: Lease) => boolean;
}

export interface ProduceIssueOptions {
  coinMetricsUrl: string;
  mempoolUrl: string;
  asOf?: string;
  sample: boolean;
  assumptions: Assumptions;
  postalAddress: string;
  publicBaseUrl?: string;
  linksBaseUrl?: string;
  httpSettings?: Partial<HttpSettings>;
  /** Forces the issue id (replay of an archived issue keeps its original id). */
  issueId?: string;
  /** The previous issue for week-over-week figures; default: looked up in the archive. */
  previous?: Snapshot | null;
  /**
   * The nonce of the email's per-recipient placeholders. Default: a new one from `deps.random`, committed
   * with the issue's inputs; a replay of an archived folder passes the nonce from its email.json.
   */
  placeholderNonce?: string;
  /** Called with every upstream response as received (for `--record`). */
  onRecordings?: (recordings: readonly RecordedResponse[]) => Promise<void>;
  /**
   * For a run without an as-of day: remember, per UTC day and kind of run, which issue it resolved to, so
   * a rerun that day knows its issue without fetching. Leave unset for replays and one-off builds.
   */
  runDay?: RunKind;
  /** Lease timing of the issue's claim (defaults in src/archive/run-record.ts). */
  claim?: Partial<ClaimSettings>;
}

/**
 * The options of an issue that come from configuration, the same for every run of one deployment or
 * shell (src/config/settings.ts maps them from the HASHBRIEF_* variables). The report and alert runs
 * take these and add their own.
 */
export type IssueSettings = Pick<
  ProduceIssueOptions,
  | 'coinMetricsUrl'
  | 'mempoolUrl'
  | 'assumptions'
  | 'postalAddress'
  | 'publicBaseUrl'
  | 'linksBaseUrl'
  | 'httpSettings'
>;

export interface ProducedIssue {
  issueId: string;
  asOf: string;
  status: 'created' | 'already-archived';
  /** True when this run completed an issue an earlier run started, from that run's committed inputs. */
  resumed: boolean;
  snapshot: Snapshot;
  subject: string;
  /** Archive keys by file name relative to the issue folder. */
  keys: Record<string, string>;
  warnings: string[];
}

/** Another run holds the issue and did not finish while this one waited: nothing for this run to do. */
export interface IssueInProgress {
  status: 'in-progress';
  issueId: string;
  asOf: string;
  /** When the other run's lease runs out (a rerun after that takes over). */
  heldUntil: string;
  warnings: string[];
}

export type ProduceIssueResult = ProducedIssue | IssueInProgress;

/** The report cannot be made at all (its main series is unavailable). Carries the per-source reasons. */
export class ReportUnavailableError extends Error {
  override name = 'ReportUnavailableError';
  constructor(
    message: string,
    readonly inputs: ReportInputs,
  ) {
    super(message);
  }
}

/**
 * True when not a single upstream answered: the signal for the CLI's sample-data fallback. An upstream
 * that answered without data for the day asked did answer.
 */
export function noUpstreamReachable(inputs: ReportInputs): boolean {
  const outcomes = [
    inputs.coinMetrics,
    inputs.pools,
    inputs.difficultyAdjustment,
    inputs.hashrateHistory,
    inputs.tipHeight,
    inputs.rewardStats,
    inputs.price,
  ];
  return outcomes.every((o) => o.status === 'skipped' || (o.status === 'failed' && o.noData !== true));
}

/**
 * The issue a week-over-week comparison may use: the latest archived one of the same kind (sample vs live)
 * before `asOf`, made 5 to 9 days earlier. Anything else would not be "last week".
 */
async function previousWeekIssue(
  archive: ArchiveStore,
  asOf: string,
  sample: boolean,
): Promise<Snapshot | null> {
  const previous = await previousIssueBefore(archive, asOf, { sample });
  if (!previous) return null;
  const gapDays = (Date.parse(asOf) - Date.parse(previous.asOf)) / 86_400_000;
  return gapDays >= 5 && gapDays <= 9 ? previous : null;
}

/** An issue the run knows before fetching; `asOf` is unknown only for a forced id without a day. */
interface Target {
  issueId: string;
  asOf?: string;
}

/** Inputs in hand: fetched now (`context` null) or replayed from the issue's committed inputs. */
interface Sourced {
  inputs: ReportInputs;
  recordings: RecordedResponse[];
  /** Whether the witnesses settle Coin Metrics' figures (src/sources/integrity.ts). */
  integrity: IntegrityVerdict;
  context: CommittedContext | null;
}

type Step = { result: ProduceIssueResult } | { follow: Target };

/** Fetches (or resumes), computes, renders and archives one issue; see the module comment. */
export async function produceIssue(
  deps: ProduceIssueDeps,
  options: ProduceIssueOptions,
): Promise<ProduceIssueResult> {
  const today = utcDay(deps.clock());
  let target = knownTarget(options);
  if (!target && options.runDay) {
    const day = await readRunDay(deps.archive, today, options.runDay);
    if (day) {
      deps.reporter.info(`today's run resolved to issue ${day.issueId} (as of ${day.asOf})`);
      target = { issueId: day.issueId, asOf: day.asOf };
    }
  }
  const first = await produceTarget(deps, options, target, today);
  if ('result' in first) return first.result;
  // Another run today resolved to another issue first: that one is today's issue.
  const second = await produceTarget(deps, options, first.follow, today);
  if ('result' in second) return second.result;
  throw new Error(`runs today disagree on today's issue (${first.follow.issueId}, ${second.follow.issueId})`);
}

function knownTarget(options: ProduceIssueOptions): Target | null {
  if (options.asOf !== undefined) {
    return {
      issueId: options.issueId ?? issueIdFor(options.asOf, { sample: options.sample }),
      asOf: options.asOf,
    };
  }
  return options.issueId !== undefined ? { issueId: options.issueId } : null;
}

async function produceTarget(
  deps: ProduceIssueDeps,
  options: ProduceIssueOptions,
  target: Target | null,
  today: string,
): Promise<Step> {
  const { archive, reporter } = deps;
  if (target) {
    const done = await completeIssue(deps, options, target.issueId);
    if (done) return { result: done };
  }

  const committed = target ? ((await readRunRecord(archive, target.issueId))?.record.inputs ?? null) : null;
  const fetchAsOf = options.asOf ?? target?.asOf;
  let sourced =
    target && committed
      ? await resume(deps, options, target.issueId, committed)
      : await fetchFresh(deps, options, fetchAsOf);
  assertCoinMetrics(sourced.inputs);
  // Implausible figures no witness settles hold the issue back: nothing of it is archived yet, so a
  // rerun fetches again (corrected data is published) instead of resuming held inputs forever.
  holdIfUnsettled(sourced.integrity);

  const asOf = sourced.inputs.asOf;
  const issueId = options.issueId ?? issueIdFor(asOf, { sample: sourced.inputs.sample });
  if (!target && options.runDay) {
    const day = await recordRunDay(archive, { day: today, kind: options.runDay, issueId, asOf }, deps.clock);
    if (day.issueId !== issueId) return { follow: { issueId: day.issueId, asOf: day.asOf } };
  }
  if (target?.issueId !== issueId) {
    const done = await completeIssue(deps, options, issueId);
    if (done) return { result: done };
  }

  const claimed = await claimIssue(
    archive,
    { issueId, asOf },
    {
      clock: deps.clock,
      sleep: deps.sleep,
      random: deps.random,
      ...(deps.runner ? { process: deps.runner } : {}),
      ...(deps.holderGone ? { holderGone: deps.holderGone } : {}),
    },
    claimSettings(options.claim),
    async () => (await archive.get(issueKey(issueId, SNAPSHOT_FILE))) !== null,
  );
  if (claimed.kind === 'in-progress') {
    reporter.info(
      `issue ${issueId} is being produced by another run (lease until ${claimed.lease.expiresAt})`,
    );
    return {
      result: { status: 'in-progress', issueId, asOf, heldUntil: claimed.lease.expiresAt, warnings: [] },
    };
  }
  if (claimed.kind === 'complete') {
    const done = await completeIssue(deps, options, issueId);
    if (done) return { result: done };
    throw new Error(`issue ${issueId} was reported complete but has no ${SNAPSHOT_FILE}`);
  }

  const { claim } = claimed;
  try {
    const done = await completeIssue(deps, options, issueId);
    if (done) {
      await claim.release();
      return { result: done };
    }
    const stored = claim.record.inputs;
    if (stored && !sourced.context) {
      // Another run committed this issue's inputs while this one was fetching: those are the inputs.
      reporter.info(
        `issue ${issueId}: resuming from the inputs another run committed; discarding this fetch`,
      );
      sourced = await resume(deps, options, issueId, stored);
      assertCoinMetrics(sourced.inputs);
    }
    return { result: await finishIssue(deps, options, claim, issueId, sourced, fetchAsOf) };
  } catch (error) {
    await claim.release();
    throw error;
  }
}

async function fetchFresh(
  deps: ProduceIssueDeps,
  options: ProduceIssueOptions,
  asOf: string | undefined,
): Promise<Sourced> {
  const fetched = await fetchInputs(
    { ...deps, ...(deps.replay ? { replay: deps.replay } : {}), httpSettings: options.httpSettings },
    {
      coinMetricsUrl: options.coinMetricsUrl,
      mempoolUrl: options.mempoolUrl,
      ...(asOf !== undefined ? { asOf } : {}),
      sample: options.sample,
    },
  );
  await options.onRecordings?.(fetched.recordings);
  return { ...fetched, context: null };
}

async function resume(
  deps: ProduceIssueDeps,
  options: ProduceIssueOptions,
  issueId: string,
  committed: CommittedInputs,
): Promise<Sourced> {
  deps.reporter.info(`issue ${issueId} was started by an earlier run: resuming from its archived inputs`);
  const replayed = await replayCommitted(deps.archive, issueId, committed, deps);
  await options.onRecordings?.(replayed.recordings);
  return {
    inputs: replayed.inputs,
    recordings: replayed.recordings,
    integrity: replayed.integrity,
    context: replayed.context,
  };
}

function assertCoinMetrics(inputs: ReportInputs): void {
  const cm = inputs.coinMetrics;
  if (cm.status === 'ok') return;
  // Data that ends before the day asked is an answer, not an outage: say which it is.
  const message =
    cm.status === 'failed' && cm.noData
      ? `no issue produced: ${cm.reason}`
      : `no issue produced: Coin Metrics unavailable (${cm.status === 'failed' ? cm.reason : 'skipped'})`;
  throw new ReportUnavailableError(message, inputs);
}

/** Under the claim: commit fresh inputs (raw/ first), make every other file from them, archive. */
async function finishIssue(
  deps: ProduceIssueDeps,
  options: ProduceIssueOptions,
  claim: IssueClaim,
  issueId: string,
  sourced: Sourced,
  fetchAsOf: string | undefined,
): Promise<ProducedIssue> {
  const { archive, reporter } = deps;
  const { inputs, recordings } = sourced;
  const warnings: string[] = [];
  let context: CommittedContext;
  let previous: Snapshot | null;
  if (sourced.context) {
    context = sourced.context;
    previous =
      options.previous !== undefined
        ? options.previous
        : context.previousIssueId
          ? await readSnapshot(archive, context.previousIssueId)
          : null;
  } else {
    previous =
      options.previous !== undefined
        ? options.previous
        : await previousWeekIssue(archive, inputs.asOf, inputs.sample);
    context = {
      requestedAsOf: fetchAsOf ?? null,
      sample: options.sample,
      coinMetricsUrl: options.coinMetricsUrl,
      mempoolUrl: options.mempoolUrl,
      previousIssueId: previous?.issueId ?? null,
      assumptions: options.assumptions,
      postalAddress: options.postalAddress,
      publicBaseUrl: options.publicBaseUrl ?? null,
      linksBaseUrl: options.linksBaseUrl ?? null,
      placeholderNonce: options.placeholderNonce ?? newPlaceholderNonce(deps.random),
    };
    reporter.info(`archiving the upstream responses of issue ${issueId}`);
    const raw = await archiveRawFiles(archive, issueId, recordingsToArchiveFiles(recordings));
    for (const name of raw.replaced) {
      warnings.push(
        `raw/${name.replace(/^raw\//, '')} had bytes from an interrupted earlier run; replaced (never used)`,
      );
    }
    for (const name of raw.strays) {
      warnings.push(`${name} was left by an interrupted earlier run and is not one of this issue's inputs`);
    }
    await claim.commitInputs({ raw: raw.files, context });
  }

  reporter.info(`computing issue ${issueId} (as of ${inputs.asOf})`);
  const built = await buildIssue(
    inputs,
    recordings,
    issueContextOf(context, {
      issueId,
      previous,
      // Run records from before nonces were committed have none: a resumed issue then draws one.
      placeholderNonce:
        context.placeholderNonce ?? options.placeholderNonce ?? newPlaceholderNonce(deps.random),
    }),
    { clock: deps.clock, reporter },
  );
  await claim.renew();

  reporter.info(`archiving to ${archive.location}`);
  const archived = await archiveIssue(
    archive,
    {
      issueId,
      files: built.files,
      entry: entryFromSnapshot(built.snapshot, built.rendered.subject),
      beforeSnapshot: () => claim.renew(),
    },
    manifestDeps(deps, options),
  );
  await claim.complete().catch(() => {
    // snapshot.json is stored: the issue is complete whatever its run record says.
  });
  if (archived.status === 'already-archived') {
    // Another run completed the issue first (this one had lost its lease): report what is stored.
    const stored = await completeIssue(deps, options, issueId);
    if (stored) return { ...stored, warnings: [...stored.warnings, ...archived.warnings] };
  }
  const keys = Object.fromEntries(built.files.map((f) => [f.name, issueKey(issueId, f.name)]));
  return {
    issueId,
    asOf: inputs.asOf,
    status: 'created',
    resumed: sourced.context !== null,
    snapshot: built.snapshot,
    subject: built.rendered.subject,
    keys,
    warnings: [...built.snapshot.warnings, ...warnings, ...archived.warnings],
  };
}

function manifestDeps(deps: ProduceIssueDeps, options: ProduceIssueOptions): ManifestDeps {
  const subscribeUrl = subscribeUrlFor(options.linksBaseUrl);
  return {
    renderIndexPage: (entries) => renderArchiveIndexPage(entries, { subscribeUrl }),
    renderFeeds: archiveFeeds(options.publicBaseUrl, deps.clock),
    clock: deps.clock,
  };
}

/** The stored issue when it is complete (listing it if a run died before the manifests), else null. */
async function completeIssue(
  deps: ProduceIssueDeps,
  options: ProduceIssueOptions,
  issueId: string,
): Promise<ProducedIssue | null> {
  const { archive } = deps;
  if (!(await archive.get(issueKey(issueId, SNAPSHOT_FILE)))) return null;
  const stored = await readStoredIssue(archive, issueId);
  await relistIssue(archive, issueId, stored.snapshot, manifestDeps(deps, options));
  const prefix = issuePrefix(issueId);
  const keys = Object.fromEntries((await archive.list(prefix)).map((key) => [key.slice(prefix.length), key]));
  deps.reporter.info(`issue ${issueId} is already archived: nothing to fetch or write`);
  return {
    issueId,
    asOf: stored.snapshot.asOf,
    status: 'already-archived',
    resumed: false,
    ...stored,
    keys,
    warnings: stored.snapshot.warnings,
  };
}
