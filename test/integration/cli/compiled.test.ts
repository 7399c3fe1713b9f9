/**
 * The compiled CLI (scripts/build.mjs → dist/): built here into a scratch folder under the project (so
 * the external native module resolves from node_modules), then run by plain `node` the way
 * bin/hashbrief.mjs runs it. A module-load hook records every file the child loads; esbuild's metafile
 * says which sources each chunk holds, so "help loads no MJML" is checked on what really loaded.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, distProblem } from '../../../scripts/build.mjs';
import { runCli } from '../../support/cli-run';
import { NODE24, node24Missing } from '../../support/lambda-runtime';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
let outdir: string;
let metafile: Metafile;

/** Packages and source folders `--help` has no use for. */
const HEAVY = [
  /^node_modules\/mjml/,
  /^node_modules\/juice\//,
  /^node_modules\/@aws-sdk\//,
  /^node_modules\/@smithy\//,
  /^node_modules\/d3-/,
  /^node_modules\/zod\//,
  /^node_modules\/nodemailer\//,
  /^src\/render\//,
  /^src\/pipeline\//,
];

beforeAll(async () => {
  outdir = await mkdtemp(path.join(root, 'out/test-dist-'));
  metafile = await buildCli({ outdir });
  // Records, on stderr, the URL of every module the child loads.
  await writeFile(
    path.join(outdir, 'record-loads.mjs'),
    `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent("export async function load(url, context, next) { if (url.startsWith('file:')) process.stderr.write('loaded ' + url + '\\\\n'); return next(url, context); }"));
`,
  );
  // What bin/hashbrief.mjs does, pointed at this build.
  await writeFile(
    path.join(outdir, 'cli.mjs'),
    `import { readFileSync } from 'node:fs';
const commandIndex = JSON.parse(readFileSync(new URL('./command-index.json', import.meta.url), 'utf8'));
const { main } = await import('./main.mjs');
process.exitCode = await main(process.argv.slice(2), { commandIndex });
`,
  );
}, 120_000);

afterAll(async () => {
  if (outdir) await rm(outdir, { recursive: true, force: true });
});

/** Runs the built CLI (`node` the Node running the tests unless given) with the load recorder. */
async function cli(args: string[], env: Record<string, string> = {}, node = process.execPath) {
  return run(
    node,
    [
      '--import',
      pathToFileURL(path.join(outdir, 'record-loads.mjs')).href,
      path.join(outdir, 'cli.mjs'),
      ...args,
    ],
    {
      cwd: root,
      env: { ...process.env, NODE_OPTIONS: '', CI: 'true', ...env },
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
}

/** Every source file (project or package) inside the dist chunks the child loaded. */
function loadedSources(stderr: string): string[] {
  const files = stderr
    .split('\n')
    .filter((line) => line.startsWith('loaded file://'))
    .map((line) => fileURLToPath(line.slice('loaded '.length)));
  const outputs = files
    .map((file) => path.relative(root, file))
    .filter((relative) => metafile.outputs[relative] !== undefined);
  return outputs.flatMap((output) => Object.keys(metafile.outputs[output]?.inputs ?? {}));
}

describe('the compiled CLI', () => {
  it('prints the same top-level help as the CLI with every command loaded', async () => {
    const inProcess = await runCli(['--help'], { cwd: root, env: {} });

    const compiled = await cli(['--help']);

    expect(compiled.stdout).toBe(inProcess.stdout);
    expect(compiled.stdout).toContain('report [options]');
  });

  it('loads no MJML, charts, AWS SDK, zod or pipeline for --help', async () => {
    const { stderr } = await cli(['--help']);

    const sources = loadedSources(stderr);
    expect(sources).toContain('src/cli/main.ts');
    expect(sources.filter((source) => HEAVY.some((pattern) => pattern.test(source)))).toEqual([]);
  });

  it('loads only the command it runs: archive list reads no MJML and no charts', async () => {
    const state = await mkdtemp(path.join(tmpdir(), 'hb-compiled-'));
    try {
      const { stderr } = await cli(['archive', 'list'], { HASHBRIEF_LOCAL_DIR: state });

      const sources = loadedSources(stderr);
      expect(sources).toContain('src/cli/commands/archive.ts');
      expect(sources).not.toContain('src/cli/commands/report.ts');
      expect(sources.filter((s) => /^node_modules\/(mjml|juice\/|d3-)/.test(s))).toEqual([]);
    } finally {
      await rm(state, { recursive: true, force: true });
    }
  });

  it('is fresh right after the build, stale once a source it read is newer, unbuilt without build-info', async () => {
    const infoFile = path.join(outdir, 'build-info.json');
    const info = await readFile(infoFile, 'utf8');
    const fresh = distProblem(outdir);
    try {
      await writeFile(infoFile, JSON.stringify({ ...JSON.parse(info), builtAt: 0 }));
      const stale = distProblem(outdir);
      await rm(infoFile);
      const unbuilt = distProblem(outdir);

      expect(fresh).toBeUndefined();
      expect(stale).toMatch(/^\S+\.(ts|json) changed since the last build$/);
      expect(unbuilt).toBe('the CLI is not built yet');
    } finally {
      await writeFile(infoFile, info);
    }
  });

  it('builds once when several processes start together on a missing or stale build: the others wait and use it', async () => {
    const shared = await mkdtemp(path.join(root, 'out/test-dist-race-'));
    // What bin/hashbrief.mjs does at start, then loads the CLI from the build it got.
    const starter = `
      const { ensureCliBuilt } = await import(${JSON.stringify(pathToFileURL(path.join(root, 'scripts/build.mjs')).href)});
      const outdir = ${JSON.stringify(shared)};
      const rebuilt = await ensureCliBuilt({ outdir });
      const { readFileSync } = await import('node:fs');
      const index = JSON.parse(readFileSync(outdir + '/command-index.json', 'utf8'));
      const { main } = await import(outdir + '/main.mjs?' + process.pid);
      process.stdout.write(JSON.stringify({ rebuilt: rebuilt ?? null, commands: index.length, main: typeof main }));
    `;
    const startTogether = () =>
      Promise.all(
        Array.from({ length: 6 }, () =>
          run(process.execPath, ['--input-type=module', '-e', starter], {
            cwd: root,
            env: { ...process.env, NODE_OPTIONS: '' },
            encoding: 'utf8',
            timeout: 120_000,
          }).then((r) => JSON.parse(r.stdout) as { rebuilt: string | null; commands: number; main: string }),
        ),
      );
    try {
      const fromNothing = await startTogether();
      const infoFile = path.join(shared, 'build-info.json');
      await writeFile(
        infoFile,
        JSON.stringify({ ...JSON.parse(await readFile(infoFile, 'utf8')), builtAt: 0 }),
      );
      const fromStale = await startTogether();

      for (const round of [fromNothing, fromStale]) {
        expect(round.every((p) => p.main === 'function' && p.commands > 5)).toBe(true);
        expect(round.filter((p) => p.rebuilt !== null)).toHaveLength(1);
      }
      expect(fromNothing.find((p) => p.rebuilt !== null)?.rebuilt).toBe('the CLI is not built yet');
      expect(fromStale.find((p) => p.rebuilt !== null)?.rebuilt).toMatch(/changed since the last build$/);
      expect(await readdir(shared)).not.toContain('.build-lock');
    } finally {
      await rm(shared, { recursive: true, force: true });
    }
  }, 240_000);

  it('builds a whole sample issue from dist alone: templates, charts and archive', async () => {
    const state = await mkdtemp(path.join(tmpdir(), 'hb-compiled-'));
    try {
      const { stdout } = await cli(['report', '--sample', '--json'], { HASHBRIEF_LOCAL_DIR: state });

      const result = JSON.parse(stdout) as { issueId: string; files: { snapshot: string } };
      expect(result.issueId).toMatch(/-sample$/);
      const issueDir = path.dirname(result.files.snapshot);
      const html = await readFile(path.join(issueDir, 'newsletter.html'), 'utf8');
      expect(html).toContain('SAMPLE DATA');
      const charts = await readdir(path.join(issueDir, 'charts'));
      // Each of the four charts as a PNG and, beside it, the SVG it was rasterised from.
      expect(charts.filter((c) => c.endsWith('.png'))).toHaveLength(4);
      expect(charts.filter((c) => c.endsWith('.svg'))).toHaveLength(4);
      for (const chart of charts) {
        const body = await readFile(path.join(issueDir, 'charts', chart));
        if (chart.endsWith('.png')) expect(body.length, chart).toBeGreaterThan(5_000);
        else expect(body.toString('utf8'), chart).toMatch(/^<svg[\s\S]*<text[\s\S]*<\/svg>\s*$/);
      }
    } finally {
      await rm(state, { recursive: true, force: true });
    }
  });
});

const node24Problem = node24Missing();
if (node24Problem) console.warn(`compiled CLI on Node 24 skipped: ${node24Problem}`);

describe.runIf(node24Problem === undefined || Boolean(process.env.CI))('the compiled CLI on Node 24', () => {
  it('builds a sample issue on Node 24 as on the Node running the tests', async () => {
    const state = await mkdtemp(path.join(tmpdir(), 'hb-compiled-24-'));
    try {
      const version = await run(NODE24, ['--version'], { encoding: 'utf8' });
      const { stdout } = await cli(['report', '--sample', '--json'], { HASHBRIEF_LOCAL_DIR: state }, NODE24);

      expect(version.stdout).toMatch(/^v24\./);
      expect((JSON.parse(stdout) as { issueId: string }).issueId).toMatch(/-sample$/);
    } finally {
      await rm(state, { recursive: true, force: true });
    }
  });
});
