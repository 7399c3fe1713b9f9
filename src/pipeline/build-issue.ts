/**
 * From one set of inputs to every file of the issue: metrics → snapshot → render → issue files. No I/O:
 * what comes out depends only on what goes in, which is what lets a resumed run and `archive verify`
 * reproduce an issue byte for byte from its archived raw/ responses.
 */

import type { ReportInputs } from '../contracts/report-inputs';
import type { Assumptions } from '../metrics/assumptions';
import { buildSnapshot } from '../metrics/snapshot';
import type { Clock, Reporter } from '../ports';
import { renderIssue } from '../render/render-issue';
import type { RenderedIssue } from '../render/types';
import type { ChartRow, Snapshot } from '../snapshot/schema';
import type { RecordedResponse } from '../sources/recording';
import { type IssueFile, issueFiles } from './issue-files';
import { issueLinks } from './links';

/** Everything besides the upstream responses that an issue's files depend on. */
export interface IssueContext {
  issueId: string;
  /** Last week's issue, for week-over-week pool figures; null when there is none. */
  previous: Snapshot | null;
  assumptions: Assumptions;
  postalAddress: string;
  publicBaseUrl?: string;
  linksBaseUrl?: string;
  /** The nonce of the email's per-recipient placeholders (src/contracts/placeholders.ts). */
  placeholderNonce: string;
}

/** The context of an issue from what its run committed, with the nonce its email uses. */
export function issueContextOf(
  committed: {
    assumptions: Assumptions;
    postalAddress: string;
    publicBaseUrl: string | null;
    linksBaseUrl: string | null;
  },
  issue: { issueId: string; previous: Snapshot | null; placeholderNonce: string },
): IssueContext {
  return {
    ...issue,
    assumptions: committed.assumptions,
    postalAddress: committed.postalAddress,
    ...(committed.publicBaseUrl ? { publicBaseUrl: committed.publicBaseUrl } : {}),
    ...(committed.linksBaseUrl ? { linksBaseUrl: committed.linksBaseUrl } : {}),
  };
}

export interface BuiltIssue {
  snapshot: Snapshot;
  series: ChartRow[];
  rendered: RenderedIssue;
  /** Every object of the issue, raw responses included; snapshot.json last. */
  files: IssueFile[];
}

/** Latest fetch time among the sources: a deterministic generatedAt that replays reproduce exactly. */
export function generatedAtOf(recordings: readonly RecordedResponse[], clock: Clock): string {
  const times = recordings.flatMap((r) => (r.fetchedAt === null ? [] : [Date.parse(r.fetchedAt)]));
  const finite = times.filter(Number.isFinite);
  return new Date(finite.length ? Math.max(...finite) : clock().getTime()).toISOString();
}

/** Computes and renders one issue from its inputs. */
export async function buildIssue(
  inputs: ReportInputs,
  recordings: readonly RecordedResponse[],
  context: IssueContext,
  ports: { clock: Clock; reporter: Reporter },
): Promise<BuiltIssue> {
  const { snapshot, series } = buildSnapshot(inputs, context.assumptions, {
    issueId: context.issueId,
    generatedAt: generatedAtOf(recordings, ports.clock),
    previous: context.previous,
  });
  ports.reporter.info('rendering newsletter and charts');
  const links = issueLinks(context.issueId, context.publicBaseUrl, context.linksBaseUrl);
  const rendered = await renderIssue({
    snapshot,
    series,
    links,
    footer: { postalAddress: context.postalAddress },
    imageMode: context.publicBaseUrl ? 'hosted' : 'cid',
    publicBaseUrl: context.publicBaseUrl,
    placeholderNonce: context.placeholderNonce,
  });
  return { snapshot, series, rendered, files: issueFiles({ snapshot, series, rendered, recordings }) };
}
