/**
 * What a test run of produceIssue against the emulated upstreams shares: the upstream URLs (served
 * in-process by the emulator's fetch), the default assumptions, a test postal address, a fixed jitter and
 * a silent reporter. Each test says only what differs.
 */
import type { ArchiveStore } from '../../src/archive/store';
import { defaultAssumptions } from '../../src/metrics/assumptions';
import type { ProduceIssueDeps, ProduceIssueOptions } from '../../src/pipeline/produce-issue';
import { type Fetch, realSleep, silentReporter } from '../../src/ports';

/** Where the emulator's in-process fetch serves the upstreams. */
export const EMULATED_BASE = 'http://upstream.test';

/** A live run's options against the emulated upstreams; `overrides` change any. */
export function emulatedRunOptions(overrides: Partial<ProduceIssueOptions> = {}): ProduceIssueOptions {
  return {
    coinMetricsUrl: `${EMULATED_BASE}/coinmetrics/v4`,
    mempoolUrl: `${EMULATED_BASE}/mempool/api`,
    sample: false,
    assumptions: defaultAssumptions(),
    postalAddress: 'hashbrief, 1 Test Street',
    ...overrides,
  };
}

/** A run's ports: `fetch` (the emulator's), the clock, real sleeps, a fixed jitter and no output. */
export function emulatedRunDeps(archive: ArchiveStore, fetch: Fetch, clock: () => Date): ProduceIssueDeps {
  return { fetch, clock, sleep: realSleep, random: () => 0.5, reporter: silentReporter, archive };
}
