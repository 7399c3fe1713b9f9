/**
 * Bundles every real handler the way `cdk synth` does (local esbuild, no Docker) and imports each bundle in
 * a plain Node process from a copy outside the repository, so nothing can resolve from the repo's
 * node_modules: what imports here imports in Lambda. Slow (about a minute on two cores), hence one synth.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultEntries, FUNCTION_NAMES, type FunctionName } from '../../infra/hashbrief-stack';
import { projectRoot, stubEntry, synth } from './synth';

interface BundledFunction {
  readonly assetDir: string;
  readonly environment: Record<string, unknown>;
}

const entries = defaultEntries(projectRoot);
const missing = FUNCTION_NAMES.filter((name) => !existsSync(entries[name]));
const bundles = new Map<FunctionName, BundledFunction>();

/** Deploy-time values (Refs, GetAtts) get a plausible stand-in so config parsing at import sees a value. */
function placeholder(name: string): string {
  if (name.endsWith('_URL')) return 'https://example.com';
  if (name.endsWith('_BUCKET')) return 'hashbrief-test-archive';
  return 'hashbrief-test';
}

beforeAll(() => {
  // A missing handler is bundled as the stub so the others are still checked; its own test fails below.
  const { app, template } = synth({
    bundle: true,
    entries: { ...entries, ...Object.fromEntries(missing.map((n) => [n, stubEntry])) },
  });
  const functions = template.findResources('AWS::Lambda::Function');
  for (const name of FUNCTION_NAMES) {
    const found = Object.entries(functions).find(([id]) => id.toLowerCase().startsWith(name));
    const resource = found?.[1];
    const assetPath = resource?.Metadata?.['aws:asset:path'];
    if (typeof assetPath !== 'string') throw new Error(`no bundled asset for ${name}`);
    bundles.set(name, {
      assetDir: path.resolve(app.outdir, assetPath),
      environment: resource?.Properties.Environment?.Variables ?? {},
    });
  }
}, 600_000);

describe('function bundles', () => {
  it.each(FUNCTION_NAMES)('has a handler entry at functions/%s.ts', (name) => {
    expect(missing, `functions/${name}.ts has not been written yet`).not.toContain(name);
  });

  it.each(FUNCTION_NAMES)('%s bundles to an ESM index.mjs with a source map', (name) => {
    const files = readdirSync(bundles.get(name)?.assetDir ?? '');
    expect(files).toEqual(expect.arrayContaining(['index.mjs', 'index.mjs.map']));
  });

  it('ships resvg with its linux-x64-gnu native addon and the DejaVu fonts next to the report', () => {
    const dir = bundles.get('report')?.assetDir ?? '';
    const native = readdirSync(path.join(dir, 'node_modules/@resvg/resvg-js-linux-x64-gnu'));
    expect(native.some((f) => f.endsWith('.node'))).toBe(true);
    expect(existsSync(path.join(dir, 'node_modules/@resvg/resvg-js/index.js'))).toBe(true);
    expect(existsSync(path.join(dir, 'node_modules/dejavu-fonts-ttf/ttf/DejaVuSans.ttf'))).toBe(true);
  });

  it.each(FUNCTION_NAMES)('%s imports without error in a plain Node process outside the repo', (name) => {
    const bundle = bundles.get(name);
    if (!bundle) throw new Error(`no bundle for ${name}`);
    const copy = mkdtempSync(path.join(os.tmpdir(), `hashbrief-${name}-`));
    cpSync(bundle.assetDir, copy, { recursive: true });
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      AWS_REGION: 'us-east-1',
      AWS_LAMBDA_FUNCTION_NAME: `hashbrief-${name}`,
    };
    for (const [key, value] of Object.entries(bundle.environment)) {
      env[key] = typeof value === 'string' ? value : placeholder(key);
    }

    const run = spawnSync(
      process.execPath,
      [
        // The bundled AWS SDK warns (process warning) that the local Node is older than Lambda's Node 24.
        '--no-warnings',
        '--input-type=module',
        '-e',
        "const m = await import(process.argv[1]); if (typeof m.handler !== 'function') { console.error('no handler export'); process.exit(2); }",
        pathToFileURL(path.join(copy, 'index.mjs')).href,
      ],
      { cwd: copy, env, encoding: 'utf8', timeout: 60_000 },
    );

    expect(run.stderr, `stderr of importing the ${name} bundle`).toBe('');
    expect(run.status).toBe(0);
  });
});
