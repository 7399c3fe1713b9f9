/**
 * The report Lambda renders MJML templates and PNG charts at runtime, reading files the bundle must carry
 * (templates/, resvg's native addon, the DejaVu fonts). Importing the bundle is not enough to prove that:
 * this bundles the renderer with the same esbuild settings as the stack, lays out the same copied files,
 * and renders a whole issue from the bundle in a separate Node process, outside the repository.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ESM_REQUIRE_BANNER } from '../../infra/constructs/function-with-log-group';
import { REPORT_NATIVE_FILES } from '../../infra/hashbrief-stack';
import {
  fixtureFooter,
  fixtureLinks,
  fixtureNonce,
  fixtureSeries,
  fixtureSnapshot,
} from '../fixtures/render/fixture';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hb-report-bundle-'));
  await build({
    entryPoints: [path.join(root, 'src/render/render-issue.ts')],
    outfile: path.join(dir, 'index.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    mainFields: ['module', 'main'],
    banner: { js: ESM_REQUIRE_BANNER },
    minify: true,
    external: ['@resvg/resvg-js'],
    logLevel: 'silent',
  });
  for (const file of REPORT_NATIVE_FILES) {
    await cp(path.join(root, file.from), path.join(dir, file.to), { recursive: true });
  }
  const input = {
    snapshot: fixtureSnapshot(),
    series: fixtureSeries(),
    links: fixtureLinks,
    footer: fixtureFooter,
    imageMode: 'cid',
    placeholderNonce: fixtureNonce,
  };
  await writeFile(path.join(dir, 'input.json'), JSON.stringify(input));
  await writeFile(
    path.join(dir, 'render.mjs'),
    `import { readFileSync } from 'node:fs';
import { renderIssue } from './index.mjs';
const r = await renderIssue(JSON.parse(readFileSync(new URL('./input.json', import.meta.url), 'utf8')));
process.stdout.write(JSON.stringify({ subject: r.subject, htmlBytes: r.emailHtml.length, pngs: r.images.map((i) => i.png.length) }));
`,
  );
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('report Lambda bundle', () => {
  it('renders a whole issue (MJML templates, four PNG charts with fonts) from the bundle alone', async () => {
    const { stdout } = await run(process.execPath, [path.join(dir, 'render.mjs')], {
      cwd: dir,
      timeout: 60_000,
    });

    const result = JSON.parse(stdout) as { subject: string; htmlBytes: number; pngs: number[] };
    expect(result.subject).toContain('Hashprice');
    expect(result.htmlBytes).toBeGreaterThan(10_000);
    expect(result.pngs).toHaveLength(4);
    for (const size of result.pngs) expect(size).toBeGreaterThan(5_000);
  });
});
