/**
 * A whole hashbrief deployment in one process for chaos and bad-input tests: the upstream emulator as an
 * in-process fetch, memory (or any) ArchiveStore for the archive and the state, an in-memory send queue,
 * the sender core with the real ledger, and a recording mailer. Side effects are all inspectable.
 */
import { createMemoryArchiveStore } from '../../src/archive/memory-store';
import type { ArchiveStore } from '../../src/archive/store';
import { type BatchOutcome, deliverBatch, type SenderDeps } from '../../src/delivery/deliver';
import { createEmailLoader } from '../../src/delivery/email';
import { createLedger } from '../../src/delivery/ledger';
import type { Mailer, OutgoingMail } from '../../src/delivery/mailer';
import { createMemorySendQueue } from '../../src/delivery/queue';
import { unlimited } from '../../src/delivery/rate-limiter';
import type { SendMessage } from '../../src/delivery/send-message';
import { createSubscriberStore, type SubscriberStatus } from '../../src/delivery/subscribers';
import type { Dataset } from '../../src/emulator/dataset';
import type { Fault } from '../../src/emulator/faults';
import { createEmulatorFetch } from '../../src/emulator/server';
import { parseAssumptions } from '../../src/metrics/assumptions';
import type { ReportJobDeps, ReportJobSettings } from '../../src/pipeline/report-job';
import {
  type Clock,
  type Fetch,
  type Reporter,
  realSleep,
  silentReporter,
  systemClock,
} from '../../src/ports';
import { recordingMailer, seedSubscribers, TEST_LINKS, TEST_SETTINGS } from './delivery-fixtures';

export const UPSTREAM_BASE = 'http://upstream.test';

/** Report settings against the in-process emulator; short timeouts so "slow" cases end quickly. */
export function reportSettings(overrides: Partial<ReportJobSettings> = {}): ReportJobSettings {
  return {
    coinMetricsUrl: `${UPSTREAM_BASE}/coinmetrics/v4`,
    mempoolUrl: `${UPSTREAM_BASE}/mempool/api`,
    assumptions: parseAssumptions(undefined),
    postalAddress: 'hashbrief test, 1 Test Street',
    linksBaseUrl: TEST_LINKS,
    recipientsPerMessage: 2,
    httpSettings: { timeoutMs: 400, retries: 1, budgetMs: 20_000 },
    ...overrides,
  };
}

/** The default mix: 5 active readers, 1 bounced, 1 unsubscribed. */
export const DEFAULT_STATUSES: SubscriberStatus[] = [
  'active',
  'active',
  'bounced',
  'active',
  'unsubscribed',
  'active',
  'active',
];

export interface World {
  archive: ArchiveStore;
  state: ArchiveStore;
  queue: ReturnType<typeof createMemorySendQueue>;
  mailer: Mailer & { sent: OutgoingMail[] };
  people: { address: string; hash: string; status: SubscriberStatus }[];
  deps: ReportJobDeps;
  /** Everything still queued, taken off the queue. */
  drain(): SendMessage[];
  /** Delivers the given messages with the sender core (ledger on `state`); returns their outcomes. */
  deliver(messages: SendMessage[], overrides?: Partial<SenderDeps>): Promise<BatchOutcome[]>;
  /** Issue mails per subscriber hash. */
  mailsByHash(): Map<string, number>;
}

/** A fresh deployment. `fetch` defaults to the emulator over `dataset` with `faults`. */
export async function createWorld(options: {
  dataset: Dataset;
  faults?: Fault[];
  fetch?: Fetch;
  archive?: ArchiveStore;
  state?: ArchiveStore;
  clock?: Clock;
  reporter?: Reporter;
  statuses?: SubscriberStatus[];
}): Promise<World> {
  const archive = options.archive ?? createMemoryArchiveStore();
  const state = options.state ?? createMemoryArchiveStore();
  const subscribers = createSubscriberStore(state);
  const statuses = options.statuses ?? DEFAULT_STATUSES;
  const people = await seedSubscribers(subscribers, statuses.length, (i) => statuses[i] ?? 'active');
  const queue = createMemorySendQueue();
  const mailer = recordingMailer();
  const clock = options.clock ?? systemClock;
  const deps: ReportJobDeps = {
    fetch:
      options.fetch ??
      createEmulatorFetch({ dataset: options.dataset, faults: options.faults, baseUrl: UPSTREAM_BASE }),
    clock,
    sleep: realSleep,
    random: Math.random,
    reporter: options.reporter ?? silentReporter,
    archive,
    subscribers,
    queue,
    mailer,
    emails: createEmailLoader,
    messageSettings: async () => TEST_SETTINGS,
  };
  const ledger = createLedger(state);
  return {
    archive,
    state,
    queue,
    mailer,
    people,
    deps,
    drain: () => queue.drain(),
    async deliver(messages, overrides = {}) {
      const sender: SenderDeps = {
        emails: createEmailLoader(archive),
        subscribers,
        ledger,
        mailer,
        limiter: unlimited,
        clock,
        sleep: async () => {},
        random: () => 0,
        ...overrides,
      };
      const outcomes: BatchOutcome[] = [];
      for (const message of messages) outcomes.push(await deliverBatch(message, sender, TEST_SETTINGS));
      return outcomes;
    },
    mailsByHash() {
      const counts = new Map<string, number>();
      for (const mail of mailer.sent.filter((m) => m.kind === 'issue'))
        counts.set(mail.recipientHash, (counts.get(mail.recipientHash) ?? 0) + 1);
      return counts;
    },
  };
}

/** True when every active reader got exactly one issue mail and nobody else got any. */
export function exactlyOncePerActive(world: World): { ok: boolean; detail: string } {
  const counts = world.mailsByHash();
  const active = world.people.filter((p) => p.status === 'active');
  const missing = active.filter((p) => (counts.get(p.hash) ?? 0) === 0).length;
  const doubled = active.filter((p) => (counts.get(p.hash) ?? 0) > 1).length;
  const strays = world.people.filter((p) => p.status !== 'active' && counts.has(p.hash)).length;
  return {
    ok: missing === 0 && doubled === 0 && strays === 0,
    detail: `${active.length - missing}/${active.length} readers, ${doubled} doubled, ${strays} to suppressed`,
  };
}

/** A result table row for the chaos matrix. */
export interface ChaosRow {
  name: string;
  expected: string;
  observed: string;
  ok: boolean;
}

/** The matrix as a markdown table. */
export function chaosTable(title: string, rows: ChaosRow[]): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\s+/g, ' ');
  return [
    `### ${title}`,
    '',
    '| case | expected | observed | ok |',
    '| --- | --- | --- | --- |',
    ...rows.map(
      (r) => `| ${cell(r.name)} | ${cell(r.expected)} | ${cell(r.observed)} | ${r.ok ? 'yes' : '**NO**'} |`,
    ),
  ].join('\n');
}
