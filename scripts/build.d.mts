/** Types of scripts/build.mjs (plain JavaScript so it runs before anything is compiled). */
import type { Metafile } from 'esbuild';

/** Where the CLI is built by default: `<project>/dist`. */
export declare const DIST_DIR: string;

/** Builds the CLI into `outdir` (emptied first unless `clean` is false) and returns esbuild's metafile. */
export declare function buildCli(options?: { outdir?: string; clean?: boolean }): Promise<Metafile>;

/** Why dist/ cannot be used as it is, or undefined when it is fresh. */
export declare function distProblem(outdir?: string): string | undefined;
