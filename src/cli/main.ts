/**
 * The `hashbrief` command line. Each subcommand lives in src/cli/commands/<name>.ts and registers itself;
 * this file only wires the context and maps outcomes to exit codes (0 ok, 1 failed or issue held, 2 bad
 * usage).
 *
 * Commands load lazily: only the module of the command being run is imported, so `hashbrief --help` or a
 * typo never loads MJML, the charts, the AWS SDK or zod. Top-level help then lists the other commands
 * from a command index captured at build time (dist/command-index.json, see scripts/build.mjs); without
 * an index (tests, running from source) every command module is loaded, as before.
 */
import path from 'node:path';
import { Command, CommanderError, Help } from 'commander';
import { version } from '../../package.json';
import type { Env } from '../config/env';
import { systemClock } from '../ports';
import type { IssueHeldError } from '../sources/integrity';
import type { CliContext, CliIo } from './context';
import { stderrReporter } from './reporter';

export type CommandRegistrar = (program: Command, context: () => CliContext) => void;

/** One subcommand: its name and how to load the module that registers it. */
interface CommandModule {
  readonly name: string;
  readonly load: () => Promise<CommandRegistrar>;
}

const COMMANDS: readonly CommandModule[] = [
  { name: 'run', load: async () => (await import('./commands/run')).registerRun },
  { name: 'report', load: async () => (await import('./commands/report')).registerReport },
  { name: 'alerts', load: async () => (await import('./commands/alerts')).registerAlerts },
  { name: 'emulate', load: async () => (await import('./commands/emulate')).registerEmulate },
  { name: 'archive', load: async () => (await import('./commands/archive')).registerArchive },
  { name: 'subscribers', load: async () => (await import('./commands/subscribers')).registerSubscribers },
  { name: 'send', load: async () => (await import('./commands/send')).registerSend },
  { name: 'preview', load: async () => (await import('./commands/preview')).registerPreview },
];

/** How top-level help lists one command, as the real registration renders it. */
export interface CommandSummary {
  readonly name: string;
  readonly aliases: readonly string[];
  /** E.g. `send [options] <issueId>`. */
  readonly term: string;
  readonly description: string;
  readonly hidden: boolean;
}

export interface MainOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  io?: CliIo;
  /** Summaries of every command (the build's dist/command-index.json): enables lazy loading. */
  commandIndex?: readonly CommandSummary[];
}

/**
 * The command `argv` asks for (`help X` asks for X), or undefined for top-level help, no command or an
 * unknown one. Only `-h`/`--help` are program options, so the first operand is the command.
 */
function requestedCommand(argv: readonly string[], index: readonly CommandSummary[]): string | undefined {
  const operands = argv.filter((a) => !a.startsWith('-'));
  const word = operands[0] === 'help' ? operands[1] : operands[0];
  if (word === undefined) return undefined;
  return index.find((c) => c.name === word || c.aliases.includes(word))?.name;
}

/** Registers every command for real (loading every module) and returns what top-level help shows. */
export async function commandIndex(): Promise<CommandSummary[]> {
  const program = new Command('hashbrief');
  const context = (): CliContext => {
    throw new Error('the command index never runs a command');
  };
  for (const command of COMMANDS) (await command.load())(program, context);
  const help = program.createHelp();
  return program.commands.map((command) => ({
    name: command.name(),
    aliases: command.aliases(),
    term: help.subcommandTerm(command),
    description: help.subcommandDescription(command),
    hidden: !help.visibleCommands(program).includes(command),
  }));
}

/** Runs the CLI with `argv` (without node and script) and resolves to the exit code. */
export async function main(argv: string[], options: MainOptions = {}): Promise<number> {
  const io: CliIo = options.io ?? {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    isTty: Boolean(process.stderr.isTTY) && !process.env.CI,
  };
  const index = options.commandIndex;
  const wanted = index ? requestedCommand(argv, index) : undefined;
  const loadNow = COMMANDS.filter(
    (c) => !index || c.name === wanted || !index.some((summary) => summary.name === c.name),
  );
  // The environment schema (zod) is needed by every command that runs, never by help alone.
  const loadEnv = loadNow.length > 0 ? (await import('../config/env')).loadEnv : undefined;
  let cached: CliContext | undefined;
  const context = (): CliContext => {
    if (cached) return cached;
    if (!loadEnv) throw new Error('no command module was loaded, so no command can run');
    const env: Env = loadEnv(options.env ?? process.env);
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
    .version(version, '-V, --version', 'Print the hashbrief version')
    // Subcommands inherit these, so every help page reads in the same sentence case.
    .helpOption('-h, --help', 'Show help for the command')
    .helpCommand('help [command]', 'Show help for a command');
  const stubTerms = new Map<Command, string>();
  program.configureHelp({
    subcommandTerm: (command) => stubTerms.get(command) ?? new Help().subcommandTerm(command),
  });
  for (const command of COMMANDS) {
    const summary = index?.find((s) => s.name === command.name);
    if (summary && !loadNow.includes(command)) {
      // Listed in help and known to "did you mean", but its module is not loaded: it is not being run.
      const stub = program
        .command(summary.name, { hidden: summary.hidden })
        .aliases([...summary.aliases])
        .description(summary.description);
      stubTerms.set(stub, summary.term);
    } else {
      (await command.load())(program, context);
    }
  }

  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
      return 2;
    }
    // A command ran, so these modules are already loaded: importing them here costs nothing.
    const [{ UsageError }, { ConfigError }, { InputsOptionError }, { IssueHeldError }] = await Promise.all([
      import('./context'),
      import('../config/env'),
      import('../sources/inputs'),
      import('../sources/integrity'),
    ]);
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
