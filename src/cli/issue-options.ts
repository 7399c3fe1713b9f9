/**
 * Builds the pipeline's options and ports for the CLI from the parsed environment: one place, so `run`
 * and `report` can't drift apart.
 */
import type { ArchiveStore } from '../archive/store';
import { settingsFromEnv } from '../config/settings';
import { addDays, isIsoDay, utcDay } from '../days';
import { sampleDataset } from '../emulator/dataset';
import { createEmulatorFetch } from '../emulator/server';
import type { ProduceIssueDeps, ProduceIssueOptions } from '../pipeline/produce-issue';
import { type Clock, livePorts } from '../ports';
import { type CliContext, UsageError } from './context';
import { localHolderGone, thisRunner } from './local-process';

/** Base URLs the in-process sample emulator answers on (never leave the process). */
const SAMPLE_BASE = 'http://sample.hashbrief.invalid';

/** Help of `--as-of`, the same in `run` and `report`. */
export const AS_OF_HELP =
  'The issue as it would have been on that day, from data up to it (default: the latest day Coin Metrics has a price for, usually yesterday, UTC)';

/**
 * `--as-of D` checked before anything is fetched: a calendar day written YYYY-MM-DD and a complete UTC
 * day (yesterday or earlier). Anything else is bad usage (exit 2), naming the flag.
 */
export function asOfFlag(value: string | undefined, clock: Clock): string | undefined {
  if (value === undefined) return undefined;
  if (!isIsoDay(value)) {
    throw new UsageError(`--as-of must be a day written YYYY-MM-DD (got ${JSON.stringify(value)})`);
  }
  const yesterday = addDays(utcDay(clock()), -1);
  if (value > yesterday) {
    throw new UsageError(`--as-of must be a complete UTC day, ${yesterday} or earlier (got ${value})`);
  }
  return value;
}

export function liveDeps(ctx: CliContext, archive: ArchiveStore): ProduceIssueDeps {
  return {
    ...livePorts(ctx.reporter, { fetch: ctx.fetch, clock: ctx.clock }),
    archive,
    runner: thisRunner(),
    holderGone: localHolderGone,
  };
}

/** Ports that serve the bundled synthetic dataset, ending yesterday (UTC), from memory. */
export function sampleDeps(ctx: CliContext, archive: ArchiveStore): ProduceIssueDeps {
  const endDate = addDays(utcDay(ctx.clock()), -1);
  const fetch = createEmulatorFetch({ dataset: sampleDataset({ endDate }), baseUrl: SAMPLE_BASE });
  return { ...liveDeps(ctx, archive), fetch };
}

/**
 * An issue's options from the environment (settingsFromEnv), with the sample upstreams when `sample` is
 * set, and the command's own on top.
 */
export function baseOptions(
  ctx: CliContext,
  overrides: Pick<ProduceIssueOptions, 'sample'> & Partial<ProduceIssueOptions>,
): ProduceIssueOptions {
  const sampleUrls = {
    coinMetricsUrl: `${SAMPLE_BASE}/coinmetrics/v4`,
    mempoolUrl: `${SAMPLE_BASE}/mempool/api`,
  };
  return {
    ...settingsFromEnv(ctx.env).issue,
    ...(overrides.sample ? sampleUrls : {}),
    ...overrides,
  };
}
