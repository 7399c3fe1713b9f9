/**
 * `hashbrief alerts` against the emulator on loopback, on the real clock: the data ends yesterday, whose
 * 7-day hashprice is a record low in the synthetic tail. The tests run in order and share one folder.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, utcDay } from '../../../src/days';
import { addressHash } from '../../../src/delivery/address';
import { type RunningEmulator, startEmulator } from '../../../src/emulator/server';
import { runCli } from '../../support/cli-run';
import { liveLikeDataset } from '../../support/datasets';
import { TEST_FROM } from '../../support/delivery-fixtures';
import { emulatorEnv } from '../../support/upstream-env';

const DATA_END = addDays(utcDay(new Date()), -1);
const ISSUE_DAY = addDays(DATA_END, -3);
let emulator: RunningEmulator;
let cwd: string;
let env: Record<string, string>;

const run = (...argv: string[]) => runCli(argv, { cwd, env });
const outbox = async () => {
  try {
    return await readdir(path.join(cwd, 'out', 'outbox', 'alerts'), { recursive: true });
  } catch {
    return [];
  }
};

beforeAll(async () => {
  emulator = await startEmulator({ dataset: liveLikeDataset({ endDate: DATA_END }) });
  cwd = await mkdtemp(path.join(tmpdir(), 'hb-alerts-'));
  env = {
    ...emulatorEnv(emulator),
    HASHBRIEF_FROM_ADDRESS: TEST_FROM,
    HASHBRIEF_LINKS_BASE_URL: 'https://links.example.com',
  };
});
afterAll(async () => {
  await emulator.close();
  await rm(cwd, { recursive: true, force: true });
});

describe('hashbrief alerts', () => {
  it('refuses a bad --as-of as bad usage', async () => {
    const result = await run('alerts', '--as-of', '2026-02-30');

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--as-of must be a day written YYYY-MM-DD');
  });

  it('judges nothing before the first weekly issue, and says so (exit 0)', async () => {
    const result = await run('alerts');

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`alerts for ${DATA_END}`);
    expect(result.stdout).toContain('nothing judged: no weekly issue');
  }, 60_000);

  it('with --dry-run shows the editions it would make and archives and sends nothing', async () => {
    await run('report', '--as-of', ISSUE_DAY);
    await run('subscribers', 'add', 'alerts@example.com');
    await run('subscribers', 'add', 'weekly@example.com', '--no-alerts');

    const result = await run('alerts', '--dry-run');

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`compared with: issue ${ISSUE_DAY}`);
    expect(result.stdout).toMatch(
      new RegExp(`${DATA_END}-hashprice-low \\(critical\\) dry-run: Alert: Hashprice set a record low`),
    );
    expect(result.stdout).toContain('not mailed: dry run');
    await expect(readdir(path.join(cwd, 'out', 'archive', 'alerts'))).rejects.toThrow();
    expect(await outbox()).toEqual([]);
  }, 60_000);

  it('archives the edition and mails it to the readers who want alerts', async () => {
    const result = await run('alerts');

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`${DATA_END}-hashprice-low \\(critical\\) created`));
    expect(result.stdout).toContain('mailing 1 readers');
    expect(await outbox()).toContain(
      path.join(`${DATA_END}-hashprice-low`, `${addressHash('alerts@example.com')}.eml`),
    );
    expect((await outbox()).filter((f) => f.endsWith('.eml'))).toHaveLength(1);
    const edition = await readdir(path.join(cwd, 'out', 'archive', 'alerts', `${DATA_END}-hashprice-low`));
    expect(edition.sort()).toEqual(['alert.json', 'alert.txt', 'charts', 'email.json', 'index.html']);
  }, 60_000);

  it('is a no-op when run again the same day', async () => {
    const result = await run('alerts', '--json');

    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.editions[0]).toMatchObject({
      editionId: `${DATA_END}-hashprice-low`,
      status: 'already-archived',
      mail: { planned: true, alreadyPlanned: true },
    });
    expect(json.delivery).toBeNull();
    expect((await outbox()).filter((f) => f.endsWith('.eml'))).toHaveLength(1);
  }, 60_000);
});
