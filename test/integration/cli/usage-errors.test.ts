/**
 * Bad usage exits 2 with a message naming what was wrong, before anything is fetched, written or sent.
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli-run';
import { freshDirForEachTest } from '../../support/temp-dirs';
import { UNREACHABLE_UPSTREAMS } from '../../support/upstream-env';

let cwd: string;
freshDirForEachTest('hb-usage-', (dir) => {
  cwd = dir;
});

// Upstreams on a closed port: a command that got as far as fetching would fail with exit 1, not 2.
const env = UNREACHABLE_UPSTREAMS;
const run = (...argv: string[]) => runCli(argv, { cwd, env });

/** A recording envelope as `--record` writes it. */
function recording(): Buffer {
  return gzipSync(
    JSON.stringify({
      source: 'coinmetrics',
      name: 'asset-metrics-p1',
      url: 'https://community-api.coinmetrics.io/v4/timeseries/asset-metrics?assets=btc',
      fetchedAt: '2026-11-23T07:00:00Z',
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"data":[]}',
    }),
  );
}

describe('usage errors exit 2 and name the problem', () => {
  it('subscribers import of a file that does not exist', async () => {
    const result = await run('subscribers', 'import', 'missing.csv');

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('missing.csv');
    expect(result.stderr).toMatch(/no such file/i);
  });

  it('report --replay of a folder whose recording is not gzip or JSON', async () => {
    await mkdir(path.join(cwd, 'rec', 'raw'), { recursive: true });
    await writeFile(path.join(cwd, 'rec', 'raw', 'coinmetrics-x.json.gz'), 'not a recording');

    const result = await run('report', '--replay', 'rec', '--out', 'a');

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--replay');
    expect(result.stderr).toContain('coinmetrics-x.json.gz');
  });

  it.each([
    ['snapshot.json', '{"schemaVersion":'],
    ['email.json', '{"placeholderNonce": "%%HB_GREETING%%"}'],
  ])('report --replay of an issue folder whose %s is corrupt', async (file, corrupt) => {
    await mkdir(path.join(cwd, 'issue', 'raw'), { recursive: true });
    await writeFile(path.join(cwd, 'issue', 'raw', 'coinmetrics-asset-metrics-p1.json.gz'), recording());
    await writeFile(path.join(cwd, 'issue', file), corrupt);

    const result = await run('report', '--replay', 'issue', '--out', 'a');

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(file);
  });

  it('send with an issue id that climbs out of the outbox, printing no path', async () => {
    const result = await run('send', '../../etc');

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('issue id');
    expect(`${result.stdout}${result.stderr}`).not.toContain(path.resolve(cwd, 'etc'));
    expect(await readdir(cwd)).not.toContain('etc');
  });

  it('send --to with an issue id that climbs out of the outbox', async () => {
    const result = await run('send', '../x', '--to', 'me@example.com');

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('issue id');
  });

  it('a From setting that is not a mailbox, before any .eml is written', async () => {
    const result = await runCli(['send', '2026-11-23', '--to', 'me@example.com'], {
      cwd,
      env: { ...env, HASHBRIEF_FROM_ADDRESS: 'not an address' },
    });

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('HASHBRIEF_FROM_ADDRESS: must be a mailbox');
    expect(await readdir(cwd)).toEqual([]);
  });

  it('a timeout Node would clamp to 1 ms', async () => {
    const result = await runCli(['report', '--out', 'a'], {
      cwd,
      env: { ...env, HASHBRIEF_HTTP_TIMEOUT_MS: '3000000000' },
    });

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /HASHBRIEF_HTTP_TIMEOUT_MS: must be a whole number of milliseconds from 1 to 600000/,
    );
  });
});
