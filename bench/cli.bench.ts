/**
 * CLI start-up as a user meets it: `hashbrief --help` and a whole `hashbrief report --sample`, each run as
 * `node bin/hashbrief.mjs …` (the compiled CLI in dist/), interleaved with a bare `node -e 0` so machine
 * noise hits both alike. The figures are the ratios to that bare start, fastest run against fastest run
 * (medians in the notes). Run: `npm run bench -- cli`.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { buildCli, distProblem } from '../scripts/build.mjs';
import type { BenchRow, BenchSection } from './harness';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(root, 'bin/hashbrief.mjs');
const RUNS = 7;

/** Wall time of one child run, ms (spawn included, as for the baseline). */
function wallMs(args: string[], env: NodeJS.ProcessEnv = {}): number {
  const start = performance.now();
  execFileSync(process.execPath, args, {
    cwd: root,
    // No loader from the bench's own runner (tsx) in the measured child.
    env: { ...process.env, NODE_OPTIONS: '', CI: 'true', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return performance.now() - start;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

export async function run(): Promise<BenchSection> {
  // Measure what `npm ci` leaves behind: a fresh build of the current sources.
  if (distProblem() !== undefined) await buildCli();
  // The old entry point: compile the TypeScript sources at start through tsx, then print help.
  const fromSourceScript = path.join(root, 'out/bench/help-from-source.mjs');
  mkdirSync(path.dirname(fromSourceScript), { recursive: true });
  writeFileSync(
    fromSourceScript,
    `const { main } = await import(${JSON.stringify(path.join(root, 'src/cli/main.ts'))});\nprocess.exitCode = await main(['--help']);\n`,
  );
  const bare: number[] = [];
  const help: number[] = [];
  const report: number[] = [];
  const fromSource: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    bare.push(wallMs(['-e', '0']));
    help.push(wallMs([BIN, '--help']));
    // A fresh state folder each time: a second run of the same day would only say "already archived".
    const state = mkdtempSync(path.join(tmpdir(), 'hb-bench-cli-'));
    try {
      report.push(wallMs([BIN, 'report', '--sample'], { HASHBRIEF_LOCAL_DIR: state }));
    } finally {
      rmSync(state, { recursive: true, force: true });
    }
    if (i < 3) fromSource.push(wallMs(['--import', 'tsx', fromSourceScript]));
  }
  // The fastest of the interleaved runs: on a shared machine other processes only ever add time, so
  // the minimum is the closest to what the CLI itself costs (Python's timeit reasons the same way).
  // The medians, which carry that interference, are in the notes.
  const bareMs = Math.min(...bare);
  const baseline = { name: 'bare `node -e 0`', value: bareMs };
  const ratioRow = (name: string, samples: number[], limit: number): BenchRow => {
    const ms = Math.min(...samples);
    return {
      name,
      value: ms,
      unit: 'ms',
      baseline,
      ratio: ms / bareMs,
      ratioLabel: 'of bare node',
      target: `≤ ${limit}× bare node`,
      pass: ms / bareMs <= limit,
    };
  };
  const rows: BenchRow[] = [
    ratioRow(`\`hashbrief --help\` (fastest of ${RUNS})`, help, 4),
    ratioRow(
      `\`hashbrief report --sample\`, whole issue into a fresh folder (fastest of ${RUNS})`,
      report,
      15,
    ),
    {
      name: '`hashbrief --help` from the TypeScript sources through tsx (the way before dist/, fastest of 3)',
      value: Math.min(...fromSource),
      unit: 'ms',
      baseline,
      ratio: Math.min(...fromSource) / bareMs,
      ratioLabel: 'of bare node',
    },
  ];
  const medianNote = (what: string, samples: number[]) =>
    `${what} ${median(samples).toFixed(0)} ms (${(median(samples) / median(bare)).toFixed(2)}×)`;
  return {
    title: 'CLI start-up (compiled, lazily loaded commands)',
    rows,
    notes: [
      'Each figure is the wall time of a child process, spawn included, interleaved run by run with the bare node start; the fastest run of each, since other processes on a shared machine only add time.',
      `Medians of the same runs: bare node ${median(bare).toFixed(0)} ms; ${medianNote('--help', help)}; ${medianNote('report --sample', report)}.`,
      '`--help` loads commander and the command index only; `report --sample` loads the report command, MJML and the charts, builds the issue from the bundled sample data and archives it.',
    ],
  };
}
