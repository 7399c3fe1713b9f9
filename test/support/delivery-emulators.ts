/**
 * Local emulators for delivery tests and the benchmark, all on 127.0.0.1 with an ephemeral port:
 * fauxqs (SQS) in-process, aws-ses-v2-local (SES) as a child process read back through GET /store.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { SESClient } from '@aws-sdk/client-ses';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { buildApp } from 'fauxqs';
import { z } from 'zod';
import { sqsRecord } from './sqs-event';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

/** fauxqs listening on 127.0.0.1; `queueUrl` is a fresh queue. */
export async function startSqs(queueName = 'hashbrief-send') {
  const app = buildApp({ logger: false });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const client = new SQSClient({ endpoint: address, region: 'us-east-1', credentials });
  const created = await client.send(
    new CreateQueueCommand({ QueueName: queueName, Attributes: { VisibilityTimeout: '1' } }),
  );
  const queueUrl = created.QueueUrl ?? '';
  return {
    client,
    queueUrl,
    /** Receives up to `max` (10) messages as a Lambda SQS event (empty Records when the queue is drained). */
    async receive(max = 10): Promise<SQSEvent & { receipts: Map<string, string> }> {
      const out = await client.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: max, WaitTimeSeconds: 0 }),
      );
      const receipts = new Map<string, string>();
      const Records = (out.Messages ?? []).map((m) => {
        receipts.set(m.MessageId ?? '', m.ReceiptHandle ?? '');
        return sqsRecord(m);
      });
      return { Records, receipts };
    },
    /** Deletes the given messages (what Lambda does for records not in batchItemFailures). */
    async delete(receiptHandles: string[]) {
      for (let i = 0; i < receiptHandles.length; i += 10) {
        const chunk = receiptHandles.slice(i, i + 10);
        await client.send(
          new DeleteMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: chunk.map((h, j) => ({ Id: String(j), ReceiptHandle: h })),
          }),
        );
      }
    },
    async stop() {
      client.destroy();
      await app.close();
    },
  };
}

const storeSchema = z.object({
  emails: z.array(
    z.object({
      messageId: z.string(),
      destination: z.object({ to: z.array(z.string()) }),
      subject: z.string(),
      body: z.object({ text: z.string().optional(), html: z.string().optional() }),
    }),
  ),
});

/** aws-ses-v2-local as a child process on 127.0.0.1 and an SES client pointed at it. */
/** Starts aws-ses-v2-local as a child process on 127.0.0.1 (free port) and waits until it listens. */
export async function startSesChild(): Promise<{ child: ChildProcess; endpoint: string }> {
  const cli = path.resolve('node_modules/aws-ses-v2-local/dist/cli.js');
  const child: ChildProcess = spawn(process.execPath, [cli, '--host', '127.0.0.1', '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`aws-ses-v2-local did not start: ${seen}`)), 20_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /running at http:\/\/[^:]+:(\d+)/.exec(seen);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once('exit', (code) => reject(new Error(`aws-ses-v2-local exited (${code}): ${seen}`)));
  });
  return { child, endpoint: `http://127.0.0.1:${port}` };
}

export async function startSes() {
  const { child, endpoint } = await startSesChild();
  const client = new SESClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  return {
    client,
    endpoint,
    async emails() {
      const response = await fetch(`${endpoint}/store`);
      return storeSchema.parse(await response.json()).emails;
    },
    async stop() {
      client.destroy();
      child.kill();
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}
