/**
 * Every Lambda handler stamps its invocation's context on its log lines (issue 16, item 4): each handler
 * is invoked with a fake Lambda context, and every JSON line it writes during that invocation must carry
 * the context's request id (Powertools' `function_request_id`), the core's lines included. The report and
 * alert jobs are replaced by stand-ins (what they log is the handler's own lines); SQS refuses the
 * sign-up so the subscribe endpoint logs; nothing else leaves the process.
 */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { sqsRecord } from '../../support/sqs-event';

const batch = vi.hoisted(() => ({ options: [] as unknown[] }));
vi.mock('@aws-lambda-powertools/batch', async (importOriginal) => {
  const original = await importOriginal<typeof import('@aws-lambda-powertools/batch')>();
  return {
    ...original,
    processPartialResponse: (...args: Parameters<typeof original.processPartialResponse>) => {
      batch.options.push(args[3]);
      return original.processPartialResponse(...args);
    },
  };
});
vi.mock('../../../src/pipeline/report-job', () => ({
  runReportJob: async () => ({
    issueId: '2025-11-22',
    status: 'dry-run',
    resumed: false,
    delivery: { alreadyPlanned: false, queued: 0 },
    warnings: [],
  }),
}));
vi.mock('../../../src/alerts/alert-job', () => ({
  runAlertJob: async () => ({ asOf: '2025-11-22', status: 'no-alerts', editions: [], suppressed: [] }),
}));

const ENV = {
  HASHBRIEF_ARCHIVE_BUCKET: 'hashbrief-request-id',
  HASHBRIEF_SEND_QUEUE_URL: 'http://127.0.0.1:1/000000000000/send',
  HASHBRIEF_SIGNUP_QUEUE_URL: 'http://127.0.0.1:1/000000000000/signup',
  HASHBRIEF_LINKS_BASE_URL: 'https://links.example.org',
  HASHBRIEF_TOKEN_SECRET: 'request-id-secret-0123456789',
  HASHBRIEF_MAX_SEND_RATE: '10',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  POWERTOOLS_LOG_LEVEL: 'INFO',
};

const sqs = mockClient(SQSClient);
const logged: string[] = [];

/** A Lambda context as the runtime passes it, with its own request id. */
function lambdaContext(awsRequestId: string): Context {
  return {
    awsRequestId,
    functionName: 'hashbrief-test',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:hashbrief-test',
    memoryLimitInMB: '256',
    logGroupName: '/aws/lambda/hashbrief-test',
    logStreamName: '2025/11/23/[$LATEST]0000',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => 60_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

function sqsEvent(body: string): SQSEvent {
  return { Records: [sqsRecord({ MessageId: 'message-1', Body: body })] };
}

function functionUrlEvent(method: string, path: string, options: { query?: object; body?: string } = {}) {
  return {
    rawPath: path,
    headers: { 'content-type': 'application/json' },
    ...(options.query ? { queryStringParameters: options.query } : {}),
    ...(options.body !== undefined ? { body: options.body } : {}),
    isBase64Encoded: false,
    requestContext: { http: { method } },
  };
}

type Invoke = (context: Context) => Promise<unknown>;

/** Each handler, with an event that makes it (or the core under it) write at least one line. */
const INVOCATIONS: [string, Invoke][] = [
  ['report', async (c) => (await import('../../../functions/report')).handler({ dryRun: true }, c)],
  ['alerts', async (c) => (await import('../../../functions/alerts')).handler({}, c)],
  ['sender', async (c) => (await import('../../../functions/sender')).handler(sqsEvent('not json'), c)],
  ['signup', async (c) => (await import('../../../functions/signup')).handler(sqsEvent('not json'), c)],
  ['feedback', async (c) => (await import('../../../functions/feedback')).handler({ not: 'sns' }, c)],
  [
    'subscribe',
    async (c) =>
      (await import('../../../functions/subscribe')).handler(
        functionUrlEvent('POST', '/subscribe', { body: JSON.stringify({ email: 'reader@example.com' }) }),
        c,
      ),
  ],
  [
    'unsubscribe',
    async (c) =>
      (await import('../../../functions/unsubscribe')).handler(
        functionUrlEvent('POST', '/unsubscribe', { query: { token: 'not-a-token' } }),
        c,
      ),
  ],
];

beforeAll(() => {
  for (const [name, value] of Object.entries(ENV)) vi.stubEnv(name, value);
  sqs.on(SendMessageCommand).rejects(new Error('queue unavailable'));
  // Powertools writes one JSON object per line to stdout/stderr; keep those, pass the rest through.
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      if (text.startsWith('{')) {
        logged.push(...text.split('\n').filter((line) => line.trim() !== ''));
        return true;
      }
      return write(chunk);
    });
  }
});

afterAll(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  sqs.restore();
});

beforeEach(() => {
  logged.length = 0;
  batch.options.length = 0;
});

describe('Lambda log lines', () => {
  it.each(INVOCATIONS)('%s: every line of an invocation carries its request id', async (name, invoke) => {
    // Arrange: two invocations, so a request id stamped once at cold start would show.
    const first = `${name}-request-1`;
    const second = `${name}-request-2`;
    await invoke(lambdaContext(first));
    logged.length = 0;
    // Act
    await invoke(lambdaContext(second));
    // Assert
    const lines = logged.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.length, `${name} logged nothing`).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line, String(line.message)).toMatchObject({
        function_request_id: second,
        function_name: 'hashbrief-test',
      });
    }
  });

  it.each(INVOCATIONS.filter(([name]) => name === 'sender' || name === 'signup'))(
    '%s hands the Lambda context to the batch processor',
    async (_name, invoke) => {
      // Arrange
      const context = lambdaContext('batch-request');
      // Act
      await invoke(context);
      // Assert
      expect(batch.options).toEqual([expect.objectContaining({ context })]);
    },
  );
});
