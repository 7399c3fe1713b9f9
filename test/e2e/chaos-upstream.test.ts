/**
 * Chaos matrix, upstream half: each upstream down, slow, rate-limiting, returning garbage or a drifted
 * schema (faults of the in-process upstream emulator), through the report job and the sender core.
 * What a reader sees: either no issue at all (Coin Metrics is the issue's backbone) or an issue whose
 * missing parts are null with warnings; never a half-archived issue, never a lost or doubled email. Every
 * issue made replays byte for byte from its own raw/ files (`archive verify`), failures, timeouts and
 * retries included.
 * The other half (storage, kills, sender, SES, duplicates, concurrency) is in chaos.test.ts.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { addDays, utcDay } from '../../src/days';
import type { Fault } from '../../src/emulator/faults';
import { ReportUnavailableError } from '../../src/pipeline/produce-issue';
import { type ReportJobResult, runReportJob } from '../../src/pipeline/report-job';
import { snapshotSchema } from '../../src/snapshot/schema';
import { liveLikeDataset } from '../support/datasets';
import {
  type ChaosRow,
  chaosTable,
  createWorld,
  exactlyOncePerActive,
  reportSettings,
} from '../support/e2e-world';
import { verifyArchive } from '../support/verify-check';

const DATA_END = addDays(utcDay(new Date()), -2);
const dataset = liveLikeDataset({ endDate: DATA_END });
const rows: ChaosRow[] = [];

afterAll(() => {
  console.log(chaosTable('Chaos matrix: upstreams', rows));
});

/** A fault on every route of `upstream`. */
const fault =
  (upstream: Fault['upstream']) =>
  (kind: Fault['kind'], extra: Partial<Fault> = {}): Fault => ({ upstream, route: '*', kind, ...extra });
const cm = fault('coinmetrics');
const mp = fault('mempool');

interface Case {
  name: string;
  faults: Fault[];
  /** `none`: no issue; `partial`: issue with failed mempool sources; `full`: issue with every source ok. */
  outcome: 'none' | 'partial' | 'full';
}

/**
 * The faults every upstream meets. `unreadable` is the outcome when the upstream cannot be read; a
 * rate limit that lets go after `rateLimitTimes` 429s ends in a full issue.
 */
function upstreamCases(
  label: string,
  on: ReturnType<typeof fault>,
  unreadable: Case['outcome'],
  rateLimit: { times: number; scope: string },
): Case[] {
  return [
    {
      name: `${label} down (503 on every request)`,
      faults: [on('status', { status: 503 })],
      outcome: unreadable,
    },
    {
      name: `${label} slow (beyond the per-request timeout)`,
      faults: [on('latency', { ms: 3000 })],
      outcome: unreadable,
    },
    {
      name: `${label} rate-limiting once${rateLimit.scope} (429, Retry-After 1 s)`,
      faults: [on('rate-limit', { retryAfterSeconds: 1, times: rateLimit.times })],
      outcome: 'full',
    },
    {
      name: `${label} returns garbage (malformed JSON)`,
      faults: [on('malformed-json')],
      outcome: unreadable,
    },
    { name: `${label} drifted schema (renamed fields)`, faults: [on('drift')], outcome: unreadable },
  ];
}

const CASES: Case[] = [
  ...upstreamCases('Coin Metrics', cm, 'none', { times: 1, scope: '' }),
  { name: 'Coin Metrics connection reset', faults: [cm('reset')], outcome: 'none' },
  ...upstreamCases('mempool', mp, 'partial', { times: 6, scope: ' per route' }),
  {
    name: 'both upstreams down',
    faults: [cm('status', { status: 503 }), mp('status', { status: 503 })],
    outcome: 'none',
  },
];

const EXPECTED: Record<Case['outcome'], string> = {
  none: 'no issue, clear "Coin Metrics unavailable" error; nothing archived, queued or mailed',
  partial: 'issue archived; mempool parts null with warnings; every reader mailed once',
  full: 'issue archived with every source ok after the retry; every reader mailed once',
};

describe('chaos matrix: upstream faults', () => {
  for (const c of CASES) {
    it(`${c.name}: ${EXPECTED[c.outcome]}`, async () => {
      // Arrange
      const world = await createWorld({ dataset, faults: c.faults });

      // Act
      const result: ReportJobResult | Error = await runReportJob({}, world.deps, reportSettings()).catch(
        (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
      );
      const queued = world.drain();
      await world.deliver(queued);

      // Assess (the row is recorded first, so the table shows failures too)
      const archived = await world.archive.list('');
      const delivery = exactlyOncePerActive(world);
      if (result instanceof Error) {
        const clear =
          result instanceof ReportUnavailableError && /Coin Metrics unavailable/.test(result.message);
        rows.push({
          name: c.name,
          expected: EXPECTED[c.outcome],
          observed: `rejected: ${result.message.slice(0, 90)}; ${archived.length} objects, ${queued.length} queued, ${world.mailer.sent.length} mails`,
          ok: c.outcome === 'none' && clear && archived.length === 0 && queued.length === 0,
        });
        expect(c.outcome).toBe('none');
        expect(result).toBeInstanceOf(ReportUnavailableError);
        expect(result.message).toMatch(/Coin Metrics unavailable/);
        expect(archived).toEqual([]);
        expect(queued).toEqual([]);
        expect(world.mailer.sent).toEqual([]);
        return;
      }
      const stored = await world.archive.get(`issues/${DATA_END}/snapshot.json`);
      const snapshot = snapshotSchema.parse(JSON.parse(stored?.body.toString() ?? 'null'));
      const failed = snapshot.sources.filter((s) => s.status === 'failed').map((s) => s.name);
      const shape = failed.length === 0 ? 'full' : 'partial';
      const verify = await verifyArchive(world.archive, reportSettings());
      rows.push({
        name: c.name,
        expected: `${EXPECTED[c.outcome]}; verify ok`,
        observed: `issue ${result.status}; failed sources: ${failed.length ? failed.join(', ') : 'none'}; ${snapshot.warnings.length} warnings; ${delivery.detail}; ${verify.detail}`,
        ok: c.outcome === shape && delivery.ok && verify.ok,
      });
      expect(shape).toBe(c.outcome);
      expect(result).toMatchObject({ issueId: DATA_END, status: 'created' });
      if (c.outcome === 'partial') {
        expect(failed.every((name) => /mempool/i.test(name))).toBe(true);
        expect(snapshot.metrics.pools.hhi).toBeNull();
        expect(snapshot.warnings.length).toBeGreaterThan(0);
      }
      expect(delivery).toMatchObject({ ok: true });
      expect(verify.verdicts.map((v) => v.status)).toEqual(['ok']);
    });
  }
});
