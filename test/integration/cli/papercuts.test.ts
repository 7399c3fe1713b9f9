/**
 * The CLI read as a person reads it: plural wording, what `subscribers add` did, one arrow, help text in
 * one style, aligned columns, errors in the tool's own words naming the flag and its range, an honest
 * "no data yet", `run --as-of` and `run --dry-run`, `report --help` that says what it does by default,
 * and a warning for placeholder settings.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFsArchiveStore } from '../../../src/archive/fs-store';
import { archiveIssue } from '../../../src/archive/publish';
import { localPaths } from '../../../src/cli/context';
import { addDays, utcDay } from '../../../src/days';
import { startEmulator } from '../../../src/emulator/server';
import { fixedClock, listPage, makeIssue } from '../../fixtures/archive/issue';
import { runCli } from '../../support/cli-run';
import { liveLikeDataset } from '../../support/datasets';

// Port 1 on loopback refuses connections at once: "no upstream reachable" without waiting on timeouts.
const unreachable = {
  HASHBRIEF_COINMETRICS_URL: 'http://127.0.0.1:1/v4',
  HASHBRIEF_MEMPOOL_URL: 'http://127.0.0.1:1/api',
  HASHBRIEF_HTTP_RETRIES: '0',
};
/** Real-looking sender settings, so only the tests about placeholders see placeholder warnings. */
const configured = {
  ...unreachable,
  HASHBRIEF_FROM_ADDRESS: 'hashbrief <briefing@hashbrief-news.net>',
  HASHBRIEF_POSTAL_ADDRESS: 'hashbrief, 1 Mining Road, 1000 Ledger, Freeland',
};

/** Phrases of the validation library that must never reach a reader. */
const VALIDATOR_TEXT = /Invalid input|Too (big|small)|expected (number|string)|received|NaN|Invalid URL/;

let cwd: string;
beforeEach(async () => {
  cwd = await mkdtemp(path.join(tmpdir(), 'hb-papercuts-'));
});
afterEach(async () => {
  await rm(cwd, { recursive: true, force: true });
});

const run = (argv: string[], env: Record<string, string> = configured) => runCli(argv, { cwd, env });

describe('wording', () => {
  it('prints the version from package.json for --version and -V, exit 0', async () => {
    const { version } = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8'));

    const long = await run(['--version']);
    const short = await run(['-V']);

    expect(long).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    expect(short.stdout).toBe(`${version}\n`);
  });

  it('counts one subscriber in the singular', async () => {
    await run(['subscribers', 'add', 'reader@example.com']);

    const list = await run(['subscribers', 'list']);

    expect(list.stderr).toContain('1 subscriber, 1 active');
    expect(list.stderr).not.toContain('1 subscribers');
  });

  it('says what `subscribers add` did, not just a hash, and never echoes the address', async () => {
    const first = await run(['subscribers', 'add', 'reader@example.com']);
    const again = await run(['subscribers', 'add', 'Reader@Example.com']);

    expect(first.stdout).toMatch(
      /^added [0-9a-f]{64} as an active subscriber \(operator add: no confirmation email\)\n$/,
    );
    expect(again.stdout).toMatch(/^[0-9a-f]{64} is already an active subscriber; nothing changed\n$/);
    expect(`${first.stdout}${again.stdout}`).not.toMatch(/reader@/i);
  });

  it('prints the same arrow in `send` as in `run`', async () => {
    await run(['subscribers', 'add', 'reader@example.com']);
    // No upstream answers, so the issue is sample data: both commands deliver it only when allowed to.
    const produced = await run(['run', '--allow-sample']);
    const issueId = (await readdir(path.join(cwd, 'out', 'archive', 'issues')))[0] ?? '';

    const sent = await run(['send', issueId, '--allow-sample']);

    expect(produced.stdout).toContain('→');
    expect(sent.code).toBe(0);
    expect(sent.stdout).toContain('→');
    expect(sent.stdout).not.toContain('->');
    expect(sent.stdout).toContain('1 active subscriber,');
  });
});

/** Every description in a help page: `  term   Description` rows of its Options, Arguments and Commands. */
function helpDescriptions(help: string): string[] {
  return help
    .split('\n')
    .map((line) => /^ {2}(\S.*?) {2,}(\S.*)$/.exec(line)?.[2])
    .filter((d): d is string => d !== undefined);
}

describe('help text', () => {
  const commands = [
    [],
    ['run'],
    ['report'],
    ['emulate'],
    ['archive'],
    ['archive', 'list'],
    ['archive', 'show'],
    ['archive', 'get'],
    ['archive', 'url'],
    ['archive', 'repair'],
    ['archive', 'verify'],
    ['subscribers'],
    ['subscribers', 'add'],
    ['subscribers', 'remove'],
    ['subscribers', 'import'],
    ['subscribers', 'export'],
    ['subscribers', 'list'],
    ['subscribers', 'doctor'],
    ['send'],
    ['preview'],
  ];

  for (const command of commands) {
    it(`hashbrief ${command.join(' ')} --help: every description starts with a capital, no full stop`, async () => {
      const help = await run([...command, '--help']);
      const descriptions = helpDescriptions(help.stdout);
      const summary = help.stdout.split('\n')[2] ?? '';

      expect(help.code).toBe(0);
      expect(descriptions.length).toBeGreaterThan(0);
      for (const d of [summary, ...descriptions]) {
        expect(d, d).toMatch(/^[A-Z"]/);
        expect(d, d).not.toMatch(/\.$/);
      }
    });
  }

  it('report --help says which day it reports on by default and what happens without upstreams', async () => {
    const help = (await run(['report', '--help'])).stdout.replace(/\s+/g, ' ');

    expect(help).toMatch(/default: the latest day Coin Metrics has a price for/);
    expect(help).toMatch(/sample data/);
    expect(help).toMatch(/--sample/);
  });

  it('run --help names --as-of, --dry-run and the sample-data fallback', async () => {
    const help = (await run(['run', '--help'])).stdout.replace(/\s+/g, ' ');

    expect(help).toContain('--as-of <YYYY-MM-DD>');
    expect(help).toContain('--dry-run');
    expect(help).toMatch(/sample data/);
  });
});

describe('archive list', () => {
  it('aligns its columns when the issue ids differ in width', async () => {
    const store = createFsArchiveStore(localPaths(path.join(cwd, 'out')).archive);
    for (const [id, asOf] of [
      ['2026-11-23', '2026-11-23'],
      ['2026-11-20-sample', '2026-11-20'],
      ['2026-11-09-adhoc-x', '2026-11-09'],
    ]) {
      const issue = makeIssue(id as string, asOf as string);
      await archiveIssue(
        store,
        { issueId: id as string, files: issue.files, entry: issue.entry },
        { renderIndexPage: listPage, clock: fixedClock },
      );
    }

    const list = await run(['archive', 'list']);

    const rows = list.stdout.split('\n').filter((l) => /^\d{4}-/.test(l));
    expect(rows).toHaveLength(3);
    for (const column of ['as of', 'hashprice', 'price', 'files']) {
      const starts = new Set(rows.map((r) => r.indexOf(` ${column} `)));
      expect(starts.size, column).toBe(1);
    }
  });
});

describe('errors in the tool’s own words', () => {
  it.each([
    [['preview', '--port', '70000']],
    [['preview', '--port', 'abc']],
    [['emulate', '--port', '65536']],
    [['emulate', '--port', '-1']],
  ])('%j names --port and its range', async (argv: string[]) => {
    const result = await run(argv);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `--port: must be a whole number from 0 to 65535, 0 for any free port (got "${argv[2]}")`,
    );
    expect(result.stderr).not.toMatch(VALIDATOR_TEXT);
  });

  it.each([
    ['HASHBRIEF_HTTP_TIMEOUT_MS', 'abc', 'a whole number of milliseconds from 1 to 600000'],
    ['HASHBRIEF_FETCH_BUDGET_MS', '0', 'a whole number of milliseconds from 1 to 600000'],
    ['HASHBRIEF_HTTP_RETRIES', '11', 'a whole number from 0 to 10'],
    ['HASHBRIEF_RECIPIENTS_PER_MESSAGE', '2.5', 'a whole number from 1 to 500'],
    ['HASHBRIEF_SENDER_CONCURRENCY', 'two', 'a whole number, 1 or more'],
    ['HASHBRIEF_MAX_SEND_RATE', '-3', 'a number of sends per second above 0'],
    ['HASHBRIEF_PUBLIC_BASE_URL', 'cdn.example.org', 'an http(s) URL such as https://example.org'],
    [
      'HASHBRIEF_ARCHIVE_BUCKET',
      'ab',
      'an S3 bucket name: 3 to 63 lower-case letters, digits, dots or hyphens',
    ],
  ])('%s=%s names the variable and what it takes', async (name, value, expected) => {
    const result = await run(['archive', 'list'], { ...configured, [name]: value });

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${name}: must be ${expected} (got "${value}")`);
    expect(result.stderr).not.toMatch(VALIDATOR_TEXT);
  });
});

describe('data that ends before the day asked', () => {
  const today = utcDay(new Date());
  const dataEnd = addDays(today, -6);
  const asked = addDays(today, -3);

  it('says Coin Metrics has no data for that day yet instead of calling it unavailable, and does not fall back', async () => {
    const emulator = await startEmulator({ dataset: liveLikeDataset({ endDate: dataEnd }) });
    try {
      const env = {
        ...configured,
        HASHBRIEF_COINMETRICS_URL: emulator.coinMetricsUrl,
        HASHBRIEF_MEMPOOL_URL: emulator.mempoolUrl,
      };

      const report = await run(['report', '--as-of', asked], env);
      const runAsOf = await run(['run', '--as-of', asked], env);

      for (const result of [report, runAsOf]) {
        expect(result.code).toBe(1);
        expect(result.stderr).toContain(
          `Coin Metrics has no data for ${asked} yet (its data ends ${dataEnd})`,
        );
        expect(result.stderr).not.toContain('unavailable');
        expect(result.stderr).not.toContain('SAMPLE DATA');
      }
      await expect(readdir(path.join(cwd, 'out', 'archive', 'issues'))).rejects.toThrow();
    } finally {
      await emulator.close();
    }
  });
});

describe('run options', () => {
  it('run --as-of D builds and delivers the issue of that day', async () => {
    const day = addDays(utcDay(new Date()), -9);
    await run(['subscribers', 'add', 'reader@example.com']);

    const result = await run(['run', '--as-of', day, '--allow-sample']);

    expect(result.code).toBe(0);
    expect(await readdir(path.join(cwd, 'out', 'archive', 'issues'))).toEqual([`${day}-sample`]);
    expect(await readdir(path.join(cwd, 'out', 'outbox', `${day}-sample`))).toHaveLength(1);
    expect(result.stdout).toContain(`(as of ${day})`);
  });

  it('run --as-of with a malformed day is bad usage', async () => {
    const result = await run(['run', '--as-of', '23/11/2026']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--as-of must be a day written YYYY-MM-DD (got "23/11/2026")');
  });

  it('run --dry-run builds the issue, says what it would archive and send, and writes nothing', async () => {
    await run(['subscribers', 'add', 'reader@example.com']);
    const before = (await readdir(path.join(cwd, 'out'))).sort();

    const result = await run(['run', '--dry-run', '--allow-sample']);
    const refused = await run(['run', '--dry-run']);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^dry run: nothing was written/m);
    expect(result.stdout).toMatch(/would archive issue \S+-sample/);
    expect(result.stdout).toContain('would deliver to 1 active subscriber (0 already sent)');
    expect(refused.stdout).toContain('would not deliver: the issue is built from SAMPLE DATA');
    expect((await readdir(path.join(cwd, 'out'))).sort()).toEqual(before);
  });

  it('run --dry-run of an issue already archived says a run would rewrite nothing', async () => {
    await run(['run']);

    const result = await run(['run', '--dry-run']);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/is already archived; a run would rewrite nothing/);
  });
});

describe('placeholder settings', () => {
  it('run warns that the footer and the sender are still placeholders', async () => {
    const result = await run(['run', '--dry-run'], unreachable);

    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/warning: .*postal address.*HASHBRIEF_POSTAL_ADDRESS/);
    expect(result.stderr).toMatch(/warning: .*briefing@localhost.*HASHBRIEF_FROM_ADDRESS/);
  });

  it('send warns about them too, before it writes any message', async () => {
    await run(['run']);
    const issueId = (await readdir(path.join(cwd, 'out', 'archive', 'issues')))[0] ?? '';

    const result = await run(['send', issueId, '--to', 'me@example.com'], unreachable);

    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/HASHBRIEF_POSTAL_ADDRESS/);
    expect(result.stderr).toMatch(/HASHBRIEF_FROM_ADDRESS/);
  });

  it('run says nothing about placeholders once both are set', async () => {
    const result = await run(['run', '--dry-run']);

    expect(result.stderr).not.toMatch(/HASHBRIEF_POSTAL_ADDRESS|HASHBRIEF_FROM_ADDRESS/);
  });
});
