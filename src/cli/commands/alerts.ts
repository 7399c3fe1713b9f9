/**
 * `hashbrief alerts [--as-of D] [--dry-run] [--json]`: the mid-week alert run (src/alerts/alert-job.ts), as
 * the alerts Lambda runs it daily. Fetches the recent window, judges the alert rules against the latest
 * weekly issue and alert edition, archives an edition per newly tripped alert and mails the day's one to
 * the local list's alert readers (`out/outbox/alerts/<edition>/`). `--as-of D` judges that day and
 * archives without mailing; `--dry-run` archives and sends nothing. Exit 0 also when nothing tripped.
 */

import { type AlertJobResult, runAlertJob } from '../../alerts/alert-job';
import { createFsArchiveStore } from '../../archive/fs-store';
import { settingsFromEnv } from '../../config/settings';
import { isIsoDay } from '../../days';
import { deliverMessagesLocally, localMessageSettings } from '../../delivery/local';
import { createMemorySendQueue } from '../../delivery/queue';
import { createSubscriberStore } from '../../delivery/subscribers';
import { livePorts } from '../../ports';
import { archiveFor } from '../archive-store';
import { localPaths, UsageError } from '../context';
import type { CommandRegistrar } from '../main';

function describe(result: AlertJobResult, delivered: { sent: number; skipped: number } | null): string {
  const lines = [
    `alerts for ${result.asOf ?? 'unknown day'}${result.dryRun ? ' (dry run: nothing archived or sent)' : ''}`,
  ];
  if (result.baseline) {
    lines.push(
      `  compared with: ${result.baseline.kind} ${result.baseline.id} (data to ${result.baseline.asOf})`,
    );
  }
  if (result.status === 'skipped') lines.push(`  nothing judged: ${result.reason ?? ''}`);
  if (result.status === 'no-alerts') lines.push('  nothing newly tripped');
  for (const e of result.editions) {
    const mail = e.mail.planned
      ? e.mail.alreadyPlanned
        ? `mailed earlier (${e.mail.recipients} readers, mail day ${e.mail.mailDay})`
        : `mailing ${e.mail.recipients} readers (mail day ${e.mail.mailDay})`
      : `not mailed: ${e.mail.reason}`;
    lines.push(`  ${e.editionId} (${e.severity}) ${e.status}: ${e.title}`, `    ${mail}`);
  }
  for (const s of result.suppressed) {
    lines.push(`  ${s.alertId} held back: within ${s.cooldownDays} days of ${s.lastEditionId}`);
  }
  if (delivered)
    lines.push(`  delivery: ${delivered.sent} sent, ${delivered.skipped} already sent or skipped`);
  return `${lines.join('\n')}\n`;
}

export const registerAlerts: CommandRegistrar = (program, context) => {
  program
    .command('alerts')
    .description(
      "The mid-week alert run: judge the alert rules on the latest data, archive an edition per newly tripped alert, mail the day's one to the local list's alert readers",
    )
    .option('--as-of <YYYY-MM-DD>', 'Judge that day (data up to it only); archives, does not mail')
    .option('--dry-run', 'Judge and render in memory; archive and send nothing')
    .option('--json', 'Print the run as one JSON object on stdout')
    .action(async (flags: { asOf?: string; dryRun?: boolean; json?: boolean }) => {
      if (flags.asOf !== undefined && !isIsoDay(flags.asOf)) {
        throw new UsageError(`--as-of must be a day written YYYY-MM-DD (got ${JSON.stringify(flags.asOf)})`);
      }
      const ctx = context();
      const { env } = ctx;
      const archive = archiveFor(ctx);
      const state = createFsArchiveStore(ctx.localDir);
      const queue = createMemorySendQueue();
      const result = await runAlertJob(
        {
          ...(flags.asOf !== undefined ? { asOf: flags.asOf } : {}),
          ...(flags.dryRun ? { dryRun: true } : {}),
        },
        {
          ...livePorts(ctx.reporter, { fetch: ctx.fetch, clock: ctx.clock }),
          archive,
          subscribers: createSubscriberStore(state),
          queue,
        },
        settingsFromEnv(env).alerts,
      );
      const messages = queue.drain();
      let delivered: { sent: number; skipped: number; failed: number } | null = null;
      if (messages.length > 0) {
        delivered = await deliverMessagesLocally(messages, {
          archive,
          state,
          outboxDir: localPaths(ctx.localDir).outbox,
          settings: await localMessageSettings({
            localDir: ctx.localDir,
            from: env.HASHBRIEF_FROM_ADDRESS,
            linksBaseUrl: env.HASHBRIEF_LINKS_BASE_URL,
            tokenSecret: env.HASHBRIEF_TOKEN_SECRET,
          }),
          clock: ctx.clock,
          reporter: ctx.reporter,
        });
      }
      ctx.io.stdout(
        flags.json ? `${JSON.stringify({ ...result, delivery: delivered })}\n` : describe(result, delivered),
      );
      if (delivered && delivered.failed > 0) {
        throw new Error(`${delivered.failed} recipient(s) could not be delivered`);
      }
    });
};
