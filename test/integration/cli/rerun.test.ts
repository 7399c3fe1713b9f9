/**
 * One issue, one set of inputs, through the CLI: a rerun of an archived issue is a no-op that fetches
 * nothing, and a sample issue never takes the lead from a live one.
 */
import { appendFile, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLatestManifest } from '../../../src/archive/manifest';
import { addDays, utcDay } from '../../../src/days';
import type { RunningEmulator } from '../../../src/emulator/server';
import { runCli } from '../../support/cli-run';
import { emulatedCliForEachTest } from '../../support/emulated-cli';

const DATA_END = addDays(utcDay(new Date()), -1);
let emulator: RunningEmulator;
let env: Record<string, string>;
let cwd: string;

emulatedCliForEachTest('hb-rerun-', DATA_END, (cli) => {
  ({ emulator, env, cwd } = cli);
});

describe('rerunning an archived issue', () => {
  it('a second `run` fetches nothing, warns about nothing and reports "already archived"', async () => {
    const first = await runCli(['run'], { cwd, env });
    expect(first.code).toBe(0);
    const requestsBefore = emulator.requests().length;

    const second = await runCli(['run'], { cwd, env });

    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`issue ${DATA_END} (as of ${DATA_END}) already archived`);
    expect(second.stdout).not.toMatch(/different content|kept the original|warning/);
    expect(emulator.requests().length).toBe(requestsBefore);
  });
});

describe('archive verify', () => {
  it('replays an issue from its raw/ files to the same bytes, and names the file that no longer matches', async () => {
    const made = await runCli(['report', '--json'], { cwd, env });
    expect(made.code).toBe(0);
    const issueDir = path.join(cwd, 'out', 'archive', 'issues', DATA_END);

    const clean = await runCli(['archive', 'verify'], { cwd, env });
    await appendFile(path.join(issueDir, 'newsletter.txt'), 'an edit nobody replayed\n');
    const tampered = await runCli(['archive', 'verify', DATA_END], { cwd, env });

    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain(`${DATA_END}: ok`);
    expect(clean.stdout).toContain('settings from the run record');
    expect(tampered.code).toBe(1);
    expect(tampered.stdout).toContain(`${DATA_END}: MISMATCH`);
    expect(tampered.stdout).toMatch(/ {2}newsletter\.txt: first difference at byte \d+/);
    expect(tampered.stdout).not.toMatch(/ {2}snapshot\.json:/);
    expect(tampered.stderr).toContain('do not replay from their own raw/ files');
  });

  it('verifies an issue archived before run records existed with the current settings', async () => {
    await runCli(['report'], { cwd, env });
    await rm(path.join(cwd, 'out', 'archive', 'runs'), { recursive: true });

    const result = await runCli(['archive', 'verify', '--json'], { cwd, env });

    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).issues).toMatchObject([
      { issueId: DATA_END, status: 'ok', basis: 'current settings' },
    ]);
  });

  it('exits 2 for an issue id that cannot exist', async () => {
    const result = await runCli(['archive', 'verify', '../etc'], { cwd, env });

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Invalid issue id');
  });
});

describe('sample issues never lead', () => {
  it('`report --sample` after a live issue leaves latest.json and the top of index.html on the live issue', async () => {
    const live = await runCli(['report', '--json'], { cwd, env });
    expect(live.code).toBe(0);

    const sample = await runCli(['report', '--sample', '--json'], { cwd, env });

    expect(sample.code).toBe(0);
    expect(JSON.parse(sample.stdout)).toMatchObject({ sample: true, status: 'created' });
    const archiveDir = path.join(cwd, 'out', 'archive');
    const latest = parseLatestManifest(await readFile(path.join(archiveDir, 'latest.json')));
    expect(latest.issue).toMatchObject({ issueId: DATA_END, sample: false });
    const html = await readFile(path.join(archiveDir, 'index.html'), 'utf8');
    const firstIssueLink = /href="issues\/([^/"]+)\//.exec(html)?.[1];
    expect(firstIssueLink).toBe(DATA_END);
    // The sample issue is still archived and listed, after the live one.
    expect(html).toContain(`issues/${DATA_END}-sample/`);
  });

  it('with only sample issues, the newest sample leads', async () => {
    const sample = await runCli(['report', '--sample', '--json'], { cwd, env });

    expect(sample.code).toBe(0);
    const latest = parseLatestManifest(await readFile(path.join(cwd, 'out', 'archive', 'latest.json')));
    expect(latest.issue).toMatchObject({ sample: true });
  });

  it('`send` refuses to mail a sample issue to the list without --allow-sample', async () => {
    await runCli(['subscribers', 'add', 'reader@example.com'], { cwd, env });
    const sample = JSON.parse((await runCli(['report', '--sample', '--json'], { cwd, env })).stdout);

    const refused = await runCli(['send', sample.issueId], { cwd, env });
    const allowed = await runCli(['send', sample.issueId, '--allow-sample'], { cwd, env });

    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--allow-sample');
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain('1 sent');
    expect(await readdir(path.join(cwd, 'out', 'outbox', sample.issueId))).toHaveLength(1);
  });
});
