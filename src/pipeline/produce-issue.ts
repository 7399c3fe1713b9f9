/**
 * One issue end to end, without sending: sources → metrics → snapshot → render → archive. Shared by the
 * CLI (`run`, `report`) and the report Lambda; every side effect arrives through `deps`.
 */
import { issueKey } from '../archive/keys';
import { archiveIssue } from '../archive/publish';
import { previousIssueBefore } from '../archive/read';
import { entryFromSnapshot } from '../archive/snapshot-entry';
import type { ArchiveStore } from '../archive/store';
import type { Assumptions } from '../metrics/assumptions';
import { buildSnapshot } from '../metrics/snapshot';
import type { Clock, Fetch, Random, Reporter, Sleep } from '../ports';
import { renderArchiveIndexPage } from '../render/index-page';
import { renderIssue } from '../render/render-issue';
import type { Snapshot } from '../snapshot/schema';
import type { HttpSettings, ResponseAttempts, ResponseTime } from '../sources/http';
import { fetchReportInputs } from '../sources/inputs';
import type { RecordedResponse } from '../sources/recording';
import type { ReportInputs } from '../sources/types';
import { issueFiles } from './issue-files';
import { issueIdFor } from './issue-id';
import { issueLinks } from './links';
import { readStoredIssue } from './stored-issue';

export interface ProduceIssueDeps {
  fetch: Fetch;
  clock: Clock;
  sleep: Sleep;
  random: Random;
  reporter: Reporter;
  archive: ArchiveStore;
  /** Replay supplies each response's recorded fetch time. */
  responseTime?: ResponseTime;
  /** Replay supplies each response's recorded attempt count. */
  responseAttempts?: ResponseAttempts;
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
  /** Called with every upstream response as received (for `--record`). */
  onRecordings?: (recordings: readonly RecordedResponse[]) => Promise<void>;
}

export interface ProducedIssue {
  issueId: string;
  asOf: string;
  status: 'created' | 'already-archived';
  snapshot: Snapshot;
  subject: string;
  /** Archive keys by file name relative to the issue folder. */
  keys: Record<string, string>;
  warnings: string[];
}

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

/** True when not a single upstream answered: the signal for the CLI's sample-data fallback. */
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
  return outcomes.every((o) => o.status !== 'ok');
}

/** Latest fetch time among the sources: a deterministic generatedAt that replays reproduce exactly. */
function generatedAtOf(recordings: readonly RecordedResponse[], clock: Clock): string {
  const times = recordings.flatMap((r) => (r.fetchedAt === null ? [] : [Date.parse(r.fetchedAt)]));
  return new Date(times.length ? Math.max(...times) : clock().getTime()).toISOString();
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

/** Fetches, computes, renders and archives one issue. Throws ReportUnavailableError when it can't. */
export async function produceIssue(
  deps: ProduceIssueDeps,
  options: ProduceIssueOptions,
): Promise<ProducedIssue> {
  const { inputs, recordings } = await fetchReportInputs(
    { ...deps, settings: options.httpSettings },
    {
      coinMetricsUrl: options.coinMetricsUrl,
      mempoolUrl: options.mempoolUrl,
      asOf: options.asOf,
      sample: options.sample,
    },
  );
  await options.onRecordings?.(recordings);
  if (inputs.coinMetrics.status !== 'ok') {
    const reason = inputs.coinMetrics.status === 'failed' ? inputs.coinMetrics.reason : 'skipped';
    throw new ReportUnavailableError(`no issue produced: Coin Metrics unavailable (${reason})`, inputs);
  }

  const asOf = inputs.asOf;
  const issueId = options.issueId ?? issueIdFor(asOf, { sample: inputs.sample });
  deps.reporter.info(`computing issue ${issueId} (as of ${asOf})`);
  const previous =
    options.previous !== undefined
      ? options.previous
      : await previousWeekIssue(deps.archive, asOf, inputs.sample);
  const { snapshot, series } = buildSnapshot(inputs, options.assumptions, {
    issueId,
    generatedAt: generatedAtOf(recordings, deps.clock),
    previous,
  });

  deps.reporter.info('rendering newsletter and charts');
  const links = issueLinks(issueId, options.publicBaseUrl, options.linksBaseUrl);
  const rendered = await renderIssue({
    snapshot,
    series,
    links,
    footer: { postalAddress: options.postalAddress },
    imageMode: options.publicBaseUrl ? 'hosted' : 'cid',
    publicBaseUrl: options.publicBaseUrl,
  });

  deps.reporter.info(`archiving to ${deps.archive.location}`);
  const files = issueFiles({ snapshot, series, rendered, recordings });
  const archived = await archiveIssue(
    deps.archive,
    { issueId, files, entry: entryFromSnapshot(snapshot) },
    {
      renderIndexPage: (entries) => renderArchiveIndexPage(entries, { subscribeUrl: links.subscribeUrl }),
      clock: deps.clock,
    },
  );
  const keys = Object.fromEntries(files.map((f) => [f.name, issueKey(issueId, f.name)]));
  if (archived.status === 'already-archived') {
    const stored = await readStoredIssue(deps.archive, issueId);
    return {
      issueId,
      asOf,
      status: archived.status,
      ...stored,
      keys,
      warnings: [...stored.snapshot.warnings, ...archived.warnings],
    };
  }
  return {
    issueId,
    asOf,
    status: archived.status,
    snapshot,
    subject: rendered.subject,
    keys,
    warnings: snapshot.warnings,
  };
}
