/**
 * Lambda functions benchmark: every handler in functions/ bundled the way it ships (esbuild, ESM, minified,
 * AWS SDK bundled, native @resvg/resvg-js external), its size, its cold-start import time and peak RSS in
 * a fresh `node` vs an empty handler bundle, and the peak RSS of the report job over the full-history
 * sample and of the sender delivering one batch of 50, each beside an empty handler invoked the same way.
 * Every peak RSS is the child's own VmHWM (see harness.ts: a child's maxRSS carries its parent's peak).
 * Run: `npm run bench -- functions`.
 */
import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  type BenchRow,
  type BenchSection,
  BUNDLE_EXTERNALS,
  bundleForNode,
  runBundledProbe,
} from './harness';

const ENV = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  HASHBRIEF_ARCHIVE_BUCKET: 'bench-bucket',
  HASHBRIEF_SEND_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/bench',
  HASHBRIEF_SIGNUP_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/bench-signup',
  HASHBRIEF_LINKS_BASE_URL: 'https://links.example.com',
  HASHBRIEF_TOKEN_SECRET: 'bench-secret-0123456789',
  HASHBRIEF_MAX_SEND_RATE: '14',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
};

async function bundle(entry: string, outfile: string): Promise<number> {
  return (await bundleForNode(entry, outfile)).bytes;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** The child's own peak RSS in KB (VmHWM), as source text for the `-e` probes below. */
const OWN_PEAK_KB =
  "Number(/VmHWM:\\s*(\\d+) kB/.exec(require('node:fs').readFileSync('/proc/self/status','utf8'))?.[1] ?? process.resourceUsage().maxRSS)";

/** Import time and own peak RSS of `file` in a fresh node; the caller interleaves it with the baseline. */
function importChild(file: string): { ms: number; peakMb: number } {
  const out = execFileSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);
const t=performance.now();await import(${JSON.stringify(file)});const ms=performance.now()-t;
process.stdout.write(JSON.stringify({ ms, peakMb: ${OWN_PEAK_KB} / 1024 }));`,
    ],
    // stderr is kept from the report: on Node 20 the bundled AWS SDK warns at every import.
    {
      env: { ...process.env, ...ENV, NODE_OPTIONS: '' },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const parsed = JSON.parse(out) as { ms: number; peakMb: number };
  return parsed;
}

const runChild = (script: string) => runBundledProbe(script, ENV);

const src = (p: string) => JSON.stringify(path.resolve(p));

function reportScript(issueDir: string): string {
  return `
import { createMemoryArchiveStore } from ${src('src/archive/memory-store.ts')};
import { createFsArchiveStore } from ${src('src/archive/fs-store.ts')};
import { createEmailLoader } from ${src('src/delivery/email.ts')};
import { createMemorySendQueue } from ${src('src/delivery/queue.ts')};
import { createSubscriberStore } from ${src('src/delivery/subscribers.ts')};
import { sampleDataset } from ${src('src/emulator/dataset.ts')};
import { createEmulatorFetch } from ${src('src/emulator/server.ts')};
import { parseAssumptions } from ${src('src/metrics/assumptions.ts')};
import { runReportJob } from ${src('src/pipeline/report-job.ts')};
import { realSleep, silentReporter, systemClock } from ${src('src/ports.ts')};
const end = new Date(Date.now() - 2 * 86400000).toISOString().slice(0, 10);
const base = 'http://upstream.bench';
const archive = createMemoryArchiveStore();
const t = performance.now();
const result = await runReportJob({}, {
  fetch: createEmulatorFetch({ dataset: sampleDataset({ endDate: end }), baseUrl: base }),
  clock: systemClock, sleep: realSleep, random: Math.random, reporter: silentReporter, archive,
  subscribers: createSubscriberStore(createMemoryArchiveStore()), queue: createMemorySendQueue(),
  mailer: { send: async () => ({ messageId: 'x' }) }, emails: createEmailLoader,
  messageSettings: async () => ({ from: 'b <b@example.com>', linksBaseUrl: 'https://l.example.com', tokenSecret: 'x'.repeat(20) }),
}, { coinMetricsUrl: base + '/coinmetrics/v4', mempoolUrl: base + '/mempool/api', assumptions: parseAssumptions(undefined),
  postalAddress: 'bench', recipientsPerMessage: 50 });
const ms = performance.now() - t;
const fsStore = createFsArchiveStore(${JSON.stringify(issueDir)});
for (const key of await archive.list('issues/' + result.issueId + '/')) {
  if (!key.endsWith('email.json') && !key.includes('/charts/')) continue;
  const o = await archive.get(key);
  if (o) await fsStore.putIfAbsent(key, o.body, { contentType: o.contentType ?? 'application/octet-stream' });
}
console.log(JSON.stringify({ ms, issueId: result.issueId }));
`;
}

function senderScript(issueDir: string, issueId: string): string {
  return `
import { createFsArchiveStore } from ${src('src/archive/fs-store.ts')};
import { createMemoryArchiveStore } from ${src('src/archive/memory-store.ts')};
import { deliverBatch } from ${src('src/delivery/deliver.ts')};
import { createEmailLoader } from ${src('src/delivery/email.ts')};
import { createLedger } from ${src('src/delivery/ledger.ts')};
import { unlimited } from ${src('src/delivery/rate-limiter.ts')};
import { createSubscriberStore } from ${src('src/delivery/subscribers.ts')};
import { seedSubscribers } from ${src('test/support/delivery-fixtures.ts')};
import { systemClock } from ${src('src/ports.ts')};
const state = createMemoryArchiveStore();
const subscribers = createSubscriberStore(state);
const people = await seedSubscribers(subscribers, 50);
let bytes = 0;
const t = performance.now();
const outcome = await deliverBatch({ v: 1, issueId: ${JSON.stringify(issueId)}, recipients: people.map((p) => ({ id: p.hash })) }, {
  emails: createEmailLoader(createFsArchiveStore(${JSON.stringify(issueDir)})), subscribers, ledger: createLedger(state),
  mailer: { send: async (m) => { bytes += m.raw.length; return { messageId: 'x' }; } },
  limiter: unlimited, clock: systemClock, sleep: async () => {}, random: Math.random,
}, { from: 'hashbrief <b@example.com>', linksBaseUrl: 'https://l.example.com', tokenSecret: 'x'.repeat(20) });
console.log(JSON.stringify({ ms: performance.now() - t, sent: outcome.sent.length, bytes }));
`;
}

export async function run(): Promise<BenchSection> {
  await mkdir(path.resolve('out/bench'), { recursive: true });
  // Under the project so the external native module still resolves from node_modules.
  const dir = await mkdtemp(path.resolve('out/bench/functions-'));
  try {
    const rows: BenchRow[] = [];
    const handlers = (await readdir(path.resolve('functions'))).filter((f) => f.endsWith('.ts')).sort();
    const emptySource = path.join(dir, 'empty.ts');
    await writeFile(emptySource, 'export const handler = async () => ({});\n');
    const emptyFile = path.join(dir, 'empty.mjs');
    const emptyBytes = await bundle(emptySource, emptyFile);
    const bundles: { name: string; file: string; bytes: number }[] = [];
    for (const h of handlers) {
      const file = path.join(dir, h.replace(/\.ts$/, '.mjs'));
      bundles.push({
        name: h.replace(/\.ts$/, ''),
        file,
        bytes: await bundle(path.resolve('functions', h), file),
      });
    }
    for (const b of bundles) {
      rows.push({
        name: `${b.name} bundle size (minified ESM, AWS SDK inside, resvg external)`,
        value: b.bytes / 1024,
        unit: 'KiB',
        baseline: { name: 'empty handler', value: emptyBytes / 1024 },
      });
    }
    // Interleave handler and baseline imports so machine noise hits both alike.
    for (const b of bundles) {
      const own: { ms: number; peakMb: number }[] = [];
      const base: { ms: number; peakMb: number }[] = [];
      for (let i = 0; i < 5; i++) {
        base.push(importChild(emptyFile));
        own.push(importChild(b.file));
      }
      const ms = median(own.map((r) => r.ms));
      const baseMs = median(base.map((r) => r.ms));
      // The alerts function renders its edition like the report (MJML, resvg): the report's budget.
      const target = b.name === 'report' || b.name === 'alerts' ? 1000 : 300;
      rows.push(
        {
          name: `${b.name} cold-start import (fresh node, median of 5)`,
          value: ms,
          unit: 'ms',
          baseline: { name: 'empty handler', value: baseMs },
          ratio: ms / baseMs,
          ratioLabel: 'of empty',
          target: `< ${target} ms`,
          pass: ms < target,
        },
        {
          name: `${b.name} peak RSS after import (own VmHWM, median of 5)`,
          value: median(own.map((r) => r.peakMb)),
          unit: 'MB',
          baseline: { name: 'empty handler', value: median(base.map((r) => r.peakMb)) },
        },
      );
    }

    const issueDir = path.join(dir, 'issue');
    const reportFile = path.join(dir, 'report-rss.mts');
    const emptyProbe = path.join(dir, 'empty-rss.mts');
    await writeFile(reportFile, reportScript(issueDir));
    // The baseline does what the probes do minus the work: import a handler bundle and invoke it.
    await writeFile(
      emptyProbe,
      `import { handler } from ${JSON.stringify(emptyFile)};\nawait handler({});\nconsole.log(JSON.stringify({}));\n`,
    );
    // The renderer reads templates/ beside its bundle, as in the Lambda asset.
    await cp(path.resolve('templates'), path.join(dir, 'templates'), { recursive: true });
    const empty = await runChild(emptyProbe);
    const report = await runChild(reportFile);
    const issueId = String(report.issueId);
    const senderFile = path.join(dir, 'sender-rss.mts');
    await writeFile(senderFile, senderScript(issueDir, issueId));
    const sender = await runChild(senderFile);
    // A child's peak RSS against the empty handler's, and against the function's memory budget.
    const peakRss = (name: string, peakRssMb: number, budgetMb: number): BenchRow => ({
      name,
      value: peakRssMb,
      unit: 'MB',
      baseline: { name: 'empty handler child', value: empty.peakRssMb },
      ratio: peakRssMb / empty.peakRssMb,
      ratioLabel: 'of empty',
      target: `≤ ${budgetMb} MB`,
      pass: peakRssMb <= budgetMb,
    });
    rows.push(
      peakRss('report job peak RSS (full-history sample, render + archive to memory)', report.peakRssMb, 256),
      peakRss(
        'sender peak RSS (one batch of 50, real issue email with inline charts)',
        sender.peakRssMb,
        128,
      ),
      { name: 'report job wall time in that child', value: Number(report.ms), unit: 'ms' },
      {
        name: 'sender batch of 50 wall time in that child (MIME per recipient, no SES)',
        value: Number(sender.ms),
        unit: 'ms',
      },
    );
    return {
      title: 'Lambda functions: bundles, cold start, memory',
      rows,
      notes: [
        `Bundles: esbuild, platform node, ESM, minified, everything bundled except ${BUNDLE_EXTERNALS.join(', ')} (native).`,
        'Cold start = time to import the bundle in a fresh `node` (module evaluation, no invocation), median of 5, interleaved with the empty-handler baseline.',
        `Peak RSS is the child's own high-water mark (${report.peakRssSource} from /proc/self/status) of a plain \`node\` running an esbuild bundle of the probe (as the functions ship, no TypeScript loader), beside an empty handler bundle imported and invoked the same way. Not maxRSS: after fork + exec it carries the parent's peak. Lambda memory must cover it plus the runtime's own share.`,
      ],
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
