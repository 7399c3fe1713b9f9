import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { ArchiveStore } from '../../archive/store';
import { type ProduceIssueResult, produceIssue } from '../../pipeline/produce-issue';
import {
  previousFromArchived,
  ReplaySnapshotError,
  readPlaceholderNonce,
  readSnapshotFile,
  recordedBaseUrls,
  requestedAsOf,
} from '../../pipeline/replay-snapshot';
import { RecordingError } from '../../sources/errors';
import { loadReplay, writeRecordingFolder } from '../../sources/recording-fs';
import { archiveFor } from '../archive-store';
import type { CliContext } from '../context';
import { UsageError } from '../context';
import { AS_OF_HELP, asOfFlag, baseOptions, liveDeps, sampleDeps } from '../issue-options';
import { describeIssue, issueJson } from '../issue-output';
import type { CommandRegistrar } from '../main';

interface ReportFlags {
  asOf?: string;
  replay?: string;
  record?: string;
  out?: string;
  json?: boolean;
  sample?: boolean;
}

async function report(
  ctx: CliContext,
  archive: ArchiveStore,
  flags: ReportFlags,
): Promise<ProduceIssueResult> {
  asOfFlag(flags.asOf, ctx.clock);
  if (flags.replay && flags.sample) throw new UsageError('--replay and --sample cannot be combined');
  const recordDir = flags.record ? path.resolve(ctx.cwd, flags.record) : undefined;
  const onRecordings = recordDir
    ? async (recordings: Parameters<typeof writeRecordingFolder>[1]) => {
        await writeRecordingFolder(recordDir, recordings);
      }
    : undefined;

  if (flags.replay) {
    const replayDir = path.resolve(ctx.cwd, flags.replay);
    if (!existsSync(replayDir)) throw new UsageError(`--replay: no such folder ${replayDir}`);
    // Replaying an archived issue keeps its id, the week-over-week context it was made with and the
    // nonce of its email placeholders.
    const { replay, original, placeholderNonce } = await loadReplayFolder(replayDir);
    return produceIssue(
      { ...liveDeps(ctx, archive), replay },
      baseOptions(ctx, {
        sample: original?.sample ?? false,
        asOf: flags.asOf ?? requestedAsOf(replay.recordings),
        ...recordedBaseUrls(replay.recordings),
        onRecordings,
        ...(original ? { issueId: original.issueId, previous: previousFromArchived(original) } : {}),
        placeholderNonce,
      }),
    );
  }
  const deps = flags.sample ? sampleDeps(ctx, archive) : liveDeps(ctx, archive);
  const sample = Boolean(flags.sample);
  return produceIssue(
    deps,
    baseOptions(ctx, {
      sample,
      asOf: flags.asOf,
      onRecordings,
      // Without --as-of, the day's issue is remembered so a rerun today finds it without fetching.
      ...(flags.asOf === undefined ? { runDay: sample ? ('sample' as const) : ('live' as const) } : {}),
    }),
  );
}

/** Everything a replay reads from its folder; a file that is there but unreadable is bad usage (exit 2). */
async function loadReplayFolder(replayDir: string) {
  try {
    return {
      replay: await loadReplay(replayDir),
      original: await readSnapshotFile(replayDir),
      placeholderNonce: await readPlaceholderNonce(replayDir),
    };
  } catch (error) {
    if (error instanceof RecordingError || error instanceof ReplaySnapshotError) {
      throw new UsageError(`--replay: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

const REPORT_NOTES = `
Without --as-of the issue is for the latest day Coin Metrics has a price for (usually yesterday, UTC).
report uses the live upstreams; when none answers it fails (exit 1) rather than fall back to the
bundled sample data as \`run\` does. Pass --sample to build a sample issue on purpose.`;

export const registerReport: CommandRegistrar = (program: Command, context) => {
  program
    .command('report')
    .description('Build and archive one issue, without sending it')
    .option('--as-of <YYYY-MM-DD>', AS_OF_HELP)
    .option(
      '--replay <DIR>',
      'Serve upstream data from a --record folder or an archived issue folder (no network)',
    )
    .option('--record <DIR>', 'Store every upstream response as received under DIR/raw/')
    .option(
      '--out <DIR>',
      'Archive root (default: out/archive, or the bucket when HASHBRIEF_ARCHIVE_BUCKET is set)',
    )
    .option('--sample', 'Use the bundled synthetic sample data instead of the live upstreams')
    .option('--json', 'Print one JSON object describing the issue on stdout')
    .addHelpText('after', REPORT_NOTES)
    .action(async (flags: ReportFlags) => {
      const ctx = context();
      const quietCtx = flags.json ? { ...ctx, reporter: { ...ctx.reporter, info: () => {} } } : ctx;
      const archive = archiveFor(ctx, flags.out ? path.resolve(ctx.cwd, flags.out) : undefined);
      const issue = await report(quietCtx, archive, flags);
      if (flags.json) ctx.io.stdout(`${JSON.stringify(issueJson(issue, archive))}\n`);
      else ctx.io.stdout(describeIssue(issue, archive));
    });
};
