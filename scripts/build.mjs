#!/usr/bin/env node
import { readFileSync, statSync } from 'node:fs';
/**
 * `npm run build` (and `npm ci`, through `prepare`): compiles the CLI into dist/ with esbuild, so
 * `hashbrief` starts on plain Node without compiling TypeScript at every start.
 *
 * dist/ holds:
 * - main.mjs, the CLI (src/cli/main.ts), and the chunks it imports lazily: each command's module is its
 *   own chunk, so `hashbrief --help` loads commander and little else;
 * - templates/, the MJML partials, beside the chunks as the renderer expects once bundled;
 * - command-index.json, what top-level help lists for each command, captured from the real commands so
 *   help never has to load them;
 * - build-info.json (what the build read, for the freshness check) and meta.json (esbuild's metafile:
 *   which chunk holds which module).
 *
 * Only Node built-ins are imported at the top: bin/hashbrief.mjs imports this file at every start to
 * check that dist/ is not older than the sources, and loads esbuild only when it must rebuild.
 */
import { cp, mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Where the CLI is built by default. */
export const DIST_DIR = path.join(root, 'dist');

/** Native or optional modules that stay outside the bundle and resolve from node_modules. */
const EXTERNAL = [
  // A .node binary esbuild cannot bundle.
  '@resvg/resvg-js',
  // cosmiconfig (via mjml's htmlnano) requires it only to read a TypeScript config file, which hashbrief
  // never has; bundled, its 9 MB would be parsed by every report.
  'typescript',
];

/**
 * cheerio (inside mjml's CSS inliner, juice) requires undici at load time for `fromURL`, which hashbrief
 * never calls: 1 MB to parse and evaluate on every report. The CLI gets a stand-in that says so if it is
 * ever called. (Node's own fetch is built in and unaffected.)
 */
const UNDICI_STUB = {
  name: 'undici-stub',
  setup(build) {
    build.onResolve({ filter: /^undici$/ }, () => ({ path: 'undici', namespace: 'hashbrief-stub' }));
    build.onLoad({ filter: /.*/, namespace: 'hashbrief-stub' }, () => ({
      loader: 'js',
      contents:
        "const missing = () => { throw new Error('undici is not bundled into the hashbrief CLI (cheerio fromURL is unused)'); };\nmodule.exports = new Proxy({}, { get: () => missing });\n",
    }));
  },
};

/** CommonJS dependencies call `require`, which an ES module only has if it is defined. */
const REQUIRE_BANNER =
  "import { createRequire as __hashbriefCreateRequire } from 'node:module'; const require = __hashbriefCreateRequire(import.meta.url);";

/**
 * Builds the CLI into `outdir`. Returns the esbuild metafile.
 *
 * `clean` empties `outdir` first. A rebuild under a running CLI (bin/hashbrief.mjs rebuilds when a source
 * changed) passes false: chunk names carry a content hash, so the chunks a running process may still
 * import lazily stay where it expects them, beside the new ones.
 * @param {{ outdir?: string, clean?: boolean }} [options]
 */
export async function buildCli({ outdir = DIST_DIR, clean = true } = {}) {
  const { build } = await import('esbuild');
  const builtAt = Date.now();
  if (clean) await rm(outdir, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: { main: 'src/cli/main.ts' },
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    mainFields: ['module', 'main'],
    external: EXTERNAL,
    plugins: [UNDICI_STUB],
    banner: { js: REQUIRE_BANNER },
    metafile: true,
    logLevel: 'warning',
  });
  await cp(path.join(root, 'templates'), path.join(outdir, 'templates'), { recursive: true });
  const templates = (await readdir(path.join(root, 'templates'), { recursive: true }))
    .filter((f) => f.endsWith('.mjml'))
    .map((f) => path.join('templates', f));
  const inputs = [
    // Project sources only: dependencies are covered by package-lock.json, stubs (`ns:path`) by this file.
    ...Object.keys(result.metafile.inputs).filter((f) => !f.startsWith('node_modules/') && !f.includes(':')),
    ...templates,
    'package-lock.json',
    'scripts/build.mjs',
  ];
  await writeFile(path.join(outdir, 'meta.json'), JSON.stringify(result.metafile));
  // Loads every command once, here, so that help at run time loads none.
  const { commandIndex } = await import(`${pathToFileURL(path.join(outdir, 'main.mjs')).href}?t=${builtAt}`);
  await writeFile(
    path.join(outdir, 'command-index.json'),
    `${JSON.stringify(await commandIndex(), null, 2)}\n`,
  );
  await writeFile(path.join(outdir, 'build-info.json'), `${JSON.stringify({ builtAt, inputs }, null, 1)}\n`);
  return result.metafile;
}

/**
 * Why dist/ cannot be used as it is (not built, or a source it was built from changed since), or
 * undefined when it is fresh. Costs one stat per input (a few hundred, about a millisecond).
 * @param {string} [outdir]
 * @returns {string | undefined}
 */
export function distProblem(outdir = DIST_DIR) {
  let info;
  try {
    info = JSON.parse(readFileSync(path.join(outdir, 'build-info.json'), 'utf8'));
  } catch {
    return 'the CLI is not built yet';
  }
  for (const input of info.inputs) {
    const mtime = statSync(path.join(root, input), { throwIfNoEntry: false })?.mtimeMs;
    if (mtime === undefined || mtime > info.builtAt) return `${input} changed since the last build`;
  }
  return undefined;
}

/** A build that has held the lock this long has died: the next process takes the lock over. */
const BUILD_LOCK_STALE_MS = 120_000;

/** How often a process waiting for another one's build looks again. */
const BUILD_LOCK_POLL_MS = 100;

/**
 * Takes the build lock of `outdir` (a directory: mkdir either creates it or fails, atomically), or
 * returns false when another process holds it. A lock older than BUILD_LOCK_STALE_MS is removed first.
 * @param {string} lock
 * @returns {Promise<boolean>}
 */
async function tryBuildLock(lock) {
  try {
    await mkdir(lock);
    return true;
  } catch (error) {
    if (error?.code !== 'EEXIST') throw error;
  }
  const since = await stat(lock).then(
    (s) => Date.now() - s.mtimeMs,
    () => 0,
  );
  if (since > BUILD_LOCK_STALE_MS) await rm(lock, { recursive: true, force: true });
  return false;
}

/**
 * Makes sure `outdir` holds a build of the current sources, building it when it is missing or stale.
 *
 * Several hashbrief processes can start at once after a source changed (a shell loop, a test, cron and a
 * person): each would rebuild into the same folder, and one would import chunks another is still
 * writing. So exactly one builds, under a lock directory inside `outdir`; the others wait until the
 * build is fresh (build-info.json is written last) and use it. A build never empties `outdir`, so a
 * process already running from the previous build still finds its chunks.
 *
 * Returns why it rebuilt, or undefined when the build was fresh or another process built it.
 * @param {{ outdir?: string, onRebuild?: (reason: string) => void }} [options]
 * @returns {Promise<string | undefined>}
 */
export async function ensureCliBuilt({ outdir = DIST_DIR, onRebuild } = {}) {
  if (distProblem(outdir) === undefined) return undefined;
  await mkdir(outdir, { recursive: true });
  const lock = path.join(outdir, '.build-lock');
  for (;;) {
    if (await tryBuildLock(lock)) {
      try {
        // Between our check and the lock, another process may have finished the build.
        const reason = distProblem(outdir);
        if (reason === undefined) return undefined;
        onRebuild?.(reason);
        await buildCli({ outdir, clean: false });
        return reason;
      } finally {
        await rm(lock, { recursive: true, force: true });
      }
    }
    await new Promise((resolve) => setTimeout(resolve, BUILD_LOCK_POLL_MS));
    if (distProblem(outdir) === undefined) return undefined;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  await mkdir(DIST_DIR, { recursive: true });
  try {
    await buildCli();
  } catch (error) {
    // `npm ci --omit=dev` runs `prepare` without esbuild: say so rather than fail the whole install.
    const noEsbuild = error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes("'esbuild'");
    if (!noEsbuild || process.env.npm_lifecycle_event !== 'prepare') throw error;
    process.stderr.write(
      'hashbrief: esbuild (a dev dependency) is not installed, so the CLI was not built; install the dev dependencies and run `npm run build`\n',
    );
    process.exit(0);
  }
  const ms = Math.round(performance.now() - started);
  process.stderr.write(`hashbrief: CLI built into dist/ in ${ms} ms\n`);
}
