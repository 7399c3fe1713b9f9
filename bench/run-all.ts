/**
 * `npm run bench`: runs every bench/*.bench.ts in this one process and writes one report, markdown and
 * JSON, under out/bench/. Pass names to run a subset: `npm run bench -- metrics render`. Every row with a
 * target says pass or FAIL, and the run exits 1 when any target was missed.
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type BenchRow, type BenchSection, missedTargets } from './harness';

const here = path.dirname(fileURLToPath(import.meta.url));

function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  return abs >= 100 ? n.toFixed(0) : abs >= 1 ? n.toFixed(2) : n.toPrecision(3);
}

function toMarkdown(sections: BenchSection[], startedAt: string): string {
  const lines = [
    `# hashbrief benchmarks (${startedAt})`,
    '',
    `Node ${process.version}, ${process.platform}/${process.arch}`,
    '',
  ];
  for (const section of sections) {
    lines.push(
      `## ${section.title}`,
      '',
      '| measure | value | baseline | ratio | target | met |',
      '| --- | --- | --- | --- | --- | --- |',
    );
    for (const r of section.rows as BenchRow[]) {
      const baseline = r.baseline ? `${r.baseline.name}: ${fmt(r.baseline.value)}` : '';
      const ratio = r.ratio === undefined ? '' : `${fmt(r.ratio)}×${r.ratioLabel ? ` ${r.ratioLabel}` : ''}`;
      const met = r.target === undefined ? '' : r.pass === true ? 'pass' : '**FAIL**';
      lines.push(
        `| ${r.name} | ${fmt(r.value)} ${r.unit} | ${baseline} | ${ratio} | ${r.target ?? ''} | ${met} |`,
      );
    }
    for (const note of section.notes ?? []) lines.push('', `- ${note}`);
    lines.push('');
  }
  return lines.join('\n');
}

async function main() {
  const only = process.argv.slice(2);
  const files = (await readdir(here)).filter((f) => f.endsWith('.bench.ts')).sort();
  const selected = only.length ? files.filter((f) => only.some((o) => f.startsWith(o))) : files;
  const startedAt = new Date().toISOString();
  const sections: BenchSection[] = [];
  for (const file of selected) {
    process.stderr.write(`bench: ${file}\n`);
    const mod = (await import(pathToFileURL(path.join(here, file)).href)) as {
      run: () => Promise<BenchSection>;
    };
    sections.push(await mod.run());
  }
  const outDir = path.resolve('out/bench');
  await mkdir(outDir, { recursive: true });
  const markdown = toMarkdown(sections, startedAt);
  await writeFile(path.join(outDir, 'report.md'), markdown);
  await writeFile(path.join(outDir, 'report.json'), JSON.stringify({ startedAt, sections }, null, 2));
  process.stdout.write(`${markdown}\nwritten: ${path.join(outDir, 'report.md')} and report.json\n`);
  const judged = sections.flatMap((s) => s.rows).filter((r) => r.target !== undefined);
  const missed = missedTargets(sections);
  if (missed.length) {
    process.stdout.write(`targets missed: ${missed.map((r) => r.name).join(', ')}\n`);
    // CI and scripts read the exit code: a missed target is a failed bench run.
    process.exitCode = 1;
  } else {
    process.stdout.write(`all ${judged.length} targets met\n`);
  }
}

await main();
