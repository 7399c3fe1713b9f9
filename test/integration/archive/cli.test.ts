import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { createFsArchiveStore } from '../../../src/archive/fs-store';
import { archiveIssue } from '../../../src/archive/publish';
import { archiveStoreFor } from '../../../src/cli/archive-store';
import { buildArchiveRegistrar } from '../../../src/cli/commands/archive';
import { type CliContext, localPaths } from '../../../src/cli/context';
import { main } from '../../../src/cli/main';
import { archiveTestIssue, fixedClock, makeIssue, testArchiveDeps } from '../../fixtures/archive/issue';
import { offlineCliContext } from '../../support/cli-context';
import { tempDirs } from '../../support/temp-dirs';
import { createFakeS3 } from '../../unit/archive/s3-fake';

const freshDir = tempDirs('hashbrief-cli-archive-', 'each');

async function workspace(ids: string[] = []) {
  const dir = await freshDir();
  const store = createFsArchiveStore(localPaths(dir).archive);
  for (const id of ids) await archiveTestIssue(store, id);
  return { dir, store };
}

/** An io that keeps what was written. */
function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: {
      stdout: (t: string | Buffer) => {
        out.push(t.toString());
      },
      stderr: (t: string) => {
        err.push(t);
      },
      isTty: false,
    },
    stdout: () => out.join(''),
    stderr: () => err.join(''),
  };
}

async function run(dir: string, argv: string[], env: Record<string, string> = {}) {
  const captured = capture();
  const code = await main(argv, { env: { HASHBRIEF_LOCAL_DIR: dir, ...env }, cwd: dir, io: captured.io });
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

describe('hashbrief archive (local filesystem)', () => {
  it('lists issues newest first, and as JSON', async () => {
    const { dir } = await workspace(['2026-01-05', '2026-01-12']);
    const text = await run(dir, ['archive', 'list']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      /^2 issues in .*archive\n2026-01-12 .*hashprice \$52\.50\/PH\/day.*\n2026-01-05 /,
    );
    const json = await run(dir, ['archive', 'list', '--json']);
    expect(JSON.parse(json.stdout).issues.map((e: { issueId: string }) => e.issueId)).toEqual([
      '2026-01-12',
      '2026-01-05',
    ]);
  });

  it('shows one issue with its files and checksums', async () => {
    const { dir } = await workspace(['2026-01-05']);
    const result = await run(dir, ['archive', 'show', '2026-01-05']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/metrics\.csv .* text\/csv; charset=utf-8 {2}sha256 [0-9a-f]{64}/);
    const json = await run(dir, ['archive', 'show', '2026-01-05', '--json']);
    expect(JSON.parse(json.stdout).files['snapshot.json'].key).toBe('issues/2026-01-05/snapshot.json');
  });

  it('downloads a file to the current folder or to -o PATH, byte for byte', async () => {
    const { dir, store } = await workspace(['2026-01-05']);
    const stored = await store.get('issues/2026-01-05/charts/chart-1.png');
    const plain = await run(dir, ['archive', 'get', '2026-01-05', 'charts/chart-1.png']);
    expect(plain.code).toBe(0);
    expect((await readFile(path.join(dir, 'chart-1.png'))).equals(stored?.body ?? Buffer.alloc(0))).toBe(
      true,
    );
    const named = await run(dir, ['archive', 'get', '2026-01-05', 'metrics.csv', '-o', 'dl/m.csv']);
    expect(named.stdout).toMatch(/wrote .*dl\/m\.csv \(\d+ bytes\)/);
    expect(await readFile(path.join(dir, 'dl', 'm.csv'), 'utf8')).toContain('date,price_usd');
  });

  it('writes a binary file to stdout with -o - as raw bytes, not decoded text', async () => {
    const { dir, store } = await workspace(['2026-01-05']);
    const stored = await store.get('issues/2026-01-05/charts/chart-1.png');
    const chunks: Buffer[] = [];
    const io = {
      stdout: (t: string | Buffer) => {
        chunks.push(Buffer.isBuffer(t) ? t : Buffer.from(t));
      },
      stderr: () => {},
      isTty: false,
    };

    const code = await main(['archive', 'get', '2026-01-05', 'charts/chart-1.png', '-o', '-'], {
      env: { HASHBRIEF_LOCAL_DIR: dir },
      cwd: dir,
      io,
    });

    expect(code).toBe(0);
    expect(Buffer.concat(chunks).equals(stored?.body ?? Buffer.alloc(1))).toBe(true);
  });

  it('prints a file:// URL locally and the CDN URL when a public base URL is set', async () => {
    const { dir } = await workspace(['2026-01-05']);
    const local = await run(dir, ['archive', 'url', '2026-01-05', 'snapshot.json']);
    expect(local.stdout).toMatch(/^file:\/\/.*issues\/2026-01-05\/snapshot\.json\n$/);
    const cdn = await run(dir, ['archive', 'url', '2026-01-05', 'snapshot.json'], {
      HASHBRIEF_PUBLIC_BASE_URL: 'https://cdn.example.org',
    });
    expect(cdn.stdout).toBe('https://cdn.example.org/issues/2026-01-05/snapshot.json\n');
    expect(cdn.stderr).toBe('no expiry\n');
  });

  it('fails with exit 1 and the nearest ids for an unknown issue', async () => {
    const { dir } = await workspace(['2026-01-05']);
    const result = await run(dir, ['archive', 'show', '2026-01-06']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Unknown issue id "2026-01-06"\. Nearest: 2026-01-05/);
  });

  it('exits 2 for an invalid issue id or expiry', async () => {
    const { dir } = await workspace(['2026-01-05']);
    expect((await run(dir, ['archive', 'get', '../etc', 'passwd'])).code).toBe(2);
    const expiry = await run(dir, ['archive', 'url', '2026-01-05', 'snapshot.json', '--expires', 'soon']);
    expect(expiry.code).toBe(2);
    expect(expiry.stderr).toMatch(/--expires must be a whole number of seconds/);
  });

  it('points at repair for a corrupt manifest, and repair fixes it', async () => {
    // Prepare
    const { dir } = await workspace(['2026-01-05']);
    await writeFile(path.join(localPaths(dir).archive, 'index.json'), '{"oops"');
    // Act
    const broken = await run(dir, ['archive', 'list']);
    const repaired = await run(dir, ['archive', 'repair']);
    const after = await run(dir, ['archive', 'list', '--json']);
    // Assess
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/index\.json is corrupt .*run "hashbrief archive repair"/);
    expect(repaired.code).toBe(0);
    expect(repaired.stdout).toMatch(/1 issue indexed .*\nrewrote index\.json/);
    expect(JSON.parse(after.stdout).issues).toHaveLength(1);
  });

  it('lists an empty archive without failing', async () => {
    const { dir } = await workspace();
    const result = await run(dir, ['archive', 'list']);
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toMatch(/^0 issues in /);
  });
});

describe('hashbrief archive on S3', () => {
  function contextWith(env: Record<string, string>): CliContext {
    return offlineCliContext(env, fixedClock);
  }

  it('uses the S3 store when HASHBRIEF_ARCHIVE_BUCKET is set, else the local folder', () => {
    const { client } = createFakeS3();
    const s3 = archiveStoreFor(contextWith({ HASHBRIEF_ARCHIVE_BUCKET: 'my-archive' }), {
      createS3Client: () => client,
    });
    const local = archiveStoreFor(contextWith({}));
    expect(s3.location).toBe('s3://my-archive');
    expect(local.location).toBe(path.resolve('/nonexistent/out/archive'));
  });

  it('prints a presigned URL with its expiry for a bucket without CDN', async () => {
    // Prepare
    const { client } = createFakeS3();
    const context = contextWith({ HASHBRIEF_ARCHIVE_BUCKET: 'my-archive' });
    const captured = capture();
    context.io = captured.io;
    const issue = makeIssue('2026-01-05', '2026-01-05');
    await archiveIssue(
      archiveStoreFor(context, { createS3Client: () => client }),
      {
        issueId: '2026-01-05',
        files: issue.files,
        entry: issue.entry,
      },
      testArchiveDeps,
    );
    const program = new Command('hashbrief').exitOverride();
    buildArchiveRegistrar({ createS3Client: () => client })(program, () => context);
    // Act
    await program.parseAsync(['archive', 'url', '2026-01-05', 'metrics.csv', '--expires', '900'], {
      from: 'user',
    });
    // Assess
    expect(captured.stdout()).toMatch(
      /^https:\/\/my-archive\.s3\..*issues\/2026-01-05\/metrics\.csv\?.*X-Amz-Expires=900/,
    );
    expect(captured.stderr()).toBe('expires at 2026-01-05T12:15:00.000Z\n');
  });
});
