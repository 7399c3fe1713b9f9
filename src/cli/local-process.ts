/**
 * The CLI's side of issue leases: it names this process in a lease, and tells a lease whose holder was a
 * process on this machine that no longer exists (killed, crashed), so a rerun takes over at once instead
 * of waiting for the lease to run out. A lease from another machine (or a Lambda) only ever expires.
 */
import { hostname } from 'node:os';
import type { Lease } from '../archive/run-record';

/** This process, as named in the leases it takes. */
export function thisRunner(): { host: string; pid: number } {
  return { host: hostname(), pid: process.pid };
}

/** True when `lease` was taken by a process of this machine that has since died. */
export function localHolderGone(lease: Lease): boolean {
  if (lease.host !== hostname() || lease.pid <= 0 || lease.pid === process.pid) return false;
  try {
    // Signal 0 checks existence without touching the process.
    process.kill(lease.pid, 0);
    return false;
  } catch (error) {
    // EPERM: it exists but belongs to someone else, so it is alive.
    return error instanceof Error && 'code' in error && error.code === 'ESRCH';
  }
}
