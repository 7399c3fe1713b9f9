/**
 * The environment variables that tell the CLI or a job where the upstreams are, for tests. Retries are
 * off, so an upstream that fails does so at once.
 */
import type { RunningEmulator } from '../../src/emulator/server';

/** Upstreams served by `emulator`. */
export function emulatorEnv(emulator: Pick<RunningEmulator, 'coinMetricsUrl' | 'mempoolUrl'>) {
  return {
    HASHBRIEF_COINMETRICS_URL: emulator.coinMetricsUrl,
    HASHBRIEF_MEMPOOL_URL: emulator.mempoolUrl,
    HASHBRIEF_HTTP_RETRIES: '0',
  };
}

/**
 * Upstreams on port 1 of loopback, which refuses connections at once: a command that gets as far as
 * fetching finds no upstream reachable without waiting on timeouts.
 */
export const UNREACHABLE_UPSTREAMS = {
  HASHBRIEF_COINMETRICS_URL: 'http://127.0.0.1:1/v4',
  HASHBRIEF_MEMPOOL_URL: 'http://127.0.0.1:1/api',
  HASHBRIEF_HTTP_RETRIES: '0',
};
