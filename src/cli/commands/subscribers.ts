/**
 * `hashbrief subscribers add ADDR | remove ADDR [--purge] | import FILE | export [-o FILE] | list [--json] |
 * doctor [--repair] [--bucket NAME]`: the operator's view of the local subscriber list
 * (`<localDir>/subscribers/<id>.json`); `doctor` also checks and repairs the bucket's. Only `export`
 * prints addresses; `list` and `doctor` show ids and status. Unreadable records are skipped with a
 * warning naming their id, never stopping the command.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { createFsArchiveStore } from '../../archive/fs-store';
import { createS3ArchiveStore } from '../../archive/s3-store';
import { normalizeAddress } from '../../delivery/address';
import { checkSubscribers, type DoctorReport, repairSubscribers } from '../../delivery/doctor';
import { InvalidAddressError } from '../../delivery/errors';
import { liftMailboxSuppression, mailboxSuppression } from '../../delivery/mailbox';
import {
  createSubscriberStore,
  MAX_IMPORT_BYTES,
  MAX_IMPORT_ROWS,
  newSubscriber,
  type Subscriber,
  type SubscriberStore,
  scanSubscribers,
  subscriberIdFor,
  updateSubscriber,
} from '../../delivery/subscribers';
import type { CliContext } from '../context';
import { UsageError } from '../context';
import type { CommandRegistrar } from '../main';
import { count } from '../plural';

/**
 * `subscribers remove` for an address that is not on the list: exit 1, so a typo in a script or an erasure
 * request is not reported as done. The message never repeats the address (or its hash, which identifies it).
 */
export class SubscriberNotFoundError extends Error {
  override name = 'SubscriberNotFoundError';
  constructor() {
    super('no subscriber with that address on the local list; nothing was changed');
  }
}

/** The local subscriber list: an fs store rooted at the state folder, so objects land in `subscribers/`. */
export function localSubscriberStore(localDir: string): SubscriberStore {
  return createSubscriberStore(createFsArchiveStore(localDir));
}

function parseAddress(input: string): string {
  try {
    return normalizeAddress(input);
  } catch (error) {
    if (error instanceof InvalidAddressError) throw new UsageError(error.message);
    throw error;
  }
}

/** What adding one address did. */
type AddResult = 'added' | 'activated' | 'unchanged' | 'suppressed';

/**
 * Adds (or, with `reactivate`, re-activates) one normalized address as active; returns its id and what
 * changed. Every spelling of an address is one subscriber. Without `reactivate` (imports) a subscriber who
 * unsubscribed, bounced or complained, or any address of a suppressed mailbox (another +tag of it
 * bounced or complained), is left alone.
 */
async function addActive(
  store: SubscriberStore,
  normalized: string,
  source: Subscriber['source'],
  now: Date,
  reactivate: boolean,
): Promise<{ id: string; result: AddResult; before: Subscriber | null }> {
  const id = await subscriberIdFor(store, normalized);
  if (!reactivate && (await mailboxSuppression(store, normalized))) {
    return { id, result: 'suppressed', before: null };
  }
  let result: AddResult = 'added';
  const { before } = await updateSubscriber(store, id, (current) => {
    if (!current) {
      result = 'added';
      return newSubscriber(normalized, 'active', source, now);
    }
    if (current.status === 'active') {
      result = 'unchanged';
      return null;
    }
    if (!reactivate) {
      result = 'suppressed';
      return null;
    }
    result = 'activated';
    const at = now.toISOString();
    return {
      ...current,
      status: 'active',
      source,
      confirmedAt: at,
      updatedAt: at,
      statusReason: null,
      softBounces: 0,
    };
  });
  return { id, result, before };
}

/** What `subscribers add` did, in a sentence naming the subscriber by id (never by address). */
function describeAdd(id: string, result: AddResult, before: Subscriber | null): string {
  switch (result) {
    case 'added':
      return `added ${id} as an active subscriber (operator add: no confirmation email)`;
    case 'activated':
      return `${id} is an active subscriber again (it was ${before?.status ?? 'inactive'})`;
    case 'unchanged':
      return `${id} is already an active subscriber; nothing changed`;
    case 'suppressed':
      return `${id} was left as it is: its mailbox is suppressed`;
  }
}

/** Splits an import file into candidate addresses: first CSV column, `#` comments and blank lines skipped. */
export function importRows(text: string): { line: number; value: string }[] {
  const rows: { line: number; value: string }[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const first = (trimmed.split(',')[0] ?? '').trim().replace(/^"(.*)"$/, '$1');
    if (index === 0 && /^(e-?mail|address)$/i.test(first)) return;
    rows.push({ line: index + 1, value: first });
  });
  return rows;
}

/** Every readable record; unreadable ones are skipped with a warning naming their id. */
async function loadAll(store: SubscriberStore, ctx: CliContext) {
  const scan = await scanSubscribers(store, { reporter: ctx.reporter });
  if (scan.unreadable.length > 0) {
    ctx.io.stderr(
      `${count(scan.unreadable.length, 'unreadable subscriber record')} skipped; \`hashbrief subscribers doctor\` lists and repairs them\n`,
    );
  }
  return scan.records;
}

/** The size of an import file; a path that is missing or not a file is bad usage (exit 2). */
async function importFileSize(full: string, given: string): Promise<number> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(full);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new UsageError(`${given}: no such file; nothing was imported`, { cause: error });
    }
    throw error;
  }
  if (!info.isFile()) throw new UsageError(`${given} is not a file; nothing was imported`);
  return info.size;
}

const csvCell = (value: string) => (/[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

/** Dependencies of the `subscribers` command group that tests replace. */
export interface SubscribersCommandDeps {
  /** Builds the S3 client for `doctor --bucket` (default: the AWS credential chain). */
  createS3Client?: () => S3Client;
}

/** The `subscribers` command group with injectable dependencies. */
export function buildSubscribersRegistrar(deps: SubscribersCommandDeps = {}): CommandRegistrar {
  return (program, context) => registerCommands(program, context, deps);
}

export const registerSubscribers: CommandRegistrar = buildSubscribersRegistrar();

function registerCommands(
  program: Parameters<CommandRegistrar>[0],
  context: Parameters<CommandRegistrar>[1],
  deps: SubscribersCommandDeps,
): void {
  const cmd = program.command('subscribers').description('Manage the local subscriber list');
  const store = (ctx: CliContext) => localSubscriberStore(ctx.localDir);

  cmd
    .command('add')
    .argument('<address>', 'Email address')
    .description('Add an address as active (operator add: no confirmation email)')
    .action(async (address: string) => {
      const ctx = context();
      const normalized = parseAddress(address);
      const subscribers = store(ctx);
      const now = ctx.clock();
      const { id, result, before } = await addActive(subscribers, normalized, 'operator', now, true);
      // An explicit add overrides a bounce or complaint, also one recorded for another +tag of the mailbox.
      const lifted = await liftMailboxSuppression(subscribers, normalized, now, {
        overriding: before?.status === 'bounced' || before?.status === 'complained',
        reporter: ctx.reporter,
      });
      const lift = lifted ? `; mailbox suppression lifted: ${lifted}` : '';
      ctx.io.stdout(`${describeAdd(id, result, before)}${lift}\n`);
    });

  cmd
    .command('remove')
    .argument('<address>', 'Email address')
    .option('--purge', 'Delete the record entirely instead of marking it unsubscribed')
    .description('Unsubscribe an address (kept as unsubscribed so it is not re-imported), or --purge it')
    .action(async (address: string, options: { purge?: boolean }) => {
      const ctx = context();
      const subscribers = store(ctx);
      const hash = await subscriberIdFor(subscribers, parseAddress(address));
      if (options.purge) {
        if (!(await subscribers.get(hash))) throw new SubscriberNotFoundError();
        await subscribers.delete(hash);
        ctx.io.stdout(`purged ${hash}\n`);
        return;
      }
      const at = ctx.clock().toISOString();
      const { before, changed } = await updateSubscriber(subscribers, hash, (s) =>
        s && (s.status === 'active' || s.status === 'pending')
          ? { ...s, status: 'unsubscribed', statusReason: 'operator', updatedAt: at }
          : null,
      );
      if (!before) throw new SubscriberNotFoundError();
      ctx.io.stdout(`${changed ? 'unsubscribed' : `unchanged (${before.status})`} ${hash}\n`);
    });

  cmd
    .command('import')
    .argument('<file>', 'Text or CSV file, one address per line (first column)')
    .description('Add many addresses as active; bad rows are reported with their line number')
    .action(async (file: string) => {
      const ctx = context();
      const full = path.resolve(ctx.cwd, file);
      const size = await importFileSize(full, file);
      if (size > MAX_IMPORT_BYTES) {
        throw new UsageError(
          `${file} is ${size} bytes; an import takes at most ${MAX_IMPORT_BYTES} bytes (5 MiB). Nothing was imported: split the file.`,
        );
      }
      const rows = importRows(await readFile(full, 'utf8'));
      if (rows.length > MAX_IMPORT_ROWS) {
        throw new UsageError(
          `${file} has ${rows.length} rows; an import takes at most ${MAX_IMPORT_ROWS}. Nothing was imported: split the file.`,
        );
      }
      const subscribers = store(ctx);
      const counts = { added: 0, activated: 0, unchanged: 0, suppressed: 0 };
      const bad: string[] = [];
      for (const row of rows) {
        let normalized: string;
        try {
          normalized = normalizeAddress(row.value);
        } catch (error) {
          if (!(error instanceof InvalidAddressError)) throw error;
          bad.push(`line ${row.line}: ${error.reason}`);
          ctx.io.stderr(`line ${row.line}: ${error.reason}\n`);
          continue;
        }
        // An import never re-activates someone who unsubscribed, bounced or complained.
        counts[(await addActive(subscribers, normalized, 'import', ctx.clock(), false)).result]++;
      }
      ctx.io.stdout(
        `imported ${counts.added}, already active ${counts.unchanged}, kept suppressed ${counts.suppressed}, rejected ${bad.length}\n`,
      );
      if (bad.length > 0)
        throw new Error(`${count(bad.length, 'row')} rejected (listed above); the others were imported`);
    });

  cmd
    .command('export')
    .option('-o, --output <file>', 'Write to a file instead of stdout')
    .description('CSV of every subscriber WITH addresses: address,status,source,createdAt,updatedAt')
    .action(async (options: { output?: string }) => {
      const ctx = context();
      const lines = ['address,status,source,createdAt,updatedAt'];
      for (const { subscriber: s } of await loadAll(store(ctx), ctx)) {
        lines.push([s.address, s.status, s.source, s.createdAt, s.updatedAt].map(csvCell).join(','));
      }
      const csv = `${lines.join('\n')}\n`;
      if (options.output) {
        await writeFile(path.resolve(ctx.cwd, options.output), csv, { mode: 0o600 });
        ctx.io.stderr(`exported ${count(lines.length - 1, 'subscriber')} to ${options.output}\n`);
      } else ctx.io.stdout(csv);
    });

  cmd
    .command('list')
    .option('--json', 'Print one JSON array on stdout')
    .description('List subscriber ids with their status (no addresses)')
    .action(async (options: { json?: boolean }) => {
      const ctx = context();
      const rows = (await loadAll(store(ctx), ctx)).map(({ hash, subscriber: s }) => ({
        id: hash,
        status: s.status,
        source: s.source,
        createdAt: s.createdAt,
        updatedAt: s.updatedAt,
      }));
      if (options.json) {
        ctx.io.stdout(`${JSON.stringify(rows)}\n`);
        return;
      }
      for (const r of rows)
        ctx.io.stdout(`${r.id}  ${r.status.padEnd(12)} ${r.source.padEnd(8)} ${r.createdAt}\n`);
      const active = rows.filter((r) => r.status === 'active').length;
      ctx.io.stderr(`${count(rows.length, 'subscriber')}, ${active} active\n`);
    });

  cmd
    .command('doctor')
    .option('--repair', 'Fix what is found (merge spellings, salvage or move aside unreadable records)')
    .option(
      '--bucket <name>',
      "Check the S3 bucket's subscribers/ (AWS credentials) instead of the local list",
    )
    .description(
      'List unreadable records, spellings of one address stored apart, and unsuppressed mailboxes; exit 1 if any remain',
    )
    .action(async (options: { repair?: boolean; bucket?: string }) => {
      const ctx = context();
      const subscribers = options.bucket
        ? createSubscriberStore(
            createS3ArchiveStore({
              client: (deps.createS3Client ?? (() => new S3Client({})))(),
              bucket: options.bucket,
            }),
          )
        : store(ctx);
      // The findings are the output; the per-record warnings would only repeat them.
      const quiet = { info: () => {}, warn: () => {} };
      if (!options.repair) {
        const report = await checkSubscribers(subscribers, quiet);
        printReport(ctx, report);
        if (report.findings.length > 0) {
          ctx.io.stderr('run `hashbrief subscribers doctor --repair` to fix them\n');
          throw new SubscriberProblemsError(report.findings.length);
        }
        return;
      }
      const { before, repairs, after } = await repairSubscribers(subscribers, ctx.clock(), quiet);
      printReport(ctx, before);
      for (const r of repairs) ctx.io.stdout(`repaired  ${r.id}  ${r.action}\n`);
      if (after.findings.length > 0) {
        ctx.io.stderr(
          `${count(after.findings.length, 'problem')} remain${after.findings.length === 1 ? 's' : ''}:\n`,
        );
        printReport(ctx, after);
        throw new SubscriberProblemsError(after.findings.length);
      }
      ctx.io.stderr(`repaired ${repairs.length}; ${after.location} has no problems left\n`);
    });
}

/** `subscribers doctor` found problems (or could not repair them all): exit 1. */
export class SubscriberProblemsError extends Error {
  override name = 'SubscriberProblemsError';
  constructor(readonly problems: number) {
    super(`${count(problems, 'subscriber record problem')}`);
  }
}

function printReport(ctx: CliContext, report: DoctorReport): void {
  ctx.io.stderr(`checked ${report.checked} subscriber objects in ${report.location}\n`);
  for (const f of report.findings) ctx.io.stdout(`${f.problem.padEnd(22)}  ${f.id}  ${f.detail}\n`);
  if (report.findings.length === 0) ctx.io.stderr('no problems found\n');
}
