/**
 * What the report Lambda does for one invocation, with every AWS dependency passed in:
 * - `{}` (the weekly schedule): this week's issue → archive → enqueue delivery to the list.
 * - `{ asOf }`: that day's issue → archive (a backfill never mails the list).
 * - `{ sendTo }`: the issue → archive → a test send to those addresses only.
 * - `{ dryRun: true }`: everything in memory; nothing archived, nothing sent.
 * An issue built from synthetic sample data is never mailed to the list (test sends still work).
 * Re-running is safe and takes the same path as any rerun (src/pipeline/produce-issue.ts): a complete
 * issue is not fetched again, an interrupted one resumes from its archived inputs, and a run that finds
 * another run producing the issue returns `in-progress` without doing anything. The list is planned once
 * per issue (`runs/deliveries/<id>.json`); a run dying between the enqueue and that record plans again,
 * and the send ledger skips recipients already sent.
 */
import { createMemoryArchiveStore } from '../archive/memory-store';
import { readDeliveryRecord, recordDelivery } from '../archive/run-record';
import type { ArchiveStore } from '../archive/store';
import { sendTestEmail } from '../delivery/deliver';
import type { EmailLoader, MessageSettings } from '../delivery/email';
import type { Mailer } from '../delivery/mailer';
import { planDelivery } from '../delivery/plan';
import type { SendQueue } from '../delivery/queue';
import type { SubscriberStore } from '../delivery/subscribers';
import {
  type IssueSettings,
  type ProduceIssueDeps,
  type ProduceIssueOptions,
  produceIssue,
} from './produce-issue';
import type { ReportPayload } from './report-payload';

/** The pipeline's ports plus what delivery needs. */
export interface ReportJobDeps extends Omit<ProduceIssueDeps, 'replay'> {
  subscribers: SubscriberStore;
  queue: SendQueue;
  mailer: Mailer;
  emails: (archive: ArchiveStore) => EmailLoader;
  messageSettings: () => Promise<MessageSettings>;
}

/** What the report run takes from configuration: an issue's settings, its claim timing, the batch size. */
export interface ReportJobSettings extends IssueSettings, Pick<ProduceIssueOptions, 'claim'> {
  /** Recipients per send-queue message (HASHBRIEF_RECIPIENTS_PER_MESSAGE). */
  recipientsPerMessage: number;
}

export interface ReportJobResult {
  issueId: string;
  asOf: string;
  /** `in-progress`: another run is producing the issue; this one did nothing (exit 0, no retry needed). */
  status: 'created' | 'already-archived' | 'in-progress' | 'dry-run';
  /** True when this run completed an issue an earlier (crashed or timed-out) run started. */
  resumed: boolean;
  files: Record<string, string>;
  urls: Record<string, string>;
  /** `alreadyPlanned`: an earlier run enqueued this issue's mailing, so this one enqueued nothing. */
  delivery: { queued: number; recipients: number; testSends: number; alreadyPlanned: boolean };
  warnings: string[];
}

const NO_DELIVERY = { queued: 0, recipients: 0, testSends: 0, alreadyPlanned: false };

const LINKED_FILES = ['newsletter.html', 'snapshot.json', 'metrics.csv', 'newsletter.txt'];

export async function runReportJob(
  payload: ReportPayload,
  deps: ReportJobDeps,
  settings: ReportJobSettings,
): Promise<ReportJobResult> {
  const archive = payload.dryRun ? createMemoryArchiveStore() : deps.archive;
  const issue = await produceIssue(
    { ...deps, archive },
    {
      coinMetricsUrl: settings.coinMetricsUrl,
      mempoolUrl: settings.mempoolUrl,
      asOf: payload.asOf,
      sample: false,
      assumptions: settings.assumptions,
      postalAddress: settings.postalAddress,
      publicBaseUrl: settings.publicBaseUrl,
      linksBaseUrl: settings.linksBaseUrl,
      httpSettings: settings.httpSettings,
      // This week's issue (no as-of day) is remembered per day, so a retry knows it without fetching.
      ...(payload.asOf === undefined ? { runDay: 'live' as const } : {}),
      ...(settings.claim ? { claim: settings.claim } : {}),
    },
  );
  if (issue.status === 'in-progress') {
    return {
      issueId: issue.issueId,
      asOf: issue.asOf,
      status: 'in-progress',
      resumed: false,
      files: {},
      urls: {},
      delivery: NO_DELIVERY,
      warnings: [
        `issue ${issue.issueId} is being produced by another run (its lease runs until ${issue.heldUntil}); this run did nothing`,
      ],
    };
  }
  const base = {
    issueId: issue.issueId,
    asOf: issue.asOf,
    resumed: issue.resumed,
    files: issue.keys,
    warnings: issue.warnings,
  };
  if (payload.dryRun) return { ...base, status: 'dry-run', urls: {}, delivery: NO_DELIVERY };

  const urls: Record<string, string> = {};
  for (const name of LINKED_FILES) {
    const key = issue.keys[name];
    if (key) urls[name] = (await archive.url(key)).url;
  }

  let delivery = NO_DELIVERY;
  if (payload.sendTo) {
    const settingsForMail = await deps.messageSettings();
    const emails = deps.emails(archive);
    for (const to of payload.sendTo) {
      await sendTestEmail({
        issueId: issue.issueId,
        to,
        emails,
        mailer: deps.mailer,
        settings: settingsForMail,
        clock: deps.clock,
      });
    }
    delivery = { ...delivery, testSends: payload.sendTo.length };
  } else if (issue.snapshot.sample) {
    // Synthetic numbers are for trying hashbrief out; they never go to the list.
    base.warnings = [...base.warnings, 'sample data: this issue was archived but not mailed to subscribers'];
  } else if (!payload.asOf) {
    const planned = await readDeliveryRecord(archive, issue.issueId);
    if (planned) {
      deps.reporter.info('delivery already planned', {
        issueId: issue.issueId,
        plannedAt: planned.plannedAt,
      });
      delivery = { ...delivery, recipients: planned.recipients, alreadyPlanned: true };
    } else {
      const plan = await planDelivery({
        issueId: issue.issueId,
        subscribers: deps.subscribers,
        queue: deps.queue,
        recipientsPerMessage: settings.recipientsPerMessage,
        reporter: deps.reporter,
      });
      await recordDelivery(archive, plan, deps.clock);
      delivery = { ...delivery, queued: plan.queued, recipients: plan.recipients };
    }
  }
  return { ...base, status: issue.status, urls, delivery };
}
