/**
 * `hashbrief emulate [--port N] [--data FILE|DIR] [--faults SPEC]`: both upstream APIs on 127.0.0.1 from the
 * bundled sample data, a Coin Metrics CSV or a `--record` folder, until SIGINT/SIGTERM.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { addDays, utcDay } from '../../days';
import { type Dataset, datasetFromCsv, datasetFromRecording, sampleDataset } from '../../emulator/dataset';
import { DatasetError, FaultSpecError } from '../../emulator/errors';
import { type Fault, parseFaultSpec } from '../../emulator/faults';
import { type RunningEmulator, startEmulator } from '../../emulator/server';
import type { Clock } from '../../ports';
import { type CliIo, flagError, portFlag, UsageError } from '../context';
import type { CommandRegistrar } from '../main';
import { count } from '../plural';
import { untilSignal } from '../shutdown';

const flagsSchema = z.object({
  port: portFlag.optional(),
  data: z.string().min(1, 'must name a file or folder').optional(),
  faults: z.string().optional(),
});

/** Commander's options as a record, for naming the value a bad flag was given. */
function asRecord(raw: unknown): Record<string, unknown> {
  return typeof raw === 'object' && raw !== null ? Object.fromEntries(Object.entries(raw)) : {};
}

/** Parsed `emulate` flags. */
export interface EmulateFlags {
  port: number | undefined;
  data: string | undefined;
  faults: Fault[];
}

/** Validates raw commander options; bad values become UsageError (exit 2) naming the flag. */
export function parseEmulateFlags(raw: unknown): EmulateFlags {
  const parsed = flagsSchema.safeParse(raw);
  if (!parsed.success) throw flagError(parsed.error, asRecord(raw));
  let faults: Fault[] = [];
  try {
    faults = parsed.data.faults === undefined ? [] : parseFaultSpec(parsed.data.faults);
  } catch (error) {
    if (error instanceof FaultSpecError) throw new UsageError(`--faults: ${error.message}`, { cause: error });
    throw error;
  }
  return { port: parsed.data.port, data: parsed.data.data, faults };
}

/** The dataset for `--data` (file = CSV, folder = recording), or the sample ending yesterday (UTC). */
export async function loadEmulatorDataset(
  data: string | undefined,
  cwd: string,
  clock: Clock,
): Promise<Dataset> {
  if (data === undefined) return sampleDataset({ endDate: addDays(utcDay(clock()), -1) });
  const target = path.resolve(cwd, data);
  const info = await stat(target).catch(() => null);
  if (!info) throw new UsageError(`--data: ${target} does not exist`);
  try {
    return info.isDirectory() ? await datasetFromRecording(target) : await datasetFromCsv(target);
  } catch (error) {
    if (error instanceof DatasetError) throw new UsageError(`--data: ${error.message}`, { cause: error });
    throw error;
  }
}

/** What to print once listening: where each upstream is and the env lines that point hashbrief at it. */
export function describeEmulator(
  emulator: RunningEmulator,
  dataset: Dataset,
  faults: readonly Fault[],
): string {
  const lines = [
    `hashbrief emulator listening on ${emulator.baseUrl} (data: ${dataset.label})`,
    `  Coin Metrics: ${emulator.coinMetricsUrl}`,
    `  mempool:      ${emulator.mempoolUrl}`,
  ];
  if (dataset.sample) lines.push('  SAMPLE DATA, not live: synthetic numbers for trying hashbrief out.');
  if (faults.length > 0) lines.push(`  faults: ${count(faults.length, 'rule')} active`);
  lines.push(
    '',
    '# point hashbrief at it:',
    `export HASHBRIEF_COINMETRICS_URL=${emulator.coinMetricsUrl}`,
    `export HASHBRIEF_MEMPOOL_URL=${emulator.mempoolUrl}`,
    '',
  );
  return lines.join('\n');
}

/** Runs the emulator until `untilShutdown` resolves, then closes it. */
export async function runEmulate(
  flags: EmulateFlags,
  deps: { io: CliIo; cwd: string; clock: Clock; untilShutdown: () => Promise<void> },
): Promise<void> {
  const dataset = await loadEmulatorDataset(flags.data, deps.cwd, deps.clock);
  let emulator: RunningEmulator;
  try {
    emulator = await startEmulator({ dataset, faults: flags.faults, port: flags.port });
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : '';
    if (code === 'EADDRINUSE' || code === 'EACCES') {
      throw new UsageError(`--port: cannot listen on ${flags.port} (${code})`, { cause: error });
    }
    throw error;
  }
  deps.io.stdout(describeEmulator(emulator, dataset, flags.faults));
  try {
    await deps.untilShutdown();
  } finally {
    await emulator.close();
    deps.io.stderr('hashbrief emulator stopped\n');
  }
}

/** Registers `hashbrief emulate`. */
export const registerEmulate: CommandRegistrar = (program, context) => {
  program
    .command('emulate')
    .description('Serve both upstream APIs on 127.0.0.1 from sample data, a Coin Metrics CSV or a recording')
    .option('--port <n>', 'Port to listen on, 0 to 65535 (default: any free port)')
    .option('--data <file|dir>', 'Coin Metrics community CSV file, or a --record folder')
    .option(
      '--faults <spec>',
      'Inject faults, for example "mempool:/v1/mining/pools=status:503x2,cm=latency:800"',
    )
    .action(async (options: unknown) => {
      const flags = parseEmulateFlags(options);
      const ctx = context();
      await runEmulate(flags, { io: ctx.io, cwd: ctx.cwd, clock: ctx.clock, untilShutdown: untilSignal });
    });
};
