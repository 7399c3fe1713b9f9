/**
 * A CliContext for tests that call the CLI's parts directly: the given variables, no local folder, no
 * network, and silent output unless `io` is given.
 */
import type { CliContext } from '../../src/cli/context';
import { loadEnv } from '../../src/config/env';
import { type Clock, silentReporter } from '../../src/ports';

/** The context with `variables` parsed as the environment and time fixed by `clock`. */
export function offlineCliContext(
  variables: Record<string, string>,
  clock: Clock,
  io: CliContext['io'] = { stdout: () => {}, stderr: () => {}, isTty: false },
): CliContext {
  return {
    env: loadEnv(variables),
    cwd: '/nonexistent',
    localDir: '/nonexistent/out',
    io,
    clock,
    fetch: () => Promise.reject(new Error('no network in tests')),
    reporter: silentReporter,
  };
}
