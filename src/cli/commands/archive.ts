/**
 * `hashbrief archive list | show ID | get ID FILE | url ID FILE | repair | verify [ID]`: browse,
 * download, fix and check the archive. Uses S3 when HASHBRIEF_ARCHIVE_BUCKET is set (default AWS credential chain), else the local
 * archive under the state folder. Bad input becomes UsageError (exit 2); everything else exit 1.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InvalidArchiveKeyError, InvalidExpiryError, InvalidIssueIdError } from '../../archive/errors';
import { assertIssueId } from '../../archive/keys';
import { getIssueEntry, issueFileUrl, listIssues, readIssueFile } from '../../archive/read';
import { repairManifests } from '../../archive/repair';
import { settingsFromEnv } from '../../config/settings';
import type { IssueIndexEntry } from '../../contracts/index-entry';
import { archiveFeeds, subscribeUrlFor } from '../../pipeline/links';
import type { IssueVerdict } from '../../pipeline/verify-issue';
import { renderArchiveIndexPage } from '../../render/index-page';
import { type ArchiveStoreDeps, archiveStoreFor } from '../archive-store';
import { alignColumns } from '../columns';
import { UsageError } from '../context';
import type { CommandRegistrar } from '../main';
import { count } from '../plural';

/** What the `archive` commands can be given (tests pass their own S3 client). */
export type ArchiveCommandDeps = ArchiveStoreDeps;

/** The `archive` command group with injectable dependencies. */
export function buildArchiveRegistrar(deps: ArchiveCommandDeps = {}): CommandRegistrar {
  return (program, context) => {
    const archive = program
      .command('archive')
      .description('Browse, download and repair the issue archive (S3 when HASHBRIEF_ARCHIVE_BUCKET is set)');
    const store = () => archiveStoreFor(context(), deps);
    const out = (text: string) => context().io.stdout(text);

    archive
      .command('list')
      .description('List archived issues, newest first')
      .option('--json', 'Print one JSON object: { location, issues }')
      .action(
        usage(async (options: { json?: boolean }) => {
          const s = store();
          const issues = await listIssues(s);
          if (options.json) {
            out(`${JSON.stringify({ location: s.location, issues }, null, 2)}\n`);
            return;
          }
          out(`${count(issues.length, 'issue')} in ${s.location}\n`);
          for (const line of alignColumns(issues.map(summaryCells))) out(`${line}\n`);
        }),
      );

    archive
      .command('show')
      .description("Show one issue's manifest entry and files")
      .argument('<id>', 'Issue id, e.g. 2026-11-23')
      .option('--json', 'Print the manifest entry as JSON')
      .action(
        usage(async (id: string, options: { json?: boolean }) => {
          const entry = await getIssueEntry(store(), id);
          if (options.json) {
            out(`${JSON.stringify(entry, null, 2)}\n`);
            return;
          }
          out(`${summaryLine(entry)}\n  generated ${entry.generatedAt}\n  files:\n`);
          for (const [name, file] of Object.entries(entry.files)) {
            out(
              `    ${name.padEnd(44)} ${String(file.bytes).padStart(9)} B  ${file.contentType}  sha256 ${file.sha256}\n`,
            );
          }
        }),
      );

    archive
      .command('get')
      .description('Download one file of an issue (bytes as stored; .json.gz stays gzip)')
      .argument('<id>', 'Issue id')
      .argument('<file>', 'File name in the issue, e.g. metrics.csv or charts/pools.png')
      .option(
        '-o, --output <path>',
        'Where to write it ("-" for stdout); default: the file name in the current folder',
      )
      .action(
        usage(async (id: string, file: string, options: { output?: string }) => {
          const object = await readIssueFile(store(), id, file);
          if (options.output === '-') {
            // Bytes as stored: a PNG or a gzip body must not pass through a text decoder.
            context().io.stdout(object.body);
            return;
          }
          const target = path.resolve(context().cwd, options.output ?? path.basename(file));
          await mkdir(path.dirname(target), { recursive: true });
          await writeFile(target, object.body);
          out(`wrote ${target} (${object.body.length} bytes)\n`);
        }),
      );

    archive
      .command('url')
      .description('Print a download URL: the CDN URL when public, else presigned with a stated expiry')
      .argument('<id>', 'Issue id')
      .argument('<file>', 'File name in the issue')
      .option('--expires <seconds>', 'Lifetime of a presigned URL, 1 to 604800 seconds (default 3600)')
      .action(
        usage(async (id: string, file: string, options: { expires?: string }) => {
          const expiresInSeconds = options.expires === undefined ? undefined : parseSeconds(options.expires);
          const link = await issueFileUrl(store(), id, file, expiresInSeconds ? { expiresInSeconds } : {});
          out(`${link.url}\n`);
          context().io.stderr(link.expiresAt ? `expires at ${link.expiresAt}\n` : 'no expiry\n');
        }),
      );

    archive
      .command('repair')
      .description(
        'Rebuild index.json, latest.json, index.html and the feeds from the issue objects (deletes nothing)',
      )
      .action(
        usage(async () => {
          const s = store();
          const result = await repairManifests(s, {
            renderIndexPage: (entries) =>
              renderArchiveIndexPage(entries, {
                subscribeUrl: subscribeUrlFor(context().env.HASHBRIEF_LINKS_BASE_URL),
              }),
            renderFeeds: archiveFeeds(context().env.HASHBRIEF_PUBLIC_BASE_URL, context().clock),
            clock: context().clock,
          });
          out(`${count(result.issues.length, 'issue')} indexed in ${s.location}\n`);
          out(
            result.written.length
              ? `rewrote ${result.written.join(', ')}\n`
              : 'manifests were already up to date\n',
          );
          for (const id of result.incomplete) {
            out(`incomplete (no snapshot.json, left as is; re-run the issue to finish it): ${id}\n`);
          }
          for (const s of result.skipped) out(`skipped ${s.issueId}: ${s.reason}\n`);
          // Loaded here, not at start-up: `archive list` and the others never need the alert editions.
          const { repairAlertsManifest } = await import('../../alerts/archive-edition');
          const alerts = await repairAlertsManifest(s, {
            renderFeeds: archiveFeeds(context().env.HASHBRIEF_PUBLIC_BASE_URL, context().clock),
            clock: context().clock,
          });
          if (alerts.editions.length > 0 || alerts.written.length > 0) {
            out(`${alerts.editions.length} alert edition(s) listed in alerts/index.json\n`);
          }
          if (alerts.written.length > 0) out(`rewrote ${alerts.written.join(', ')}\n`);
          for (const id of alerts.incomplete) {
            out(
              `incomplete alert edition (no alert.json, left as is; the next alert run finishes it): ${id}\n`,
            );
          }
          for (const a of alerts.skipped) out(`skipped alert edition ${a.editionId}: ${a.reason}\n`);
        }),
      );

    archive
      .command('verify')
      .description(
        'Replay issues from their own raw/ responses and check every file comes out byte for byte as stored',
      )
      .argument('[id]', 'One issue id (default: every issue in the archive)')
      .option('--json', 'Print one JSON object: { location, issues: [verdict, ...] }')
      .action(
        usage(async (id: string | undefined, options: { json?: boolean }) => {
          const ctx = context();
          const s = store();
          if (id !== undefined) assertIssueId(id);
          // Replaying renders issues (MJML, charts): loaded only for verify, so `archive list` stays light.
          const { archivedIssueIds, verifyIssue } = await import('../../pipeline/verify-issue');
          const ids = id !== undefined ? [id] : await archivedIssueIds(s);
          const fallback = settingsFromEnv(ctx.env).issue;
          const quiet = { info: () => {}, warn: () => {} };
          const verdicts: IssueVerdict[] = [];
          for (const issueId of ids)
            verdicts.push(await verifyIssue(s, issueId, fallback, { reporter: quiet }));
          if (options.json) out(`${JSON.stringify({ location: s.location, issues: verdicts }, null, 2)}\n`);
          else {
            out(`${verdicts.length} issue${verdicts.length === 1 ? '' : 's'} checked in ${s.location}\n`);
            for (const v of verdicts) out(`${verdictLine(v)}\n`);
          }
          // An issue still being made is not a failure of the archive, unless it was the one asked about.
          const failed = verdicts.filter(
            (v) =>
              v.status === 'mismatch' ||
              v.status === 'error' ||
              (id !== undefined && v.status === 'incomplete'),
          );
          if (failed.length) {
            throw new ArchiveVerifyError(
              `${failed.length} issue(s) do not replay from their own raw/ files: ${failed.map((v) => v.issueId).join(', ')} (an issue made by an older hashbrief differs when the newer one words or computes anything differently: verify it with the version that made it)`,
            );
          }
        }),
      );
  };
}

/** `archive verify` found issues that do not reproduce (exit code 1). */
export class ArchiveVerifyError extends Error {
  override name = 'ArchiveVerifyError';
}

function verdictLine(v: IssueVerdict): string {
  switch (v.status) {
    case 'ok':
      return `${v.issueId}: ok (${v.checked.length} files reproduced from raw/, ${basisText(v.basis)})`;
    case 'mismatch':
      return [
        `${v.issueId}: MISMATCH (${basisText(v.basis)})`,
        ...v.differing.map((d) => `  ${d.name}: ${d.detail}`),
      ].join('\n');
    case 'incomplete':
      return `${v.issueId}: incomplete: ${v.detail}`;
    case 'error':
      return `${v.issueId}: ERROR: ${v.detail}`;
  }
}

function basisText(basis: 'run record' | 'current settings'): string {
  return basis === 'run record'
    ? 'settings from the run record'
    : 'with the current settings (no run record)';
}

export const registerArchive: CommandRegistrar = buildArchiveRegistrar();

/** One issue's summary as table cells (aligned across issues by `archive list`). */
function summaryCells(e: IssueIndexEntry): string[] {
  const hashprice = e.headline.hashpriceUsdPerPhDay;
  const price = e.headline.priceUsd;
  return [
    e.issueId,
    `as of ${e.asOf}`,
    `hashprice ${hashprice === null ? 'n/a' : `$${hashprice.toFixed(2)}/PH/day`}`,
    `price ${price === null ? 'n/a' : `$${Math.round(price).toLocaleString('en-US')}`}`,
    count(Object.keys(e.files).length, 'file'),
    e.sample ? 'SAMPLE DATA' : '',
  ];
}

function summaryLine(e: IssueIndexEntry): string {
  return alignColumns([summaryCells(e)])[0] ?? '';
}

function parseSeconds(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(`--expires must be a whole number of seconds (got ${JSON.stringify(text)}).`);
  }
  return n;
}

/** Wraps an action so input the user got wrong (ids, names, expiry) exits with code 2. */
function usage<A extends unknown[]>(action: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args) => {
    try {
      await action(...args);
    } catch (error) {
      if (
        error instanceof InvalidIssueIdError ||
        error instanceof InvalidArchiveKeyError ||
        error instanceof InvalidExpiryError
      ) {
        throw new UsageError(error.message);
      }
      throw error;
    }
  };
}
