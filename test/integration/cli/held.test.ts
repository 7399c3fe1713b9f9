/**
 * Issue 13 end to end on the CLI: the emulator's glitch faults put implausible Coin Metrics figures on the
 * as-of day; `hashbrief report` and `hashbrief run` must hold the issue (exit 1, the conflicting values on
 * stderr, nothing archived, nothing in the outbox). Implausible data that needs no witness (a hashrate of
 * 0) is published with the metric unavailable and a warning instead.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { addDays, utcDay } from '../../../src/days';
import type { Fault, GlitchTarget } from '../../../src/emulator/faults';
import type { RunningEmulator } from '../../../src/emulator/server';
import { snapshotSchema } from '../../../src/snapshot/schema';
import { runCli } from '../../support/cli-run';
import { emulatedCliForEachTest } from '../../support/emulated-cli';

const DATA_END = addDays(utcDay(new Date()), -1);
let emulator: RunningEmulator;
let cwd: string;
let env: Record<string, string>;

const glitch = (targets: GlitchTarget[], factor: number): Fault => ({
  upstream: 'coinmetrics',
  route: '*',
  kind: 'glitch',
  targets,
  factor,
});

emulatedCliForEachTest('hb-held-', DATA_END, (cli) => {
  ({ emulator, env, cwd } = cli);
});

describe('hashbrief report with a Coin Metrics glitch on the as-of day', () => {
  it.each([0.2, 2, 5, 10, 99, 100])(
    'price ×%s: exit 1, the values named, nothing archived',
    async (factor) => {
      emulator.setFaults([glitch(['price'], factor)]);

      const result = await runCli(['report'], { cwd, env });

      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr.startsWith(`hashbrief: issue for ${DATA_END} held, not archived or sent`)).toBe(
        true,
      );
      expect(result.stderr).toMatch(
        new RegExp(
          `  - Coin Metrics PriceUSD on ${DATA_END} is [\\d.]+ USD \\(×[\\d.]+ the [\\d.]+ USD of ${addDays(DATA_END, -1)}\\), but mempool's price at that day's close \\(${DATA_END}T23:00:00.000Z\\) is [\\d.]+ USD`,
        ),
      );
      expect(existsSync(path.join(cwd, 'out', 'archive', 'issues'))).toBe(false);
    },
  );

  it.each([
    ['HashRate ×10', glitch(['HashRate'], 10), /HashRate .* implies a difficulty ×(9\.\d\d|10) that of/],
    ['HashRate and BlkCnt ×10', glitch(['HashRate', 'BlkCnt'], 10), /but mempool's hashrate for that day is/],
    ['BlkCnt ×10', glitch(['BlkCnt'], 10), /contradicts itself .* implies a difficulty ×0\.10/],
    [
      'BlkCnt ×0.1',
      glitch(['BlkCnt'], 0.1),
      /contradicts itself .* implies a difficulty ×(9\.\d\d|10) that of/,
    ],
  ])('%s: held', async (_name, fault, message) => {
    emulator.setFaults([fault]);

    const result = await runCli(['report'], { cwd, env });

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(existsSync(path.join(cwd, 'out', 'archive', 'issues'))).toBe(false);
  });
});

describe('hashbrief run with a Coin Metrics glitch', () => {
  it('holds the issue: nothing archived, nothing in the outbox, exit 1', async () => {
    await runCli(['subscribers', 'add', 'reader@example.com'], { cwd, env });
    emulator.setFaults([glitch(['price'], 5)]);

    const result = await runCli(['run'], { cwd, env });

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('held, not archived or sent');
    expect(result.stderr).not.toMatch(/SAMPLE DATA/);
    expect(existsSync(path.join(cwd, 'out', 'archive', 'issues'))).toBe(false);
    expect(existsSync(path.join(cwd, 'out', 'outbox'))).toBe(false);
  });
});

describe('implausible data that needs no witness', () => {
  it('a HashRate of 0 on the as-of day is published as unavailable, with a warning a reader understands', async () => {
    emulator.setFaults([glitch(['HashRate'], 0)]);

    const result = await runCli(['report', '--json'], { cwd, env });

    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    const snapshot = snapshotSchema.parse(JSON.parse(await readFile(json.files.snapshot, 'utf8')));
    expect(snapshot.metrics.hashrate.ehs7d).toBeNull();
    expect(snapshot.metrics.hashprice.usdPerPhDay).toBeNull();
    expect(snapshot.warnings).toContain(
      `coinmetrics-asset-metrics: Coin Metrics HashRate on ${DATA_END} is 0, which no day since 2009-01-09 has had; treated as missing`,
    );
    expect(await readdir(path.join(cwd, 'out', 'archive', 'issues'))).toEqual([DATA_END]);
  });
});
