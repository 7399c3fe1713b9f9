import { createFsArchiveStore } from '../../archive/fs-store';
import { deliverIssueLocally, localMessageSettings } from '../../delivery/local';
import {
  noUpstreamReachable,
  type ProduceIssueResult,
  produceIssue,
  ReportUnavailableError,
} from '../../pipeline/produce-issue';
import type { ReportInputs } from '../../sources/types';
import { type CliContext, localPaths } from '../context';
import { archiveFor, baseOptions, liveDeps, sampleDeps } from '../issue-options';
import { describeIssue } from '../issue-output';
import type { CommandRegistrar } from '../main';

function failureLines(inputs: ReportInputs): string[] {
  const outcomes = {
    'Coin Metrics': inputs.coinMetrics,
    'mempool pools': inputs.pools,
    'mempool difficulty': inputs.difficultyAdjustment,
  };
  return Object.entries(outcomes).map(([name, o]) => `  ${name}: ${o.status === 'ok' ? 'ok' : o.reason}`);
}

/** This week's issue from the live upstreams, or, when none answers at all, from the bundled sample data. */
async function produceThisWeek(ctx: CliContext): Promise<ProduceIssueResult> {
  const archive = archiveFor(ctx);
  try {
    return await produceIssue(liveDeps(ctx, archive), baseOptions(ctx, { sample: false, runDay: 'live' }));
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
    return produceIssue(sampleDeps(ctx, archive), baseOptions(ctx, { sample: true, runDay: 'sample' }));
  }
}

export const registerRun: CommandRegistrar = (program, context) => {
  program
    .command('run')
    .description("this week's issue end to end: fetch → report → archive → deliver to the local outbox")
    .option('--allow-sample', 'deliver the issue to the local list even when it is built from sample data')
    .action(async (flags: { allowSample?: boolean }) => {
      const ctx = context();
      const issue = await produceThisWeek(ctx);
      const archive = archiveFor(ctx);
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
      if (delivery.failed > 0) throw new Error(`${delivery.failed} recipient(s) could not be delivered`);
    });
};
