/**
 * Runs the CLI in-process with a captured stdout/stderr, a chosen cwd and environment.
 */
import { main } from '../../src/cli/main';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(
  argv: string[],
  options: { cwd: string; env: Record<string, string>; tty?: boolean },
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    env: options.env,
    cwd: options.cwd,
    io: {
      stdout: (t) => {
        stdout += t;
      },
      stderr: (t) => {
        stderr += t;
      },
      isTty: options.tty ?? false,
    },
  });
  return { code, stdout, stderr };
}
