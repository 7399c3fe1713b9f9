/**
 * Shared benchmark plumbing. Each bench/<name>.bench.ts exports `run(): Promise<BenchSection>`; run-all.ts
 * runs them in one process, side by side, and writes out/bench/report.md and report.json. Figures that
 * matter are ratios against a baseline measured in the same run, because this machine is shared and noisy.
 */
import { performance } from 'node:perf_hooks';

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
