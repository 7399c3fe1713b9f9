import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startEmulator } from '../../../src/emulator/server';
import { snapshotSchema } from '../../../src/snapshot/schema';
import { runCli } from '../../support/cli-run';
import { liveLikeDataset } from '../../support/datasets';
import { TEST_FROM } from '../../support/delivery-fixtures';
import { freshDirForEachTest } from '../../support/temp-dirs';
import { emulatorEnv, UNREACHABLE_UPSTREAMS } from '../../support/upstream-env';

// Port 1 on loopback refuses connections at once: "no upstream reachable" without waiting on timeouts.
const unreachable = { ...UNREACHABLE_UPSTREAMS, HASHBRIEF_FROM_ADDRESS: TEST_FROM };

/** The decoded Subject header of a raw message (RFC 2047 Q/B encoded words, folded lines). */
function subjectOf(eml: string): string {
  const header = eml.split(/\r?\n\r?\n/)[0] ?? '';
  const unfolded = header.replace(/\r?\n[ \t]+/g, ' ');
  const line = unfolded.split(/\r?\n/).find((l) => l.startsWith('Subject: ')) ?? '';
  return line
    .slice('Subject: '.length)
    .replace(/\?= =\?/g, '?==?')
    .replace(/=\?UTF-8\?([QB])\?([^?]*)\?=/gi, (_, encoding: string, text: string) =>
      encoding.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : Buffer.from(
            text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => `%${hex}`),
            'utf8',
          )
            .toString('utf8')
            .replace(/(%[0-9A-F]{2})+/gi, (m) => decodeURIComponent(m)),
    );
}

let cwd: string;
freshDirForEachTest('hb-run-', (dir) => {
  cwd = dir;
});

describe('hashbrief run', () => {
  it('falls back to the sample data when no upstream answers, says so, and labels every output', async () => {
    await runCli(['subscribers', 'add', 'reader@example.com'], { cwd, env: unreachable });

    const result = await runCli(['run', '--allow-sample'], { cwd, env: unreachable });

    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/No upstream is reachable.*SAMPLE DATA/s);
    const issues = await readdir(path.join(cwd, 'out', 'archive', 'issues'));
    expect(issues).toHaveLength(1);
    const issueId = issues[0] ?? '';
    expect(issueId).toMatch(/-sample$/);
    const issueDir = path.join(cwd, 'out', 'archive', 'issues', issueId);
    const snapshot = snapshotSchema.parse(
      JSON.parse(await readFile(path.join(issueDir, 'snapshot.json'), 'utf8')),
    );
    expect(snapshot.sample).toBe(true);
    expect(await readFile(path.join(issueDir, 'newsletter.html'), 'utf8')).toContain('SAMPLE DATA');
    const outbox = path.join(cwd, 'out', 'outbox', issueId);
    const emails = await readdir(outbox);
    expect(emails).toHaveLength(1);
    const eml = await readFile(path.join(outbox, emails[0] ?? ''), 'utf8');
    expect(subjectOf(eml)).toMatch(/^\[SAMPLE DATA, not live\] /);
    expect(result.stdout).toContain('1 sent');
  });

  it('archives a sample issue but does not mail it to the list without --allow-sample', async () => {
    await runCli(['subscribers', 'add', 'reader@example.com'], { cwd, env: unreachable });

    const result = await runCli(['run'], { cwd, env: unreachable });

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/not delivered: this issue is built from SAMPLE DATA.*--allow-sample/);
    expect(await readdir(path.join(cwd, 'out', 'archive', 'issues'))).toHaveLength(1);
    await expect(readdir(path.join(cwd, 'out', 'outbox'))).rejects.toThrow();
  });

  it('delivers each subscriber once: a second run sends nothing new', async () => {
    await runCli(['subscribers', 'add', 'reader@example.com'], { cwd, env: unreachable });
    await runCli(['run', '--allow-sample'], { cwd, env: unreachable });

    const again = await runCli(['run', '--allow-sample'], { cwd, env: unreachable });

    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already archived');
    expect(again.stdout).toContain('0 sent, 1 already sent');
  });

  it('does not fall back when an upstream answers, and fails naming the missing source', async () => {
    const emulator = await startEmulator({
      dataset: liveLikeDataset({ endDate: '2026-11-20' }),
      faults: [{ upstream: 'coinmetrics', route: '*', kind: 'status', status: 503 }],
    });
    try {
      const env = { ...unreachable, ...emulatorEnv(emulator) };

      const result = await runCli(['run'], { cwd, env });

      expect(result.code).toBe(1);
      expect(result.stderr).toContain('Coin Metrics unavailable');
      expect(result.stderr).not.toContain('SAMPLE DATA');
      await expect(readdir(path.join(cwd, 'out', 'archive', 'issues'))).rejects.toThrow();
    } finally {
      await emulator.close();
    }
  });
});
