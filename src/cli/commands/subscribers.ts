/**
 * `hashbrief subscribers add ADDR | remove ADDR [--purge] | import FILE | export [-o FILE] | list [--json]`:
 * the operator's view of the local subscriber list (`<localDir>/subscribers/<hash>.json`). Only `export`
 * prints addresses; `list` shows hashes and status.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createFsArchiveStore } from '../../archive/fs-store';
import { hashNormalizedAddress, normalizeAddress } from '../../delivery/address';
import { InvalidAddressError } from '../../delivery/errors';
import {
  createSubscriberStore,
  MAX_IMPORT_BYTES,
  MAX_IMPORT_ROWS,
  mapConcurrent,
  newSubscriber,
  type Subscriber,
  type SubscriberStore,
  updateSubscriber,
} from '../../delivery/subscribers';
import type { CliContext } from '../context';
import { UsageError } from '../context';
import type { CommandRegistrar } from '../main';

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

/** Adds (or re-activates) one address as an operator; returns what changed. */
async function addActive(
  store: SubscriberStore,
  address: string,
  source: Subscriber['source'],
  now: Date,
  reactivate: boolean,
): Promise<'added' | 'activated' | 'unchanged' | 'suppressed'> {
  let result: 'added' | 'activated' | 'unchanged' | 'suppressed' = 'added';
  await updateSubscriber(store, hashNormalizedAddress(address), (current) => {
    if (!current) {
      result = 'added';
      return newSubscriber(address, 'active', source, now);
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
  return result;
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

async function loadAll(store: SubscriberStore) {
  const hashes = await store.listHashes();
  const all = await mapConcurrent(hashes, 16, (h) => store.get(h));
  return all.flatMap((v) => (v ? [v] : []));
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

export const registerSubscribers: CommandRegistrar = (program, context) => {
  const cmd = program.command('subscribers').description('manage the local subscriber list');
  const store = (ctx: CliContext) => localSubscriberStore(ctx.localDir);

  cmd
    .command('add')
    .argument('<address>', 'email address')
    .description('add an address as active (operator add: no confirmation email)')
    .action(async (address: string) => {
      const ctx = context();
      const normalized = parseAddress(address);
      const result = await addActive(store(ctx), normalized, 'operator', ctx.clock(), true);
      ctx.io.stdout(`${result} ${hashNormalizedAddress(normalized)}\n`);
    });

  cmd
    .command('remove')
    .argument('<address>', 'email address')
    .option('--purge', 'delete the record entirely instead of marking it unsubscribed')
    .description('unsubscribe an address (kept as unsubscribed so it is not re-imported), or --purge it')
    .action(async (address: string, options: { purge?: boolean }) => {
      const ctx = context();
      const hash = hashNormalizedAddress(parseAddress(address));
      const subscribers = store(ctx);
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
    .argument('<file>', 'text or CSV file, one address per line (first column)')
    .description('add many addresses as active; bad rows are reported with their line number')
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
        counts[await addActive(subscribers, normalized, 'import', ctx.clock(), false)]++;
      }
      ctx.io.stdout(
        `imported ${counts.added}, already active ${counts.unchanged}, kept suppressed ${counts.suppressed}, rejected ${bad.length}\n`,
      );
      if (bad.length > 0)
        throw new Error(`${bad.length} row(s) rejected (listed above); the others were imported`);
    });

  cmd
    .command('export')
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .description('CSV of every subscriber WITH addresses: address,status,source,createdAt,updatedAt')
    .action(async (options: { output?: string }) => {
      const ctx = context();
      const lines = ['address,status,source,createdAt,updatedAt'];
      for (const { subscriber: s } of await loadAll(store(ctx))) {
        lines.push([s.address, s.status, s.source, s.createdAt, s.updatedAt].map(csvCell).join(','));
      }
      const csv = `${lines.join('\n')}\n`;
      if (options.output) {
        await writeFile(path.resolve(ctx.cwd, options.output), csv, { mode: 0o600 });
        ctx.io.stderr(`exported ${lines.length - 1} subscribers to ${options.output}\n`);
      } else ctx.io.stdout(csv);
    });

  cmd
    .command('list')
    .option('--json', 'one JSON array on stdout')
    .description('subscriber hashes with status (no addresses)')
    .action(async (options: { json?: boolean }) => {
      const ctx = context();
      const rows = (await loadAll(store(ctx))).map(({ hash, subscriber: s }) => ({
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
      ctx.io.stderr(`${rows.length} subscribers, ${active} active\n`);
    });
};
