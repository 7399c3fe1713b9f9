import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleDataset } from '../../../src/emulator/dataset';
import { createEmulatorFetch, type RunningEmulator, startEmulator } from '../../../src/emulator/server';
import { snapshotSchema } from '../../../src/snapshot/schema';
import { SYNTHETIC_DATA_HEADER } from '../../../src/sources/recording';
import { runCli } from '../../support/cli-run';
import { liveLikeDataset } from '../../support/datasets';
import { emulatorEnv } from '../../support/upstream-env';

const DATA_END = '2026-11-20';
let emulator: RunningEmulator;
let cwd: string;

beforeAll(async () => {
  emulator = await startEmulator({ dataset: sampleDataset({ endDate: DATA_END }) });
  cwd = await mkdtemp(path.join(tmpdir(), 'hb-synthetic-'));
});

afterAll(async () => {
  await emulator.close();
  await rm(cwd, { recursive: true, force: true });
});

describe('synthetic data is never passed off as live', () => {
  it('the emulator marks answers from the synthetic dataset, and only those', async () => {
    const synthetic = createEmulatorFetch({ dataset: sampleDataset({ endDate: DATA_END }) });
    const liveLike = createEmulatorFetch({ dataset: liveLikeDataset({ endDate: DATA_END }) });
    const url = 'https://mempool.space/api/v1/difficulty-adjustment';

    expect((await synthetic(url)).headers.get(SYNTHETIC_DATA_HEADER)).toBe('synthetic');
    expect((await liveLike(url)).headers.get(SYNTHETIC_DATA_HEADER)).toBeNull();
  });

  it('a report built through `hashbrief emulate` with the sample data is labelled sample everywhere', async () => {
    const env = emulatorEnv(emulator);

    const result = await runCli(['report', '--json', '--record', 'rec'], { cwd, env });

    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json).toMatchObject({ issueId: `${DATA_END}-sample`, sample: true });
    const snapshot = snapshotSchema.parse(JSON.parse(await readFile(json.files.snapshot, 'utf8')));
    expect(snapshot.sample).toBe(true);
    expect(await readFile(json.files.html, 'utf8')).toContain('SAMPLE DATA');

    // The marker travels with the recording, so an offline replay is labelled the same way.
    const replay = await runCli(['report', '--replay', 'rec', '--out', 'replayed', '--json'], { cwd, env });
    expect(JSON.parse(replay.stdout)).toMatchObject({ issueId: `${DATA_END}-sample`, sample: true });
  });
});
