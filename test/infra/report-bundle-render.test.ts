/**
 * The report Lambda renders MJML templates and PNG charts at runtime, reading files the bundle must carry
 * (templates/, resvg's native addon, the DejaVu fonts). Importing the bundle is not enough to prove that:
 * this lets the stack itself bundle the report function (its own NodejsFunction, esbuild options and
 * copy hooks), from an entry that exports the renderer the real handler uses, and renders a whole issue
 * from that bundle in a separate Node process, outside the repository.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_NAMES } from '../../infra/hashbrief-stack';
import { fixtureRenderInput } from '../fixtures/render/fixture';
import { projectRoot, stubEntry, synth } from './synth';

const run = promisify(execFile);
let dir: string;

beforeAll(async () => {
  // The stack bundles every function; all but the report are the one-line stub.
  const entries = Object.fromEntries(FUNCTION_NAMES.map((name) => [name, stubEntry]));
  const { app, template } = synth({
    bundle: true,
    entries: { ...entries, report: path.join(projectRoot, 'test/infra/fixtures/render-entry.ts') },
  });
  const [, report] =
    Object.entries(template.findResources('AWS::Lambda::Function')).find(([id]) => id.startsWith('Report')) ??
    [];
  const assetPath = report?.Metadata?.['aws:asset:path'];
  if (typeof assetPath !== 'string') throw new Error('the stack has no bundled report function');
  // A copy outside the repository, so nothing resolves from the repo's node_modules.
  dir = await mkdtemp(path.join(tmpdir(), 'hb-report-bundle-'));
  await cp(path.resolve(app.outdir, assetPath), dir, { recursive: true });
  await writeFile(path.join(dir, 'input.json'), JSON.stringify(fixtureRenderInput()));
  await writeFile(
    path.join(dir, 'render.mjs'),
    `import { readFileSync } from 'node:fs';
import { renderIssue } from './index.mjs';
const r = await renderIssue(JSON.parse(readFileSync(new URL('./input.json', import.meta.url), 'utf8')));
process.stdout.write(JSON.stringify({ subject: r.subject, htmlBytes: r.emailHtml.length, pngs: r.images.map((i) => i.png.length) }));
`,
  );
}, 600_000);

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
