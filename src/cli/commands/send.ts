/**
 * `hashbrief send ID [--to ADDR]`: (re)deliver an archived issue to the local list through the outbox
 * (idempotent via the ledger: only recipients not yet sent get an .eml), or a test send to one address
 * outside the ledger (`<outbox>/<ID>/test-<hash>.eml`).
 */

import path from 'node:path';
import { InvalidIssueIdError } from '../../archive/errors';
import { createFsArchiveStore } from '../../archive/fs-store';
import { assertIssueId, issueKey, SNAPSHOT_FILE } from '../../archive/keys';
import { readSnapshot } from '../../archive/read';
import type { ArchiveStore } from '../../archive/store';
import { sendTestEmail } from '../../delivery/deliver';
import { createEmailLoader } from '../../delivery/email';
import { InvalidAddressError } from '../../delivery/errors';
import { deliverIssueLocally, localMessageSettings } from '../../delivery/local';
import { createOutboxMailer, outboxRelativePath } from '../../delivery/outbox-mailer';
import { archiveStoreFor } from '../archive-store';
import { localPaths, UsageError } from '../context';
import type { CommandRegistrar } from '../main';
import { placeholderWarnings } from '../placeholder-settings';
import { count } from '../plural';

export const registerSend: CommandRegistrar = (program, context) => {
  program
    .command('send')
    .argument('<issueId>', 'Archived issue id, e.g. 2026-11-23')
    .option('--to <address>', 'Test send to this one address (outside the list and the ledger)')
    .option('--allow-sample', 'Deliver an issue built from sample data to the list (refused without it)')
    .description('Deliver an archived issue to the local list (outbox), or a test send with --to')
    .action(async (issueId: string, options: { to?: string; allowSample?: boolean }) => {
      // The id becomes a folder under the outbox: one that is not a plain segment could land outside it.
      try {
        assertIssueId(issueId);
      } catch (error) {
        if (error instanceof InvalidIssueIdError) throw new UsageError(error.message, { cause: error });
        throw error;
      }
      const ctx = context();
      for (const warning of placeholderWarnings(ctx.env)) ctx.io.stderr(`warning: ${warning}\n`);
      const paths = localPaths(ctx.localDir);
      const archive = archiveStoreFor(ctx);
      const settings = await localMessageSettings({
        localDir: ctx.localDir,
        from: ctx.env.HASHBRIEF_FROM_ADDRESS,
        linksBaseUrl: ctx.env.HASHBRIEF_LINKS_BASE_URL,
        tokenSecret: ctx.env.HASHBRIEF_TOKEN_SECRET,
      });
      if (options.to !== undefined) {
        try {
          const sent = await sendTestEmail({
            issueId,
            to: options.to,
            emails: createEmailLoader(archive),
            mailer: createOutboxMailer(paths.outbox),
            settings,
            clock: ctx.clock,
          });
          const file = path.join(
            paths.outbox,
            outboxRelativePath({ kind: 'test', issueId, recipientHash: sent.recipientHash }),
          );
          ctx.io.stdout(`test send written: ${file}\n`);
        } catch (error) {
          if (error instanceof InvalidAddressError) throw new UsageError(error.message);
          throw error;
        }
        return;
      }
      if (!options.allowSample && (await isSampleIssue(archive, issueId))) {
        throw new UsageError(
          `issue ${issueId} is built from SAMPLE DATA, not live data; add --allow-sample to mail it to the list anyway (or --to ADDRESS for a test send)`,
        );
      }
      const result = await deliverIssueLocally({
        issueId,
        archive,
        state: createFsArchiveStore(ctx.localDir),
        outboxDir: paths.outbox,
        settings,
        recipientsPerMessage: ctx.env.HASHBRIEF_RECIPIENTS_PER_MESSAGE,
        clock: ctx.clock,
        reporter: ctx.reporter,
      });
      ctx.io.stdout(
        `issue ${issueId}: ${count(result.recipients, 'active subscriber')}, ${result.sent} sent, ${result.skipped} already sent or skipped, ${result.failed} failed → ${path.join(result.outboxDir, issueId)}\n`,
      );
      if (result.failed > 0) throw new Error(`${count(result.failed, 'recipient')} failed`);
    });
};

/** Sample data by its snapshot; an issue without one (not complete yet) by its `-sample` id. */
async function isSampleIssue(archive: ArchiveStore, issueId: string): Promise<boolean> {
  if (!(await archive.get(issueKey(issueId, SNAPSHOT_FILE)))) return issueId.endsWith('-sample');
  return (await readSnapshot(archive, issueId)).sample;
}
