/**
 * Delivery benchmark: one issue to 10,000 subscribers through the SQS emulator (fauxqs, in-process) and
 * the SES emulator (aws-ses-v2-local, child process), paced by the token bucket at a configured rate;
 * plus the sender's cold-start import cost and bundle size. Run: `npm run bench -- delivery`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createMemoryArchiveStore } from '../src/archive/memory-store';
import { deliverBatch, type SenderDeps } from '../src/delivery/deliver';
import { createEmailLoader } from '../src/delivery/email';
import { createLedger } from '../src/delivery/ledger';
import type { Mailer } from '../src/delivery/mailer';
import { planDelivery } from '../src/delivery/plan';
import { createSqsSendQueue } from '../src/delivery/queue';
import { createTokenBucket, perSenderRate } from '../src/delivery/rate-limiter';
import { createSesMailer } from '../src/delivery/ses-mailer';
import { processSendEvent } from '../src/delivery/sqs-batch';
import { createSubscriberStore } from '../src/delivery/subscribers';
import { realSleep, systemClock } from '../src/ports';
import { startSes, startSqs } from '../test/support/delivery-emulators';
import { archiveIssue, seedSubscribers, storedEmail, TEST_SETTINGS } from '../test/support/delivery-fixtures';
import { type BenchRow, type BenchSection, bundleForNode } from './harness';

const SUBSCRIBERS = Number(process.env.HB_BENCH_SUBSCRIBERS ?? 10_000);
const RATE = Number(process.env.HB_BENCH_RATE ?? 120);
/** Simulated sender Lambdas (reserved concurrency): each gets RATE / SENDERS. */
const SENDERS = 4;

async function deliveryRun(): Promise<{ rows: BenchRow[]; notes: string[] }> {
  const [sqs, ses] = await Promise.all([startSqs('hashbrief-bench'), startSes()]);
  try {
    const issueId = '2026-11-23';
    const archive = createMemoryArchiveStore();
    const state = createMemoryArchiveStore();
    await archiveIssue(archive, storedEmail(issueId));
    const subscribers = createSubscriberStore(state);
    const people = await seedSubscribers(subscribers, SUBSCRIBERS);
    const sesMailer = createSesMailer({ client: ses.client });
    const delivered = new Map<string, number>();
    let lastSendAt = 0;
    const mailer: Mailer = {
      async send(mail) {
        const result = await sesMailer.send(mail);
        delivered.set(mail.recipientHash, (delivered.get(mail.recipientHash) ?? 0) + 1);
        lastSendAt = performance.now();
        return result;
      },
    };
    await planDelivery({
      issueId,
      subscribers,
      queue: createSqsSendQueue({ client: sqs.client, queueUrl: sqs.queueUrl }),
      recipientsPerMessage: 50,
    });
    const emails = createEmailLoader(archive);
    const ledger = createLedger(state);
    const sender = (): SenderDeps => ({
      emails,
      subscribers,
      ledger,
      mailer,
      limiter: createTokenBucket({
        ratePerSecond: perSenderRate(RATE, SENDERS),
        clock: systemClock,
        sleep: realSleep,
      }),
      clock: systemClock,
      sleep: realSleep,
      random: Math.random,
    });
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    let firstSendAt = 0;
    const worker = async (deps: SenderDeps) => {
      // Stop after 2 s without messages: longer than the queue's 1 s visibility timeout, so a batch that
      // failed and comes back is still delivered rather than counted as lost.
      for (let idle = 0; idle < 10; ) {
        // Small event batches (Lambda batchSize 2) keep all senders busy until the end of the run.
        const event = await sqs.receive(2);
        if (event.Records.length === 0) {
          idle++;
          await new Promise((r) => setTimeout(r, 200));
          continue;
        }
        idle = 0;
        const response = await processSendEvent(event, (m) => {
          firstSendAt ||= performance.now();
          return deliverBatch(m, deps, { ...TEST_SETTINGS, concurrency: 8 });
        });
        const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
        await sqs.delete(event.Records.filter((r) => !failed.has(r.messageId)).map((r) => r.receiptHandle));
      }
    };
    await Promise.all(Array.from({ length: SENDERS }, () => worker(sender())));
    const cpu = process.cpuUsage(cpuBefore);
    const count = [...delivered.values()].reduce((s, n) => s + n, 0);
    // From the first send to the last one: the idle polls that end the run are not sending time.
    const sendingSeconds = Math.max(0.001, ((lastSendAt || started) - (firstSendAt || started)) / 1000);
    const achieved = count / sendingSeconds;
    const duplicates = [...delivered.values()].filter((n) => n > 1).length;
    const lost = people.filter((p) => !delivered.has(p.hash)).length;
    const storeCount = (await ses.emails()).length;
    return {
      rows: [
        {
          name: `achieved send rate (${SUBSCRIBERS} recipients, ${SENDERS} senders)`,
          value: achieved,
          unit: 'msg/s',
          baseline: { name: 'configured', value: RATE },
          ratio: achieved / RATE,
          ratioLabel: 'of configured',
          target: '≥ 0.95×',
          pass: achieved / RATE >= 0.95,
        },
        { name: 'duplicates', value: duplicates, unit: 'recipients', target: '0', pass: duplicates === 0 },
        { name: 'lost', value: lost, unit: 'recipients', target: '0', pass: lost === 0 },
        {
          name: 'messages in the SES emulator store',
          value: storeCount,
          unit: 'messages',
          target: String(SUBSCRIBERS),
          pass: storeCount === SUBSCRIBERS,
        },
        {
          name: 'sender CPU per recipient (this process: store, MIME, SDK; SQS emulator in-process)',
          value: (cpu.user + cpu.system) / 1000 / Math.max(1, count),
          unit: 'ms',
        },
      ],
      notes: [
        `SQS: fauxqs in-process; SES: aws-ses-v2-local child process; stores: in-memory ArchiveStore. Rate ${RATE}/s split over ${SENDERS} token buckets (reserved concurrency ${SENDERS}).`,
        'Rate is measured from the first send to the last one (the idle polls that end the run are excluded).',
      ],
    };
  } finally {
    await Promise.all([sqs.stop(), ses.stop()]);
  }
}

function timeImport(file: string, env: Record<string, string>): number {
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    const out = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const t=performance.now();await import(${JSON.stringify(file)});process.stdout.write(String(performance.now()-t));`,
      ],
      { env: { ...process.env, ...env }, encoding: 'utf8' },
    );
    samples.push(Number(out));
  }
  samples.sort((a, b) => a - b);
  return samples[2] ?? Number.NaN;
}

async function coldStart(): Promise<BenchRow[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'hb-bench-'));
  try {
    const empty = path.join(dir, 'empty.ts');
    await writeFile(empty, 'export const handler = async () => ({ batchItemFailures: [] });\n');
    const bundle = async (entry: string, name: string) => {
      const outfile = path.join(dir, `${name}.mjs`);
      return { outfile, ...(await bundleForNode(entry, outfile)) };
    };
    const sender = await bundle(path.resolve('functions/sender.ts'), 'sender');
    const baseline = await bundle(empty, 'empty');
    const report = await bundle(path.resolve('functions/report.ts'), 'report');
    // What must never reach the sender: MJML, the chart stack, or render code beyond personalization
    // (the placeholders, and "Your numbers" worked out per recipient with plain arithmetic).
    const heavy = sender.inputs.filter(
      (input) =>
        /node_modules\/(mjml|@resvg|d3-|dejavu-fonts-ttf)/.test(input) ||
        (/src\/render\//.test(input) &&
          !/src\/render\/(personalize|personal-numbers|placeholders|wrap|escape|types)\.ts$/.test(input)),
    );
    const env = {
      HASHBRIEF_ARCHIVE_BUCKET: 'bench-bucket',
      HASHBRIEF_LINKS_BASE_URL: 'https://links.example.com',
      HASHBRIEF_TOKEN_SECRET: 'bench-secret-0123456789',
      AWS_REGION: 'us-east-1',
    };
    const senderMs = timeImport(sender.outfile, env);
    const emptyMs = timeImport(baseline.outfile, env);
    return [
      {
        name: 'sender cold-start import (esbuild bundle, minified, median of 5)',
        value: senderMs,
        unit: 'ms',
        baseline: { name: 'empty handler', value: emptyMs },
        ratio: senderMs / emptyMs,
        ratioLabel: 'of empty',
        target: '< 300 ms',
        pass: senderMs < 300,
      },
      {
        name: 'modules from MJML, charts or rendering in the sender bundle',
        value: heavy.length,
        unit: 'modules',
        target: '0 (personalization only: placeholders, personal numbers, escape, types)',
        pass: heavy.length === 0,
      },
      {
        name: 'sender bundle size (minified, AWS SDK included)',
        value: sender.bytes / 1024,
        unit: 'KiB',
        baseline: { name: 'report bundle (MJML + charts)', value: report.bytes / 1024 },
        ratio: sender.bytes / report.bytes,
        ratioLabel: 'of report',
        target: '< 0.25× of the report bundle',
        pass: sender.bytes < 0.25 * report.bytes,
      },
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs the delivery benchmark. */
export async function run(): Promise<BenchSection> {
  const cold = await coldStart();
  const delivery = await deliveryRun();
  return { title: 'Delivery (SQS fan-out → SES)', rows: [...delivery.rows, ...cold], notes: delivery.notes };
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  const section = await run();
  process.stdout.write(`${JSON.stringify(section, null, 2)}\n`);
}
