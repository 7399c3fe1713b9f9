/**
 * Emulated AWS for end-to-end tests, everything on 127.0.0.1 with ephemeral ports:
 * - fauxqs (in-process) serves S3 and SQS. It ignores S3 conditional writes, so S3 traffic goes through a
 *   small proxy that enforces `If-None-Match: *` and `If-Match` (per key, serialized) and answers 412
 *   PreconditionFailed like S3 does: the archive's write-once rule and the send ledger then behave as in AWS.
 * - aws-ses-v2-local (child process) is SES. Its store drops custom headers, so SES traffic goes through a
 *   recording proxy that keeps every SendRawEmail's raw MIME (List-Unsubscribe and friends).
 * `env` holds what a Lambda would get: the SDK's AWS_ENDPOINT_URL_* variables pointing at the proxies.
 */
import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { buildApp, interceptLocalhostDns } from 'fauxqs';
import { z } from 'zod';
import { startSesChild } from './delivery-emulators';
import { sqsRecord } from './sqs-event';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const REGION = 'us-east-1';

/** One raw message SES was asked to send, as captured on the wire. */
export interface CapturedMail {
  destinations: string[];
  raw: string;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function forward(
  target: URL,
  method: string,
  url: string,
  headers: IncomingMessage['headers'],
  body: Buffer,
): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const out = request(
      {
        host: target.hostname,
        port: target.port,
        method,
        path: url,
        headers: { ...headers, host: target.host, 'content-length': String(body.length) },
      },
      (res) => {
        readBody(res).then(
          (b) => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: b }),
          reject,
        );
      },
    );
    out.on('error', reject);
    out.end(body);
  });
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const unquote = (etag: string | undefined) => (etag ?? '').replace(/^W\//, '').replace(/"/g, '');

/**
 * A proxy to `target` that turns conditional PUTs into real conditions. `hook` may answer a request itself
 * (fault injection); it sees method, path and body before anything is forwarded.
 */
function conditionalS3Proxy(
  target: URL,
  hook: (req: { method: string; path: string }) => number | undefined,
): Server {
  const locks = new Map<string, Promise<unknown>>();
  const withLock = async <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    const previous = locks.get(key) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    locks.set(
      key,
      run.catch(() => undefined),
    );
    return run;
  };
  return createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const method = req.method ?? 'GET';
      const url = req.url ?? '/';
      const pathOnly = url.split('?')[0] ?? url;
      const injected = hook({ method, path: decodeURIComponent(pathOnly) });
      if (injected !== undefined) {
        res.writeHead(injected, { 'content-type': 'application/xml' });
        res.end(`<Error><Code>InternalError</Code><Message>injected fault</Message></Error>`);
        return;
      }
      const ifNoneMatch = req.headers['if-none-match'];
      const ifMatch = req.headers['if-match'];
      const send = (r: Awaited<ReturnType<typeof forward>>) => {
        const headers = { ...r.headers };
        delete headers['transfer-encoding'];
        res.writeHead(r.status, { ...headers, 'content-length': String(r.body.length) });
        res.end(r.body);
      };
      if (method !== 'PUT' || (ifNoneMatch === undefined && ifMatch === undefined)) {
        send(await forward(target, method, url, req.headers, body));
        return;
      }
      await withLock(pathOnly, async () => {
        const head = await forward(target, 'HEAD', pathOnly, { ...req.headers }, Buffer.alloc(0));
        const exists = head.status === 200;
        const precondition =
          (ifNoneMatch === '*' && exists) ||
          (ifMatch !== undefined && (!exists || unquote(head.headers.etag) !== unquote(ifMatch)));
        if (precondition) {
          const status = ifMatch !== undefined && !exists ? 404 : 412;
          const code = status === 404 ? 'NoSuchKey' : 'PreconditionFailed';
          res.writeHead(status, { 'content-type': 'application/xml' });
          res.end(
            `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>At least one of the pre-conditions you specified did not hold</Message></Error>`,
          );
          return;
        }
        const headers = { ...req.headers };
        delete headers['if-none-match'];
        delete headers['if-match'];
        send(await forward(target, method, url, headers, body));
      });
    })().catch((error: unknown) => {
      res.writeHead(502);
      res.end(String(error));
    });
  });
}

/** A proxy to SES that records the raw MIME of every SendRawEmail before forwarding it. */
function recordingSesProxy(target: URL, captured: CapturedMail[]): Server {
  return createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const form = new URLSearchParams(body.toString('utf8'));
      if (form.get('Action') === 'SendRawEmail') {
        const data = form.get('RawMessage.Data') ?? '';
        const destinations = [...form.entries()]
          .filter(([k]) => k.startsWith('Destinations.member.'))
          .map(([, v]) => v);
        captured.push({ destinations, raw: Buffer.from(data, 'base64').toString('utf8') });
      }
      const r = await forward(target, req.method ?? 'POST', req.url ?? '/', req.headers, body);
      const headers = { ...r.headers };
      delete headers['transfer-encoding'];
      res.writeHead(r.status, { ...headers, 'content-length': String(r.body.length) });
      res.end(r.body);
    })().catch((error: unknown) => {
      res.writeHead(502);
      res.end(String(error));
    });
  });
}

const sesStoreSchema = z.object({
  emails: z.array(
    z.object({
      destination: z.object({ to: z.array(z.string()) }),
      subject: z.string(),
      body: z.object({ text: z.string().optional(), html: z.string().optional() }),
    }),
  ),
});

/** Starts S3 + SQS (fauxqs behind a conditional-write proxy) and SES (aws-ses-v2-local behind a recorder). */
export async function startAwsEmulators(options: { bucket?: string; queueName?: string } = {}) {
  const bucket = options.bucket ?? 'hashbrief-e2e';
  // fauxqs queue URLs live on sqs.<region>.localhost, and the SDK sends to the queue URL's host:
  // resolve *.localhost to 127.0.0.1 in this process (nothing else is affected).
  const restoreDns = interceptLocalhostDns();
  const app = buildApp({ logger: false });
  const fauxqs = new URL(await app.listen({ port: 0, host: '127.0.0.1' }));
  let s3Fault: (req: { method: string; path: string }) => number | undefined = () => undefined;
  const s3Proxy = conditionalS3Proxy(fauxqs, (req) => s3Fault(req));
  const s3Endpoint = await listen(s3Proxy);
  const ses = await startSesChild();
  const captured: CapturedMail[] = [];
  const sesProxy = recordingSesProxy(new URL(ses.endpoint), captured);
  const sesEndpoint = await listen(sesProxy);

  const s3 = new S3Client({
    endpoint: s3Endpoint,
    region: REGION,
    forcePathStyle: true,
    credentials,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const sqs = new SQSClient({ endpoint: fauxqs.origin, region: REGION, credentials });
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: options.queueName ?? 'hashbrief-send',
      Attributes: { VisibilityTimeout: '1' },
    }),
  );
  const queueUrl = queue.QueueUrl ?? '';

  const env: Record<string, string> = {
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_ENDPOINT_URL_S3: s3Endpoint,
    AWS_ENDPOINT_URL_SQS: fauxqs.origin,
    AWS_ENDPOINT_URL_SES: sesEndpoint,
    AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
    HASHBRIEF_ARCHIVE_BUCKET: bucket,
    HASHBRIEF_SEND_QUEUE_URL: queueUrl,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  };

  return {
    bucket,
    queueUrl,
    env,
    s3,
    sqs,
    /** Makes the S3 proxy answer matching requests with a status of its choosing (undefined = pass). */
    setS3Fault(fault: (req: { method: string; path: string }) => number | undefined) {
      s3Fault = fault;
    },
    /** Creates one more queue (1 s visibility timeout, like the send queue) and returns its URL. */
    async createQueue(name: string): Promise<string> {
      const created = await sqs.send(
        new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: '1' } }),
      );
      return created.QueueUrl ?? '';
    },
    /**
     * Receives up to 10 messages of the send queue (or `fromQueueUrl`) as a Lambda SQS event (no Records
     * when the queue is empty).
     */
    async receiveEvent(fromQueueUrl = queueUrl): Promise<SQSEvent> {
      const out = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: fromQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      const Records: SQSRecord[] = (out.Messages ?? []).map((m) => sqsRecord(m, REGION));
      return { Records };
    },
    /** Deletes records (what Lambda does with the ones not listed in batchItemFailures). */
    async deleteRecords(records: SQSRecord[], fromQueueUrl = queueUrl) {
      for (let i = 0; i < records.length; i += 10) {
        const chunk = records.slice(i, i + 10);
        if (chunk.length === 0) continue;
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: fromQueueUrl,
            Entries: chunk.map((r, j) => ({ Id: String(j), ReceiptHandle: r.receiptHandle })),
          }),
        );
      }
    },
    /** Messages visible + in flight. */
    async queueDepth(): Promise<number> {
      const out = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: queueUrl,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      return (
        Number(out.Attributes?.ApproximateNumberOfMessages ?? 0) +
        Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
      );
    },
    /** The SES emulator's store (what a mailbox would have received). */
    async sesStore() {
      const response = await fetch(`${ses.endpoint}/store`);
      return sesStoreSchema.parse(await response.json()).emails;
    },
    /** Raw MIME of every SendRawEmail, in order. */
    captured: () => [...captured],
    async stop() {
      s3.destroy();
      sqs.destroy();
      await Promise.all([
        new Promise((r) => s3Proxy.close(r)),
        new Promise((r) => sesProxy.close(r)),
        app.close(),
      ]);
      s3Proxy.closeAllConnections();
      sesProxy.closeAllConnections();
      restoreDns();
      ses.child.kill();
      await new Promise((resolve) => {
        if (ses.child.exitCode !== null) resolve(undefined);
        else ses.child.once('exit', resolve);
      });
    },
  };
}

export type AwsEmulators = Awaited<ReturnType<typeof startAwsEmulators>>;

/** Runs `fn` with `vars` set in process.env, restoring the previous values afterwards. */
export function setEnv(vars: Record<string, string | undefined>): () => void {
  const previous = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  return () => {
    for (const [k, v] of Object.entries(previous)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

/** A Lambda Function URL (payload v2) event. */
export function functionUrlEvent(input: {
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string>;
  body?: string;
  contentType?: string;
}) {
  return {
    version: '2.0',
    rawPath: input.path,
    rawQueryString: new URLSearchParams(input.query ?? {}).toString(),
    headers: input.contentType ? { 'content-type': input.contentType } : {},
    ...(input.query ? { queryStringParameters: input.query } : {}),
    ...(input.body !== undefined ? { body: input.body } : {}),
    isBase64Encoded: false,
    requestContext: { http: { method: input.method, path: input.path } },
  };
}

/** The RFC 8058 one-click unsubscribe a mail client POSTs to a message's List-Unsubscribe link. */
export function oneClickUnsubscribeEvent(link: URL) {
  return functionUrlEvent({
    method: 'POST',
    path: link.pathname,
    query: Object.fromEntries(link.searchParams),
    body: 'List-Unsubscribe=One-Click',
    contentType: 'application/x-www-form-urlencoded',
  });
}

/** An SNS event carrying one SES notification. */
export function snsEvent(notification: unknown) {
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        Sns: {
          MessageId: `sns-${Math.random().toString(36).slice(2)}`,
          Message: JSON.stringify(notification),
        },
      },
    ],
  };
}

/** Unfolds header continuation lines of a raw message and returns the header block. */
export function headerBlock(raw: string): string {
  const end = raw.indexOf('\r\n\r\n');
  return (end < 0 ? raw : raw.slice(0, end)).replace(/\r\n[ \t]+/g, ' ');
}
