/**
 * Bundles every real handler the way `cdk synth` does (local esbuild, no Docker) and imports each bundle in
 * a plain Node process from a copy outside the repository, so nothing can resolve from the repo's
 * node_modules: what imports here imports in Lambda. Then runs the bundles as Lambda does, on Node 24 (the
 * `nodejs24.x` runtime, not the Node running the tests), each invocation a fresh process with the
 * template's environment, against the local emulators: a weekly report, its delivery, an unsubscribe, a
 * sign-up and its confirmation, a bounce. Slow (about a minute on two cores), hence one synth.
 */
import { spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { cpSync, existsSync, mkdtempSync, readdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultEntries, FUNCTION_NAMES, type FunctionName } from '../../infra/hashbrief-stack';
import { createS3ArchiveStore } from '../../src/archive/s3-store';
import { addDays, utcDay } from '../../src/days';
import { hashNormalizedAddress, normalizeAddress } from '../../src/delivery/address';
import { createSubscriberStore, newSubscriber, type SubscriberStore } from '../../src/delivery/subscribers';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server';
import { liveLikeDataset } from '../support/datasets';
import {
  type AwsEmulators,
  functionUrlEvent,
  headerBlock,
  oneClickUnsubscribeEvent,
  snsEvent,
  startAwsEmulators,
} from '../support/e2e-aws';
import { invokeBundle, node24Missing, startSsmStandIn } from '../support/lambda-runtime';
import { projectRoot, stubEntry, synth } from './synth';

interface BundledFunction {
  readonly assetDir: string;
  readonly environment: Record<string, unknown>;
}

const entries = defaultEntries(projectRoot);
const missing = FUNCTION_NAMES.filter((name) => !existsSync(entries[name]));
const bundles = new Map<FunctionName, BundledFunction>();

/** Deploy-time values (Refs, GetAtts) get a plausible stand-in so config parsing at import sees a value. */
function placeholder(name: string): string {
  if (name.endsWith('_URL')) return 'https://example.com';
  if (name.endsWith('_BUCKET')) return 'hashbrief-test-archive';
  return 'hashbrief-test';
}

beforeAll(() => {
  // A missing handler is bundled as the stub so the others are still checked; its own test fails below.
  const { app, template } = synth({
    bundle: true,
    entries: { ...entries, ...Object.fromEntries(missing.map((n) => [n, stubEntry])) },
  });
  const functions = template.findResources('AWS::Lambda::Function');
  for (const name of FUNCTION_NAMES) {
    const found = Object.entries(functions).find(([id]) => id.toLowerCase().startsWith(name));
    const resource = found?.[1];
    const assetPath = resource?.Metadata?.['aws:asset:path'];
    if (typeof assetPath !== 'string') throw new Error(`no bundled asset for ${name}`);
    bundles.set(name, {
      assetDir: path.resolve(app.outdir, assetPath),
      environment: resource?.Properties.Environment?.Variables ?? {},
    });
  }
}, 600_000);

describe('function bundles', () => {
  it.each(FUNCTION_NAMES)('has a handler entry at functions/%s.ts', (name) => {
    expect(missing, `functions/${name}.ts has not been written yet`).not.toContain(name);
  });

  it.each(FUNCTION_NAMES)('%s bundles to an ESM index.mjs with a source map', (name) => {
    const files = readdirSync(bundles.get(name)?.assetDir ?? '');
    expect(files).toEqual(expect.arrayContaining(['index.mjs', 'index.mjs.map']));
  });

  it('ships resvg with its linux-x64-gnu native addon and the DejaVu fonts next to the report', () => {
    const dir = bundles.get('report')?.assetDir ?? '';
    const native = readdirSync(path.join(dir, 'node_modules/@resvg/resvg-js-linux-x64-gnu'));
    expect(native.some((f) => f.endsWith('.node'))).toBe(true);
    expect(existsSync(path.join(dir, 'node_modules/@resvg/resvg-js/index.js'))).toBe(true);
    expect(existsSync(path.join(dir, 'node_modules/dejavu-fonts-ttf/ttf/DejaVuSans.ttf'))).toBe(true);
  });

  it.each(FUNCTION_NAMES)('%s imports without error in a plain Node process outside the repo', (name) => {
    const bundle = bundles.get(name);
    if (!bundle) throw new Error(`no bundle for ${name}`);
    const copy = mkdtempSync(path.join(os.tmpdir(), `hashbrief-${name}-`));
    cpSync(bundle.assetDir, copy, { recursive: true });
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      AWS_REGION: 'us-east-1',
      AWS_LAMBDA_FUNCTION_NAME: `hashbrief-${name}`,
    };
    for (const [key, value] of Object.entries(bundle.environment)) {
      env[key] = typeof value === 'string' ? value : placeholder(key);
    }

    const run = spawnSync(
      process.execPath,
      [
        // The bundled AWS SDK warns (process warning) that the local Node is older than Lambda's Node 24.
        '--no-warnings',
        '--input-type=module',
        '-e',
        "const m = await import(process.argv[1]); if (typeof m.handler !== 'function') { console.error('no handler export'); process.exit(2); }",
        pathToFileURL(path.join(copy, 'index.mjs')).href,
      ],
      { cwd: copy, env, encoding: 'utf8', timeout: 60_000 },
    );

    expect(run.stderr, `stderr of importing the ${name} bundle`).toBe('');
    expect(run.status).toBe(0);
  });
});

/**
 * A stand-in for the X-Ray daemon on 127.0.0.1 (UDP, port 0): collects the segment documents the X-Ray
 * SDK sends, each datagram a JSON header line and a JSON document.
 */
async function startXrayDaemonStandIn() {
  const documents: Record<string, unknown>[] = [];
  const socket = createSocket('udp4');
  socket.on('message', (datagram) => {
    const [, body] = datagram.toString('utf8').split('\n');
    if (body) documents.push(JSON.parse(body) as Record<string, unknown>);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${(socket.address() as AddressInfo).port}`,
    documents,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

const node24Problem = node24Missing();
// A developer's machine may lack the binary (say why); CI must have it (.ci/run installs it).
const runOnNode24 = node24Problem === undefined || Boolean(process.env.CI);
if (!runOnNode24) console.warn(`Node 24 runtime tests skipped: ${node24Problem}`);

describe.runIf(runOnNode24)(
  'function bundles on Node 24, the Lambda runtime, against the local emulators',
  () => {
    const SECRET_PARAM_VALUE = 'runtime-test-secret-0123456789abcdef';
    const LINKS = 'https://links.example.com';
    let aws: AwsEmulators;
    let upstream: RunningEmulator;
    let ssm: Awaited<ReturnType<typeof startSsmStandIn>>;
    let signupQueueUrl: string;
    let subscribers: SubscriberStore;
    const reader = normalizeAddress('reader@example.com');
    const bouncer = normalizeAddress('bouncer@example.com');
    const newcomer = normalizeAddress('newcomer@example.com');

    /** What a deploy would put where the template has a Ref or GetAtt. */
    function deployed(name: string): string {
      if (name === 'HASHBRIEF_ARCHIVE_BUCKET') return aws.bucket;
      if (name === 'HASHBRIEF_SEND_QUEUE_URL') return aws.queueUrl;
      if (name === 'HASHBRIEF_SIGNUP_QUEUE_URL') return signupQueueUrl;
      if (name.endsWith('_URL')) return LINKS;
      return 'hashbrief-test';
    }

    /** The function's environment from the template (NODE_OPTIONS included), pointed at the emulators. */
    function lambdaEnv(name: FunctionName, extra: Record<string, string> = {}): Record<string, string> {
      const env: Record<string, string> = {
        PATH: process.env.PATH ?? '',
        AWS_LAMBDA_FUNCTION_NAME: `hashbrief-${name}`,
        ...aws.env,
        AWS_ENDPOINT_URL_SSM: ssm.endpoint,
      };
      for (const [key, value] of Object.entries(bundles.get(name)?.environment ?? {})) {
        env[key] = typeof value === 'string' ? value : deployed(key);
      }
      return { ...env, ...extra };
    }

    async function invoke(name: FunctionName, event: unknown, extra: Record<string, string> = {}) {
      const bundle = bundles.get(name);
      if (!bundle) throw new Error(`no bundle for ${name}`);
      const invocation = await invokeBundle({
        assetDir: bundle.assetDir,
        env: lambdaEnv(name, extra),
        event,
      });
      expect(invocation.node, `${name} ran on`).toMatch(/^v24\./);
      return invocation;
    }

    const statusOf = async (address: string) =>
      (await subscribers.get(hashNormalizedAddress(address)))?.subscriber.status;

    beforeAll(async () => {
      if (node24Problem) throw new Error(`CI must run the Node 24 runtime tests: ${node24Problem}`);
      [aws, upstream, ssm] = await Promise.all([
        startAwsEmulators({ bucket: 'hashbrief-runtime' }),
        startEmulator({ dataset: liveLikeDataset({ endDate: addDays(utcDay(new Date()), -1) }) }),
        startSsmStandIn({ '/hashbrief/token-secret': SECRET_PARAM_VALUE }),
      ]);
      signupQueueUrl = await aws.createQueue('hashbrief-signup');
      subscribers = createSubscriberStore(createS3ArchiveStore({ client: aws.s3, bucket: aws.bucket }));
      for (const address of [reader, bouncer]) {
        await subscribers.put(newSubscriber(address, 'active', 'operator', new Date()), null);
      }
    }, 120_000);

    afterAll(async () => {
      await Promise.all([aws?.stop(), upstream?.close(), ssm?.close()]);
    });

    it("report: the weekly run builds, archives and queues this week's issue", async () => {
      const { result } = await invoke(
        'report',
        {},
        {
          HASHBRIEF_COINMETRICS_URL: upstream.coinMetricsUrl,
          HASHBRIEF_MEMPOOL_URL: upstream.mempoolUrl,
        },
      );

      expect(result).toMatchObject({ status: 'created', delivery: { recipients: 2 } });
      const issueId = (result as { issueId: string }).issueId;
      const snapshot = await createS3ArchiveStore({ client: aws.s3, bucket: aws.bucket }).get(
        `issues/${issueId}/snapshot.json`,
      );
      expect(snapshot?.body.length).toBeGreaterThan(1_000);
    });

    it('sender: delivers the queued batch through SES with the token secret read from SSM', async () => {
      const event = await aws.receiveEvent();
      expect(event.Records.length).toBeGreaterThan(0);

      const { result } = await invoke('sender', event, { HASHBRIEF_MAX_SEND_RATE: '50' });

      expect(result).toEqual({ batchItemFailures: [] });
      await aws.deleteRecords(event.Records);
      const to = aws.captured().flatMap((mail) => mail.destinations);
      expect(to.sort()).toEqual([bouncer, reader]);
      expect(ssm.requests).toContain('AmazonSSM.GetParameter /hashbrief/token-secret');
    });

    it('unsubscribe: the one-click link in the delivered mail unsubscribes its reader', async () => {
      const mail = aws.captured().find((m) => m.destinations.includes(reader));
      const link = new URL(/^List-Unsubscribe: <([^>]+)>/m.exec(headerBlock(mail?.raw ?? ''))?.[1] ?? 'x:');

      const { result } = await invoke('unsubscribe', oneClickUnsubscribeEvent(link));

      expect(result).toMatchObject({ statusCode: 200 });
      expect(await statusOf(reader)).toBe('unsubscribed');
    });

    it('subscribe and signup: a sign-up is queued, then confirmed by mail', async () => {
      const before = aws.captured().length;

      const posted = await invoke(
        'subscribe',
        functionUrlEvent({
          method: 'POST',
          path: '/subscribe',
          body: new URLSearchParams({ email: newcomer }).toString(),
          contentType: 'application/x-www-form-urlencoded',
        }),
      );
      const event = await aws.receiveEvent(signupQueueUrl);
      const worked = await invoke('signup', event);

      expect(posted.result).toMatchObject({ statusCode: 202 });
      expect(worked.result).toEqual({ batchItemFailures: [] });
      const confirmations = aws.captured().slice(before);
      expect(confirmations.map((m) => m.destinations)).toEqual([[newcomer]]);
      expect(await statusOf(newcomer)).toBe('pending');
    });

    it('feedback: a permanent bounce from SES suppresses the address', async () => {
      const { result } = await invoke(
        'feedback',
        snsEvent({
          notificationType: 'Bounce',
          bounce: {
            bounceType: 'Permanent',
            bounceSubType: 'General',
            bouncedRecipients: [{ emailAddress: bouncer }],
          },
        }),
      );

      expect(result).toBeNull();
      expect(await statusOf(bouncer)).toBe('bounced');
    });

    it("traced as in Lambda: the SDK's calls are X-Ray subsegments of the invocation's trace, and every log line carries the request id", async () => {
      // Arrange: what the Lambda runtime sets for an invocation with active tracing.
      const daemon = await startXrayDaemonStandIn();
      const root = '1-6744c0de-0123456789abcdef01234567';
      const parent = '53995c3f42cd8ad8';
      try {
        // Act: a soft bounce for an address not on the list (read the ledger and the list, record it).
        const { result, stdout } = await invoke(
          'feedback',
          snsEvent({
            notificationType: 'Bounce',
            bounce: {
              bounceType: 'Transient',
              bounceSubType: 'General',
              bouncedRecipients: [{ emailAddress: 'stranger@example.com' }],
            },
          }),
          {
            AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
            LAMBDA_TASK_ROOT: bundles.get('feedback')?.assetDir ?? '',
            _X_AMZN_TRACE_ID: `Root=${root};Parent=${parent};Sampled=1`,
            AWS_XRAY_DAEMON_ADDRESS: daemon.address,
            POWERTOOLS_LOG_LEVEL: 'INFO',
          },
        );
        await new Promise((resolve) => setTimeout(resolve, 200));

        // Assert
        expect(result).toBeNull();
        const s3Calls = daemon.documents.filter((d) => d.name === 'S3' && d.namespace === 'aws');
        expect(s3Calls.length).toBeGreaterThan(0);
        for (const call of s3Calls) {
          expect(call).toMatchObject({ trace_id: root, parent_id: parent, type: 'subsegment' });
        }
        expect(s3Calls.map((c) => (c.aws as { operation?: string }).operation)).toContain('GetObject');
        const lines = stdout
          .split('\n')
          .filter((line) => line.startsWith('{'))
          .map((line) => JSON.parse(line) as Record<string, unknown>);
        expect(lines.length).toBeGreaterThan(0);
        for (const line of lines) expect(line).toMatchObject({ function_request_id: 'runtime-test' });
      } finally {
        await daemon.close();
      }
    });
  },
);
