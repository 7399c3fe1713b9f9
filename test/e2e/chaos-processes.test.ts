/**
 * Chaos matrix, process half: real `hashbrief` processes against the upstream emulator and one local
 * archive. Five runs of one issue started at once, and a run killed with SIGKILL mid-issue followed by an
 * immediate rerun. After each case the issue must replay from its own raw/ files to the same bytes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, utcDay } from '../../src/days';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server';
import { liveLikeDataset } from '../support/datasets';
import { type ChaosRow, chaosTable } from '../support/e2e-world';
import { emulatorEnv } from '../support/upstream-env';

const BIN = path.resolve('bin/hashbrief.mjs');
const DATA_END = addDays(utcDay(new Date()), -1);
const rows: ChaosRow[] = [];
let emulator: RunningEmulator;
let env: Record<string, string>;
const tempDirs: string[] = [];

beforeAll(async () => {
  emulator = await startEmulator({ dataset: liveLikeDataset({ endDate: DATA_END }) });
  env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    ...emulatorEnv(emulator),
  };
});
afterAll(async () => {
  console.log(chaosTable('Chaos matrix: concurrent and killed processes', rows));
  await emulator.close();
  await Promise.all(tempDirs.map((d) => rm(d, { recursive: true, force: true })));
});

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function start(args: string[], cwd: string): { child: ChildProcess; done: Promise<Exit> } {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const done = new Promise<Exit>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

async function tempCwd(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'hb-procs-'));
  tempDirs.push(dir);
  return dir;
}

/** Replays the archived issue folder into a scratch archive and lists the files whose bytes differ. */
async function replayDiffers(cwd: string, issueId: string): Promise<string[]> {
  const issueDir = path.join(cwd, 'out', 'archive', 'issues', issueId);
  const replay = await start(['report', '--replay', issueDir, '--out', 'replayed', '--json'], cwd).done;
  if (replay.code !== 0) return [`replay failed: ${replay.stderr.trim()}`];
  const replayedDir = path.join(cwd, 'replayed', 'issues', issueId);
  const differing: string[] = [];
  for (const name of ['snapshot.json', 'newsletter.txt', 'newsletter.html', 'email.json', 'metrics.csv']) {
    const original = await readFile(path.join(issueDir, name));
    const again = await readFile(path.join(replayedDir, name));
    if (!original.equals(again)) differing.push(name);
  }
  return differing;
}

// Real child processes (five at once, a kill and a rerun): about 10 s alone, more on a busy machine.
describe('chaos matrix: processes', { timeout: 120_000 }, () => {
  it('five runs of one issue at once (fs store): one creates it, the others wait or exit "in progress" with status 0, and the issue replays from its own raw/ files', async () => {
    // Arrange
    const cwd = await tempCwd();

    // Act
    const exits = await Promise.all(Array.from({ length: 5 }, () => start(['report', '--json'], cwd).done));

    // Assess
    const statuses = exits.map((e) =>
      e.code === 0 ? String(JSON.parse(e.stdout).status) : `exit ${e.code}`,
    );
    const created = statuses.filter((s) => s === 'created').length;
    const differing = await replayDiffers(cwd, DATA_END);
    const verify = await start(['archive', 'verify', DATA_END], cwd).done;
    rows.push({
      name: 'five concurrent `report` processes',
      expected: 'all exit 0; one created, the rest already-archived or in-progress; replay and verify match',
      observed: `${statuses.join(', ')}; replay differs in [${differing.join(', ')}]; verify exit ${verify.code}`,
      ok: created === 1 && exits.every((e) => e.code === 0) && differing.length === 0 && verify.code === 0,
    });
    expect(exits.map((e) => e.code)).toEqual([0, 0, 0, 0, 0]);
    expect(created).toBe(1);
    expect(statuses.every((s) => ['created', 'already-archived', 'in-progress'].includes(s))).toBe(true);
    expect(differing).toEqual([]);
    expect(verify.stdout).toContain(`${DATA_END}: ok`);
    expect(verify.code).toBe(0);
  });

  it('a run killed with SIGKILL mid-issue, then an immediate rerun (fs store): the rerun takes the dead run over at once and the issue replays from its own raw/ files', async () => {
    // Arrange
    const cwd = await tempCwd();
    const issueDir = path.join(cwd, 'out', 'archive', 'issues', DATA_END);
    const victim = start(['report', '--json'], cwd);

    // Act: kill as soon as the issue folder has its first object.
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && !(existsSync(issueDir) && (await readdir(issueDir)).length > 0)) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    victim.child.kill('SIGKILL');
    const killed = await victim.done;
    const left = existsSync(issueDir) ? (await readdir(issueDir, { recursive: true })).length : 0;
    const startedAt = Date.now();
    const rerun = await start(['report', '--json'], cwd).done;
    const rerunMs = Date.now() - startedAt;

    // Assess
    const status = rerun.code === 0 ? JSON.parse(rerun.stdout).status : `exit ${rerun.code}`;
    const differing = await replayDiffers(cwd, DATA_END);
    const verify = await start(['archive', 'verify'], cwd).done;
    rows.push({
      name: 'SIGKILL mid-issue, immediate rerun',
      expected: 'rerun completes the issue without waiting for the lease; replay and verify match',
      observed: `killed by ${killed.signal} with ${left} entries left; rerun ${status} in ${rerunMs} ms; replay differs in [${differing.join(', ')}]; verify exit ${verify.code}`,
      ok: rerun.code === 0 && differing.length === 0 && verify.code === 0,
    });
    expect(killed.signal).toBe('SIGKILL');
    expect(rerun.code).toBe(0);
    expect(['created', 'already-archived']).toContain(status);
    expect(rerunMs).toBeLessThan(60_000);
    expect(differing).toEqual([]);
    expect(verify.code).toBe(0);
  });
});
