/**
 * The `hashbrief` command line. Each subcommand lives in src/cli/commands/<name>.ts and registers itself;
 * this file only wires the context and maps outcomes to exit codes (0 ok, 1 failed or issue held, 2 bad
 * usage).
 */
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { ConfigError, loadEnv } from '../config/env';
import { systemClock } from '../ports';
import { InputsOptionError } from '../sources/inputs';
import { IssueHeldError } from '../sources/integrity';
import { registerAlerts } from './commands/alerts';
import { registerArchive } from './commands/archive';
import { registerEmulate } from './commands/emulate';
import { registerPreview } from './commands/preview';
import { registerReport } from './commands/report';
import { registerRun } from './commands/run';
import { registerSend } from './commands/send';
import { registerSubscribers } from './commands/subscribers';
import { type CliContext, type CliIo, UsageError } from './context';
import { stderrReporter } from './reporter';

export type CommandRegistrar = (program: Command, context: () => CliContext) => void;

const registrars: CommandRegistrar[] = [
  registerRun,
  registerReport,
  registerAlerts,
  registerEmulate,
  registerArchive,
  registerSubscribers,
  registerSend,
  registerPreview,
];

export interface MainOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  io?: CliIo;
}

/** Runs the CLI with `argv` (without node and script) and resolves to the exit code. */
export async function main(argv: string[], options: MainOptions = {}): Promise<number> {
  const io: CliIo = options.io ?? {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    isTty: Boolean(process.stderr.isTTY) && !process.env.CI,
  };
  let cached: CliContext | undefined;
  const context = (): CliContext => {
    if (cached) return cached;
    const env = loadEnv(options.env ?? process.env);
    const cwd = options.cwd ?? process.cwd();
    cached = {
      env,
      cwd,
      localDir: path.resolve(cwd, env.HASHBRIEF_LOCAL_DIR ?? 'out'),
      io,
      clock: systemClock,
      fetch: (url, init) => fetch(url, init),
      reporter: stderrReporter(io),
    };
    return cached;
  };

  const program = new Command('hashbrief')
    .description('Weekly briefing on Bitcoin mining economics and network security')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError()
    // Subcommands inherit these, so every help page reads in the same sentence case.
    .helpOption('-h, --help', 'Show help for the command')
    .helpCommand('help [command]', 'Show help for a command');
  for (const register of registrars) register(program, context);

  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
      return 2;
    }
    if (error instanceof UsageError || error instanceof ConfigError || error instanceof InputsOptionError) {
      io.stderr(`hashbrief: ${error.message}\n`);
      return 2;
    }
    if (error instanceof IssueHeldError) {
      io.stderr(describeHold(error));
      return 1;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`hashbrief: failed: ${message}\n`);
    if (error instanceof Error && error.cause) io.stderr(`  cause: ${String(error.cause)}\n`);
    return 1;
  }
}

/** A held issue: one line per conflict, each naming the values, and what settles it. */
function describeHold(error: IssueHeldError): string {
  return [
    `hashbrief: issue for ${error.asOf} held, not archived or sent: Coin Metrics' figures are implausible and no witness settles them`,
    ...error.conflicts.map((conflict) => `  - ${conflict}`),
    '  A later run publishes the issue once Coin Metrics corrects the data or mempool confirms it.',
    '',
  ].join('\n');
}
