/**
 * What every CLI command receives: parsed environment, local folders, and the side-effect ports.
 */
import path from 'node:path';
import { z } from 'zod';
import type { Env } from '../config/env';
import type { Clock, Fetch, Reporter } from '../ports';

export interface CliIo {
  /** Text, or raw bytes (e.g. `archive get … -o -` of a PNG or .json.gz). */
  stdout: (chunk: string | Buffer) => void;
  stderr: (text: string) => void;
  /** True when stderr is an interactive terminal and progress may be drawn. */
  isTty: boolean;
}

export interface CliContext {
  env: Env;
  cwd: string;
  /** Root of local state: HASHBRIEF_LOCAL_DIR or <cwd>/out. */
  localDir: string;
  io: CliIo;
  clock: Clock;
  fetch: Fetch;
  reporter: Reporter;
}

/** Local folders under the state root (docs/architecture.md: archive, outbox, subscriber list, send ledger). */
export function localPaths(localDir: string) {
  return {
    archive: path.join(localDir, 'archive'),
    outbox: path.join(localDir, 'outbox'),
    subscribers: path.join(localDir, 'subscribers'),
    ledger: path.join(localDir, 'ledger'),
  };
}

/** Thrown for bad command-line usage; the CLI exits with code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

const PORT_EXPECTED = 'must be a whole number from 0 to 65535, 0 for any free port';

/** `--port N` for the local servers: 0–65535, 0 (or absent) meaning any free port. */
export const portFlag = z
  .string()
  .regex(/^\d+$/, PORT_EXPECTED)
  .transform(Number)
  .pipe(z.number().min(0, PORT_EXPECTED).max(65_535, PORT_EXPECTED));

/**
 * The UsageError for the first problem of a failed flag parse, in the tool's own words: the flag, what it
 * takes, and the value given (`--port: must be a whole number from 0 to 65535, … (got "70000")`).
 */
export function flagError(error: z.ZodError, given: Record<string, unknown>): UsageError {
  const issue = error.issues[0];
  const flag = String(issue?.path[0] ?? 'flags');
  const value = given[flag];
  const shown = value === undefined ? '' : ` (got ${JSON.stringify(value)})`;
  return new UsageError(`--${flag}: ${issue?.message ?? 'invalid'}${shown}`);
}
