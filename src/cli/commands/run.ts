import { createFsArchiveStore } from '../../archive/fs-store';
import { createOverlayArchiveStore } from '../../archive/overlay-store';
import type { ArchiveStore } from '../../archive/store';
import type { ReportInputs } from '../../contracts/report-inputs';
import { deliverIssueLocally, localMessageSettings, previewLocalDelivery } from '../../delivery/local';
import {
  noUpstreamReachable,
  type ProduceIssueOptions,
  type ProduceIssueResult,
  produceIssue,
  ReportUnavailableError,
} from '../../pipeline/produce-issue';
import { archiveFor } from '../archive-store';
import { type CliContext, localPaths } from '../context';
import { AS_OF_HELP, asOfFlag, baseOptions, liveDeps, sampleDeps } from '../issue-options';
import { describeDryRun, describeIssue } from '../issue-output';
import type { CommandRegistrar } from '../main';
import { placeholderWarnings } from '../placeholder-settings';
import { count } from '../plural';

interface RunFlags {
  asOf?: string;
  dryRun?: boolean;
  allowSample?: boolean;
}

function failureLines(inputs: ReportInputs): string[] {
  const outcomes = {
    'Coin Metrics': inputs.coinMetrics,
    'mempool pools': inputs.pools,
    'mempool difficulty': inputs.difficultyAdjustment,
  };
  return Object.entries(outcomes).map(([name, o]) => `  ${name}: ${o.status === 'ok' ? 'ok' : o.reason}`);
}

/** Which issue: day D's, or (without --as-of) today's, remembered per day so a rerun needs no fetch. */
function dayOptions(
  asOf: string | undefined,
  kind: 'live' | 'sample',
): Pick<ProduceIssueOptions, 'asOf' | 'runDay'> {
  return asOf === undefined ? { runDay: kind } : { asOf };
}

/**
 * The issue of `asOf` (default: the latest day with data) from the live upstreams, or, when none answers
 * at all, from the bundled sample data.
 */
async function produceIssueOrSample(
  ctx: CliContext,
  archive: ArchiveStore,
  asOf: string | undefined,
): Promise<ProduceIssueResult> {
  try {
    return await produceIssue(
      liveDeps(ctx, archive),
      baseOptions(ctx, { sample: false, ...dayOptions(asOf, 'live') }),
    );
  } catch (error) {
    if (!(error instanceof ReportUnavailableError) || !noUpstreamReachable(error.inputs)) throw error;
    ctx.io.stderr(
      [
        '',
        '!! No upstream is reachable, so this issue is built from the bundled SAMPLE DATA.',
        '!! Every output is marked "SAMPLE DATA, not live". The numbers are synthetic.',
        ...failureLines(error.inputs),
        '',
        '',
      ].join('\n'),
    );
    return produceIssue(
      sampleDeps(ctx, archive),
      baseOptions(ctx, { sample: true, ...dayOptions(asOf, 'sample') }),
    );
  }
}

/** Builds and renders the issue against the archive as it is, then says what a run would do. */
async function dryRun(ctx: CliContext, asOf: string | undefined, allowSample: boolean): Promise<void> {
  const archive = archiveFor(ctx);
  // Reads see the real archive (last week's issue, "already archived", leases); writes stay in memory.
  const issue = await produceIssueOrSample(ctx, createOverlayArchiveStore(archive), asOf);
  const delivery = await previewLocalDelivery({
    issueId: issue.issueId,
    state: createFsArchiveStore(ctx.localDir),
    reporter: ctx.reporter,
  });
  const sampleRefused = issue.status !== 'in-progress' && issue.snapshot.sample && !allowSample;
  ctx.io.stdout(
    describeDryRun(issue, archive, {
      ...delivery,
      outboxDir: localPaths(ctx.localDir).outbox,
      sampleRefused,
    }),
  );
}

const RUN_NOTES = `
Without --as-of the issue is for the latest day Coin Metrics has a price for (usually yesterday, UTC).
When no upstream answers at all, run builds the issue from the bundled sample data instead and marks
every output "SAMPLE DATA, not live"; it delivers such an issue only with --allow-sample.`;

export const registerRun: CommandRegistrar = (program, context) => {
  program
    .command('run')
    .description("Build this week's issue end to end: fetch → report → archive → deliver to the local outbox")
    .option('--as-of <YYYY-MM-DD>', AS_OF_HELP)
    .option(
      '--dry-run',
      'Fetch, compute and render, then print what would be archived and delivered; write nothing',
    )
    .option('--allow-sample', 'Deliver the issue to the local list even when it is built from sample data')
    .addHelpText('after', RUN_NOTES)
    .action(async (flags: RunFlags) => {
      const ctx = context();
      const asOf = asOfFlag(flags.asOf, ctx.clock);
      for (const warning of placeholderWarnings(ctx.env)) ctx.io.stderr(`warning: ${warning}\n`);
      if (flags.dryRun) {
        await dryRun(ctx, asOf, Boolean(flags.allowSample));
        return;
      }
      const archive = archiveFor(ctx);
      const issue = await produceIssueOrSample(ctx, archive, asOf);
      ctx.io.stdout(describeIssue(issue, archive));
      // Another run is producing the issue and will deliver it: nothing for this one to do.
      if (issue.status === 'in-progress') return;
      if (issue.snapshot.sample && !flags.allowSample) {
        ctx.io.stdout(
          '  delivery: not delivered: this issue is built from SAMPLE DATA; rerun with --allow-sample to mail it to the local list anyway\n',
        );
        return;
      }
      const paths = localPaths(ctx.localDir);
      const delivery = await deliverIssueLocally({
        issueId: issue.issueId,
        archive,
        state: createFsArchiveStore(ctx.localDir),
        outboxDir: paths.outbox,
        settings: await localMessageSettings({
          localDir: ctx.localDir,
          from: ctx.env.HASHBRIEF_FROM_ADDRESS,
          linksBaseUrl: ctx.env.HASHBRIEF_LINKS_BASE_URL,
          tokenSecret: ctx.env.HASHBRIEF_TOKEN_SECRET,
        }),
        recipientsPerMessage: ctx.env.HASHBRIEF_RECIPIENTS_PER_MESSAGE,
        clock: ctx.clock,
        reporter: ctx.reporter,
      });
      if (delivery.recipients === 0) {
        ctx.io.stdout(
          `  delivery: the local subscriber list is empty; add one with \`hashbrief subscribers add you@example.com\`\n`,
        );
      } else {
        ctx.io.stdout(
          `  delivery: ${delivery.sent} sent, ${delivery.skipped} already sent, ${delivery.failed} failed → ${delivery.outboxDir}/${issue.issueId}/\n`,
        );
      }
      if (delivery.failed > 0)
        throw new Error(`${count(delivery.failed, 'recipient')} could not be delivered`);
    });
};
