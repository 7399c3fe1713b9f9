/**
 * Issue 13 end to end: Coin Metrics glitches (the emulator's glitch fault) on the weekly run. Through the
 * report job: every glitch factor holds the issue, nothing archived, queued or mailed; a mempool glitch
 * does not. Through the REAL report Lambda handler (AWS clients mocked, so any side effect is counted):
 * the invocation fails with IssueHeldError and logs the `issue held` line the IssueHeld alarm counts.
 */
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SESClient } from '@aws-sdk/client-ses';
import { SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { addDays, utcDay } from '../../src/days';
import type { Fault, GlitchTarget } from '../../src/emulator/faults';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server';
import { runReportJob } from '../../src/pipeline/report-job';
import { ISSUE_HELD_LOG_MESSAGE, IssueHeldError } from '../../src/sources/integrity';
import { liveLikeDataset } from '../support/datasets';
import { setEnv } from '../support/e2e-aws';
import { createWorld, exactlyOncePerActive, reportSettings } from '../support/e2e-world';
import { emulatorEnv } from '../support/upstream-env';

const DATA_END = addDays(utcDay(new Date()), -1);
const dataset = liveLikeDataset({ endDate: DATA_END });

const glitch = (upstream: Fault['upstream'], targets: GlitchTarget[], factor: number): Fault => ({
  upstream,
  route: '*',
  kind: 'glitch',
  targets,
  factor,
});

describe('weekly run with a Coin Metrics glitch on the as-of day', () => {
  it.each([
    ['price ×0.2', glitch('coinmetrics', ['price'], 0.2)],
    ['price ×2', glitch('coinmetrics', ['price'], 2)],
    ['price ×5', glitch('coinmetrics', ['price'], 5)],
    ['price ×10', glitch('coinmetrics', ['price'], 10)],
    ['price ×99', glitch('coinmetrics', ['price'], 99)],
    ['price ×100', glitch('coinmetrics', ['price'], 100)],
    ['PriceUSD alone ×5', glitch('coinmetrics', ['PriceUSD'], 5)],
    ['HashRate ×10', glitch('coinmetrics', ['HashRate'], 10)],
    ['BlkCnt ×10', glitch('coinmetrics', ['BlkCnt'], 10)],
  ])('%s: held; nothing archived, queued or mailed', async (_name, fault) => {
    // Arrange
    const world = await createWorld({ dataset, faults: [fault] });

    // Act
    const error = await runReportJob({}, world.deps, reportSettings()).then(
      () => null,
      (e: unknown) => e,
    );

    // Assert
    expect(error).toBeInstanceOf(IssueHeldError);
    expect((error as IssueHeldError).asOf).toBe(DATA_END);
    expect((error as IssueHeldError).conflicts.every((c) => c.includes(DATA_END))).toBe(true);
    expect(await world.archive.list('')).toEqual([]);
    expect(world.drain()).toEqual([]);
    expect(world.mailer.sent).toEqual([]);
  });

  it("a mempool price glitch (×5) is outvoted: the issue goes out with mempool's price failed", async () => {
    const world = await createWorld({ dataset, faults: [glitch('mempool', ['price'], 5)] });

    const result = await runReportJob({}, world.deps, reportSettings());
    await world.deliver(world.drain());

    expect(result.status).toBe('created');
    expect(result.warnings.some((w) => /mempool-prices failed: mempool prices is implausible/.test(w))).toBe(
      true,
    );
    expect(exactlyOncePerActive(world)).toMatchObject({ ok: true });
  });
});

describe('the report Lambda holding an issue', () => {
  const s3 = mockClient(S3Client);
  const sqs = mockClient(SQSClient);
  const ses = mockClient(SESClient);
  let emulator: RunningEmulator;
  let handler: (event: unknown) => Promise<unknown>;
  let restoreEnv = () => {};
  const logged: string[] = [];

  beforeAll(async () => {
    emulator = await startEmulator({ dataset, faults: [glitch('coinmetrics', ['price'], 5)] });
    restoreEnv = setEnv({
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      HASHBRIEF_ARCHIVE_BUCKET: 'hashbrief-held',
      HASHBRIEF_SEND_QUEUE_URL: 'http://127.0.0.1:1/000000000000/send',
      HASHBRIEF_LINKS_BASE_URL: 'https://links.example.com',
      HASHBRIEF_TOKEN_SECRET: 'held-issue-secret-0123456789',
      ...emulatorEnv(emulator),
    });
    // Powertools writes JSON lines to stdout/stderr; keep the ones this test looks for.
    for (const stream of [process.stdout, process.stderr]) {
      const write = stream.write.bind(stream);
      vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
        if (text.startsWith('{')) {
          logged.push(text);
          return true;
        }
        return write(chunk);
      });
    }
    vi.resetModules();
    ({ handler } = await import('../../functions/report'));
  });

  afterAll(async () => {
    restoreEnv();
    vi.restoreAllMocks();
    s3.restore();
    sqs.restore();
    ses.restore();
    await emulator.close();
  });

  it('fails the invocation naming the values, logs "issue held", and writes or sends nothing', async () => {
    // The run looks for today's issue in the archive first (an empty bucket here), then fetches.
    s3.on(GetObjectCommand).rejects(
      Object.assign(new Error('The specified key does not exist.'), {
        name: 'NoSuchKey',
        $metadata: { httpStatusCode: 404 },
      }),
    );
    const error = await handler({}).then(
      () => null,
      (e: unknown) => e,
    );

    // The handler was imported afresh (vi.resetModules), so its IssueHeldError is another class object.
    expect((error as Error).name).toBe('IssueHeldError');
    expect((error as Error).message).toMatch(
      new RegExp(
        `^issue for ${DATA_END} held, not archived or sent: Coin Metrics PriceUSD on ${DATA_END} is`,
      ),
    );
    const held = logged
      .flatMap((line) => line.split('\n'))
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((entry) => entry.message === ISSUE_HELD_LOG_MESSAGE);
    expect(held).toHaveLength(1);
    expect(held[0]).toMatchObject({ level: 'ERROR', asOf: DATA_END });
    expect(held[0]?.conflicts).toEqual([expect.stringContaining(`Coin Metrics PriceUSD on ${DATA_END}`)]);
    // Reads only: nothing archived (no day record, no claim, no raw/ file), nothing queued or mailed.
    expect(s3.calls().map((c) => c.args[0].constructor.name)).toEqual(
      s3.calls().map(() => 'GetObjectCommand'),
    );
    expect(sqs.calls()).toHaveLength(0);
    expect(ses.calls()).toHaveLength(0);
  });
});
