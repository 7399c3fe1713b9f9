import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, utcDay } from '../../../src/days';
import { type RunningEmulator, startEmulator } from '../../../src/emulator/server';
import { snapshotSchema } from '../../../src/snapshot/schema';
import { runCli } from '../../support/cli-run';
import { liveLikeDataset } from '../../support/datasets';
import { emulatorEnv, UNREACHABLE_UPSTREAMS } from '../../support/upstream-env';

// The dataset ends yesterday (UTC), as the live upstreams' data would: the default as-of day is its
// last day, and present-only sources (pools, difficulty) describe it.
const DATA_END = addDays(utcDay(new Date()), -1);
let emulator: RunningEmulator;
let cwd: string;
let env: Record<string, string>;

beforeAll(async () => {
  emulator = await startEmulator({ dataset: liveLikeDataset({ endDate: DATA_END }) });
  cwd = await mkdtemp(path.join(tmpdir(), 'hb-report-'));
  env = emulatorEnv(emulator);
});

afterAll(async () => {
  await emulator.close();
  await rm(cwd, { recursive: true, force: true });
});

async function filesUnder(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    out.set(path.relative(dir, full), await readFile(full));
  }
  return out;
}

describe('hashbrief report', () => {
  it('archives one issue and prints the --json contract with absolute paths', async () => {
    const result = await runCli(['report', '--json', '--record', 'rec', '--out', 'a'], { cwd, env });

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json).toMatchObject({ issueId: DATA_END, asOf: DATA_END, status: 'created', sample: false });
    expect(json.files.snapshot).toBe(path.join(cwd, 'a', 'issues', DATA_END, 'snapshot.json'));
    for (const key of ['html', 'text', 'csv']) expect(path.isAbsolute(json.files[key])).toBe(true);
    const snapshot = snapshotSchema.parse(JSON.parse(await readFile(json.files.snapshot, 'utf8')));
    expect(snapshot.metrics.hashprice.usdPerPhDay).toBeGreaterThan(0);
    expect(snapshot.sources.every((s) => s.status === 'ok')).toBe(true);
    expect((await readdir(path.join(cwd, 'rec', 'raw'))).length).toBeGreaterThanOrEqual(7);
  });

  it('replays an archived issue offline into a new archive byte for byte', async () => {
    const issueDir = path.join(cwd, 'a', 'issues', DATA_END);
    const offline = { ...env, ...UNREACHABLE_UPSTREAMS };

    const result = await runCli(['report', '--replay', issueDir, '--out', 'b'], { cwd, env: offline });

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const original = await filesUnder(issueDir);
    const replayed = await filesUnder(path.join(cwd, 'b', 'issues', DATA_END));
    expect([...replayed.keys()].sort()).toEqual([...original.keys()].sort());
    for (const [name, bytes] of original)
      expect(replayed.get(name)?.toString('utf8'), name).toBe(bytes.toString('utf8'));
  });

  it('replays a --record folder to the same snapshot', async () => {
    const result = await runCli(['report', '--replay', 'rec', '--out', 'c', '--json'], { cwd, env });

    expect(result.code).toBe(0);
    const replayed = await readFile(JSON.parse(result.stdout).files.snapshot);
    const original = await readFile(path.join(cwd, 'a', 'issues', DATA_END, 'snapshot.json'));
    expect(replayed.equals(original)).toBe(true);
  });

  it('reports "already archived" on a second run and rewrites nothing', async () => {
    const before = await filesUnder(path.join(cwd, 'a', 'issues', DATA_END));

    const result = await runCli(['report', '--out', 'a'], { cwd, env });

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('already archived');
    const after = await filesUnder(path.join(cwd, 'a', 'issues', DATA_END));
    for (const [name, bytes] of before) expect(after.get(name)?.equals(bytes), name).toBe(true);
  });

  it('builds a past day from data up to that day, skipping present-only endpoints', async () => {
    const result = await runCli(['report', '--as-of', '2024-04-19', '--out', 'd', '--json'], { cwd, env });

    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.issueId).toBe('2024-04-19');
    const snapshot = snapshotSchema.parse(JSON.parse(await readFile(json.files.snapshot, 'utf8')));
    expect(snapshot.asOf).toBe('2024-04-19');
    expect(snapshot.sources.find((s) => s.name.includes('pools'))?.status).toBe('skipped');
    expect(snapshot.metrics.pools.hhi).toBeNull();
    expect(snapshot.warnings.some((w) => /pool/i.test(w))).toBe(true);
    const csv = await readFile(json.files.csv, 'utf8');
    expect(csv.trimEnd().split('\r\n').at(-1)).toMatch(/^2024-04-19,/);
  });

  it('shows progress on a terminal (sources, pages, stages) and stays quiet with --json', async () => {
    const shown = await runCli(['report', '--out', 'tty'], { cwd, env, tty: true });
    const quiet = await runCli(['report', '--out', 'tty-json', '--json'], { cwd, env, tty: true });

    expect(shown.code).toBe(0);
    expect(shown.stderr).toContain('Coin Metrics: page 1 fetched');
    expect(shown.stderr).toContain('mempool pools: ok');
    expect(shown.stderr).toContain('rendering newsletter and charts');
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');
    expect(JSON.parse(quiet.stdout).issueId).toBe(DATA_END);
  });

  it('exits 2 with the flag named for a malformed --as-of', async () => {
    const result = await runCli(['report', '--as-of', '19-04-2024'], { cwd, env });

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--as-of');
  });

  it('exits 2 for an as-of day that is not complete yet, before fetching anything', async () => {
    const result = await runCli(['report', '--as-of', '2999-01-01'], { cwd, env });

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--as-of must be a complete UTC day/);
  });

  it('exits 2 for a --replay folder that does not exist', async () => {
    const result = await runCli(['report', '--replay', 'no-such-folder'], { cwd, env });

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--replay: no such folder');
  });

  it('exits 2 naming the variable when the environment is invalid', async () => {
    const result = await runCli(['report'], { cwd, env: { ...env, HASHBRIEF_HTTP_TIMEOUT_MS: 'soon' } });

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('HASHBRIEF_HTTP_TIMEOUT_MS');
  });
});
