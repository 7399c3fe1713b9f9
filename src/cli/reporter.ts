import type { Reporter } from '../ports';
import type { CliIo } from './context';

/** Progress lines on stderr when interactive; quiet otherwise (CI, pipes, --json). Warnings always. */
export function stderrReporter(io: CliIo): Reporter {
  return {
    info: (message) => {
      if (io.isTty) io.stderr(`  ${message}\n`);
    },
    warn: (message) => io.stderr(`warning: ${message}\n`),
  };
}
