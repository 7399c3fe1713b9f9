import type { Reporter } from '../ports';
import type { CliIo } from './context';

/**
 * Progress lines on stderr when interactive; quiet otherwise (CI, pipes, --json). Warnings always, with
 * their fields (ids, counts, reasons: a Reporter never receives addresses or secrets), so a warning about
 * one record names it.
 */
export function stderrReporter(io: CliIo): Reporter {
  return {
    info: (message) => {
      if (io.isTty) io.stderr(`  ${message}\n`);
    },
    warn: (message, fields) => io.stderr(`warning: ${message}${describeFields(fields)}\n`),
  };
}

function describeFields(fields: Record<string, unknown> | undefined): string {
  const parts = Object.entries(fields ?? {}).map(
    ([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`,
  );
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}
