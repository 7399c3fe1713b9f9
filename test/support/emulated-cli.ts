/**
 * The CLI against the emulator, for a test file: one emulator serving live-like data, the environment that
 * points the CLI at it (mail from TEST_FROM), and a fresh working folder for every test.
 */
import { afterAll, beforeAll } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server';
import { liveLikeDataset } from './datasets';
import { TEST_FROM } from './delivery-fixtures';
import { freshDirForEachTest } from './temp-dirs';
import { emulatorEnv } from './upstream-env';

/** What a test runs the CLI with. */
export interface EmulatedCli {
  emulator: RunningEmulator;
  env: Record<string, string>;
  cwd: string;
}

/**
 * Starts the emulator (data up to `endDate`) before the file's tests and closes it after them; before each
 * test, hands `use` the emulator, the environment and a fresh folder named `<prefix>…` (removed after the
 * test). Call it at the top level of a test file.
 */
export function emulatedCliForEachTest(
  prefix: string,
  endDate: string,
  use: (cli: EmulatedCli) => void,
): void {
  let emulator: RunningEmulator | undefined;
  let env: Record<string, string> = {};
  beforeAll(async () => {
    emulator = await startEmulator({ dataset: liveLikeDataset({ endDate }) });
    env = { ...emulatorEnv(emulator), HASHBRIEF_FROM_ADDRESS: TEST_FROM };
  });
  afterAll(async () => {
    await emulator?.close();
  });
  freshDirForEachTest(prefix, (cwd) => {
    if (!emulator) throw new Error('the emulator did not start');
    use({ emulator, env, cwd });
  });
}
