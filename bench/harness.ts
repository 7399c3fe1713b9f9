/**
 * Shared benchmark plumbing. Each bench/<name>.bench.ts exports `run(): Promise<BenchSection>`; run-all.ts
 * runs them in one process, side by side, and writes out/bench/report.md and report.json. Figures that
 * matter are ratios against a baseline measured in the same run, because this machine is shared and noisy.
 */
import { execFile } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { build } from 'esbuild';

export interface BenchRow {
  /** What was measured, e.g. "metrics per weekly report". */
  name: string;
  value: number;
  unit: string;
  /** Optional baseline measured in the same run, and value ÷ baseline (or baseline ÷ value, see `ratioLabel`). */
  baseline?: { name: string; value: number };
  ratio?: number;
  ratioLabel?: string;
  /** Human-readable target, e.g. "< 10 ms" or "≥ 100×", and whether this run met it. */
  target?: string;
  pass?: boolean;
}

export interface BenchSection {
  title: string;
  rows: BenchRow[];
  notes?: string[];
}

/** Runs `fn` `iterations` times after `warmup` runs; returns per-iteration milliseconds (median and mean). */
export async function timeIt(
  fn: () => unknown | Promise<unknown>,
  { iterations = 20, warmup = 3 }: { iterations?: number; warmup?: number } = {},
): Promise<{ medianMs: number; meanMs: number; samples: number[] }> {
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
  const mean = samples.reduce((s, x) => s + x, 0) / samples.length;
  return { medianMs: median, meanMs: mean, samples };
}

/** Peak resident set size of this process so far, MB (Linux ru_maxrss is in KB). */
export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** Native modules that stay outside bundles (as in the Lambda assets). */
export const BUNDLE_EXTERNALS = ['@resvg/resvg-js'];

/** Bundles `entry` the way the functions ship (esbuild, ESM, minified): the bundle's bytes and input modules. */
export async function bundleForNode(
  entry: string,
  outfile: string,
  options: { banner?: string } = {},
): Promise<{ bytes: number; inputs: string[] }> {
  const result = await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    minify: true,
    metafile: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: BUNDLE_EXTERNALS,
    banner: {
      js: `import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);${options.banner ?? ''}`,
    },
    logLevel: 'silent',
  });
  const bytes = Object.values(result.metafile.outputs)
    .filter((o) => o.entryPoint !== undefined)
    .reduce((sum, o) => sum + o.bytes, 0);
  return { bytes, inputs: Object.keys(result.metafile.inputs) };
}

/** Marks the line on which a probe reports its own peak RSS (see PEAK_RSS_BANNER). */
const PEAK_RSS_MARK = 'hashbrief-bench-peak-rss-kb=';

/**
 * Bundled into every probe: at exit the child writes its own peak RSS to stderr. On Linux that is VmHWM
 * from /proc/self/status, the high-water mark of the child's own address space. `maxRSS` (getrusage) is
 * no use here: after fork + exec Linux carries the parent's peak into it, so a child of a 400 MB bench
 * process reports 400 MB whatever it does. Elsewhere maxRSS is the only figure, marked as such.
 */
const PEAK_RSS_BANNER = `
import { readFileSync as __hbReadFileSync, writeSync as __hbWriteSync } from 'node:fs';
process.on('exit', () => {
  let kb, source = 'VmHWM';
  try { kb = Number(/VmHWM:\\s*(\\d+) kB/.exec(__hbReadFileSync('/proc/self/status', 'utf8'))?.[1]); } catch {}
  if (!kb) { kb = process.resourceUsage().maxRSS; source = 'maxRSS'; }
  __hbWriteSync(2, '\\n${PEAK_RSS_MARK}' + kb + ' ' + source + '\\n');
});`;

/** What a probe printed (its last stdout line, JSON) plus its own peak RSS. */
export type ProbeResult = {
  /** The child's own peak resident set size, MB. */
  peakRssMb: number;
  /** `VmHWM` (Linux, the child's own) or `maxRSS` (elsewhere; may include the parent's). */
  peakRssSource: string;
  [k: string]: unknown;
};

/**
 * Bundles a TypeScript probe and runs it in a plain `node` child, so what it measures is what a deployed
 * function would see: no TypeScript loader, nothing left over from other benches, and a peak RSS of its
 * own (see PEAK_RSS_BANNER). The probe prints one JSON object as its last stdout line; that object is
 * returned with `peakRssMb` added.
 */
export async function runBundledProbe(
  script: string,
  env: Record<string, string> = {},
): Promise<ProbeResult> {
  const bundled = script.replace(/\.m?ts$/, '.mjs');
  await bundleForNode(script, bundled, { banner: PEAK_RSS_BANNER });
  // Asynchronous on purpose: a probe may talk to a server running in this process (the emulator).
  const { stdout: out, stderr } = await promisify(execFile)(process.execPath, [bundled], {
    // NODE_OPTIONS from the bench's own runner (tsx) must not load a loader into the probe.
    env: { ...process.env, NODE_OPTIONS: '', ...env },
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  const last = out.trim().split('\n').at(-1) ?? '{}';
  const peak = stderr.split('\n').find((line) => line.startsWith(PEAK_RSS_MARK));
  const [kb, source] = (peak ?? '').slice(PEAK_RSS_MARK.length).split(' ');
  if (!kb || !Number(kb)) throw new Error(`probe ${script} did not report its peak RSS; stderr: ${stderr}`);
  return { ...JSON.parse(last), peakRssMb: Number(kb) / 1024, peakRssSource: source ?? 'VmHWM' };
}

/** Rows whose target was not met: a row with a target and no verdict counts as missed. */
export function missedTargets(sections: BenchSection[]): BenchRow[] {
  return sections.flatMap((s) => s.rows).filter((r) => r.target !== undefined && r.pass !== true);
}
