/**
 * Bad input, end to end: malformed manual payloads to the REAL report handler (AWS clients mocked with
 * aws-sdk-client-mock so any side effect would be counted), oversized subscriber imports through the CLI,
 * addresses with CRLF or Unicode, and hostile upstream pool names through the whole report → mail path.
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { SESClient } from '@aws-sdk/client-ses';
import { SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createMemoryArchiveStore } from '../../src/archive/memory-store';
import { addDays, utcDay } from '../../src/days';
import { InvalidAddressError } from '../../src/delivery/errors';
import { requestSubscription } from '../../src/delivery/subscribe';
import { createSubscriberStore, MAX_IMPORT_BYTES, MAX_IMPORT_ROWS } from '../../src/delivery/subscribers';
import type { Dataset } from '../../src/emulator/dataset';
import { runReportJob } from '../../src/pipeline/report-job';
import { PayloadError } from '../../src/pipeline/report-payload';
import { runCli } from '../support/cli-run';
import { liveLikeDataset } from '../support/datasets';
import { recordingMailer, TEST_SETTINGS } from '../support/delivery-fixtures';
import { headerBlock, setEnv } from '../support/e2e-aws';
import { createWorld, reportSettings } from '../support/e2e-world';

const DATA_END = addDays(utcDay(new Date()), -2);
const tempDirs: string[] = [];

afterAll(async () => {
  await Promise.all(tempDirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('malformed manual payloads to the report handler', () => {
  const s3 = mockClient(S3Client);
  const sqs = mockClient(SQSClient);
  const ses = mockClient(SESClient);
  let handler: (event: unknown) => Promise<unknown>;
  let restoreEnv = () => {};
  const fetchSpy = vi.fn(async () => new Response('{}'));

  beforeAll(async () => {
    restoreEnv = setEnv({
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      HASHBRIEF_ARCHIVE_BUCKET: 'hashbrief-bad-input',
      HASHBRIEF_SEND_QUEUE_URL: 'http://127.0.0.1:1/000000000000/send',
      HASHBRIEF_LINKS_BASE_URL: 'https://links.example.com',
      HASHBRIEF_TOKEN_SECRET: 'bad-input-secret-0123456789',
      HASHBRIEF_COINMETRICS_URL: 'http://127.0.0.1:1/v4',
      HASHBRIEF_MEMPOOL_URL: 'http://127.0.0.1:1/api',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    });
    vi.stubGlobal('fetch', fetchSpy);
    vi.resetModules();
    ({ handler } = await import('../../functions/report'));
  });

  afterAll(() => {
    restoreEnv();
    vi.unstubAllGlobals();
    s3.restore();
    sqs.restore();
    ses.restore();
  });

  const tooMany = Array.from({ length: 11 }, (_, i) => `tester${i}@example.com`);
  const CASES: { name: string; payload: unknown; field: RegExp }[] = [
    { name: 'an unknown field', payload: { asOf: DATA_END, sendto: ['a@example.com'] }, field: /`sendto`/ },
    { name: 'asOf in another format', payload: { asOf: '23/11/2026' }, field: /`asOf`/ },
    { name: 'asOf that is not a calendar day', payload: { asOf: '2026-02-30' }, field: /`asOf`/ },
    { name: 'asOf as a number', payload: { asOf: 20261123 }, field: /`asOf`/ },
    { name: 'dryRun as a string', payload: { dryRun: 'yes' }, field: /`dryRun`/ },
    {
      name: 'sendTo with CRLF header injection',
      payload: { sendTo: ['ok@example.com\r\nBcc: victim@example.net'] },
      field: /`sendTo\.0`/,
    },
    {
      name: 'sendTo with something that is not an address',
      payload: { sendTo: ['not-an-address'] },
      field: /`sendTo\.0`/,
    },
    {
      name: 'sendTo with a Unicode mailbox',
      payload: { sendTo: ['jürgen@example.com'] },
      field: /`sendTo\.0`/,
    },
    { name: 'sendTo with too many addresses', payload: { sendTo: tooMany }, field: /`sendTo`.*at most 10/ },
    { name: 'sendTo empty', payload: { sendTo: [] }, field: /`sendTo`/ },
    { name: 'a payload that is not an object', payload: 'run please', field: /\(payload\)/ },
  ];

  for (const c of CASES) {
    it(`rejects ${c.name} with an error naming the field, before any side effect`, async () => {
      // Arrange
      s3.resetHistory();
      sqs.resetHistory();
      ses.resetHistory();
      fetchSpy.mockClear();

      // Act
      const error = await handler(c.payload).then(
        () => null,
        (e: unknown) => e,
      );

      // Assess
      // The handler was imported afresh (vi.resetModules), so its PayloadError is another class object.
      expect((error as Error).name).toBe(PayloadError.name);
      expect((error as Error).message).toMatch(c.field);
      expect((error as Error).message).not.toContain('victim');
      expect(s3.calls()).toHaveLength(0);
      expect(sqs.calls()).toHaveLength(0);
      expect(ses.calls()).toHaveLength(0);
      expect(fetchSpy).not.toHaveBeenCalled();
    });
  }
});

describe('oversized subscriber imports', () => {
  let cwd: string;
  beforeAll(async () => {
    cwd = await mkdtemp(path.join(tmpdir(), 'hb-import-'));
    tempDirs.push(cwd);
  });

  async function subscriberFiles(): Promise<string[]> {
    return readdir(path.join(cwd, 'out', 'subscribers')).catch(() => []);
  }

  it(`refuses a file over ${MAX_IMPORT_BYTES} bytes with a clear error and imports nothing`, async () => {
    // Arrange: valid rows first, so a streaming import would have written some before failing.
    const line = 'reader@example.com\n';
    await writeFile(path.join(cwd, 'big.csv'), line.repeat(Math.ceil((MAX_IMPORT_BYTES + 1) / line.length)));

    // Act
    const result = await runCli(['subscribers', 'import', 'big.csv'], { cwd, env: {} });

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/big\.csv is \d+ bytes; an import takes at most 5242880 bytes/);
    expect(result.stderr).not.toContain('reader@');
    expect(await subscriberFiles()).toEqual([]);
  });

  it(`refuses a file over ${MAX_IMPORT_ROWS} rows and imports nothing`, async () => {
    // Arrange
    const rows = Array.from({ length: MAX_IMPORT_ROWS + 1 }, (_, i) => `r${i}@example.com`).join('\n');
    await writeFile(path.join(cwd, 'many.csv'), `email\n${rows}\n`);

    // Act
    const result = await runCli(['subscribers', 'import', 'many.csv'], { cwd, env: {} });

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/many\.csv has 50001 rows; an import takes at most 50000/);
    expect(await subscriberFiles()).toEqual([]);
  });

  it('imports a file with CRLF line ends and Unicode rows: good rows in, bad rows named by line only', async () => {
    // Arrange
    await writeFile(
      path.join(cwd, 'mixed.csv'),
      'email\r\nfine@example.com\r\njürgen@example.com\r\nbuyer@bücher.de\r\n"bad\u0007bell@example.com"\r\n',
    );

    // Act
    const result = await runCli(['subscribers', 'import', 'mixed.csv'], { cwd, env: {} });

    // Assess
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/imported 2,/);
    expect(result.stderr).toMatch(/line 3: the part before @ must be ASCII/);
    expect(result.stderr).toMatch(/line 5: contains a line break or control character/);
    expect(result.stderr).not.toContain('jürgen');
    expect(await subscriberFiles()).toHaveLength(2);
  });
});

describe('addresses with CRLF or Unicode at the subscribe endpoint core', () => {
  it('rejects CRLF and non-ASCII mailboxes with a reason, stores nothing, sends nothing', async () => {
    // Arrange
    const state = createMemoryArchiveStore();
    const subscribers = createSubscriberStore(state);
    const mailer = recordingMailer();
    const deps = { subscribers, mailer, clock: () => new Date() };

    // Act
    const outcomes = await Promise.all(
      ['me@example.com\r\nBcc: victim@example.net', 'me@example.com\n', 'jürgen@example.com'].map((a) =>
        requestSubscription(a, deps, TEST_SETTINGS).then(
          () => 'accepted',
          (e: unknown) => (e instanceof InvalidAddressError ? e.message : 'other error'),
        ),
      ),
    );

    // Assess
    expect(outcomes[0]).toMatch(/line break or control character/);
    expect(outcomes[1]).toMatch(/line break or control character/);
    expect(outcomes[2]).toMatch(/must be ASCII/);
    expect(await state.list('')).toEqual([]);
    expect(mailer.sent).toEqual([]);
  });

  it('turns an IDN domain into punycode so the To header stays ASCII', async () => {
    // Arrange
    const state = createMemoryArchiveStore();
    const mailer = recordingMailer();

    // Act
    await requestSubscription(
      'Buyer@Bücher.DE',
      { subscribers: createSubscriberStore(state), mailer, clock: () => new Date() },
      TEST_SETTINGS,
    );

    // Assess
    const headers = headerBlock(mailer.sent[0]?.raw.toString('utf8') ?? '');
    expect(headers).toMatch(/^To: Buyer@xn--bcher-kva\.de$/m);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: checking for any non-ASCII byte.
    expect(headers).not.toMatch(/[^\u0000-\u007f]/);
  });
});

describe('hostile strings in upstream pool names', () => {
  const HOSTILE = [
    { name: '<script>alert(1)</script>', link: 'https://pool.example.com' },
    { name: '"><img src=x onerror=alert(2)>', link: 'javascript:alert(3)' },
    { name: 'Evil\r\nBcc: victim@example.net', link: 'https://evil.example.com' },
    { name: "Pool' onmouseover='alert(4)", link: 'data:text/html,<script>alert(5)</script>' },
  ];

  function hostileDataset(): Dataset {
    const base = liveLikeDataset({ endDate: DATA_END });
    if (!base.mempool) throw new Error('sample has no mempool state');
    const pools = base.mempool.pools.map((p, i) => ({ ...p, ...(HOSTILE[i] ?? {}) }));
    return { ...base, mempool: { ...base.mempool, pools } };
  }

  it('end up escaped in the HTML, stripped of script links, and absent from every mail header', async () => {
    // Arrange
    const world = await createWorld({ dataset: hostileDataset() });

    // Act
    const result = await runReportJob({}, world.deps, reportSettings());
    await world.deliver(world.drain());
    const html = (await world.archive.get(`issues/${result.issueId}/newsletter.html`))?.body.toString() ?? '';
    const stored = JSON.parse(
      (await world.archive.get(`issues/${result.issueId}/email.json`))?.body.toString() ?? '{}',
    );
    const emailHtml = String(stored.html);
    const index = (await world.archive.get('index.html'))?.body.toString() ?? '';

    // Assess: the names made it into the issue (so escaping was exercised) ...
    expect(result.warnings.join(' ')).not.toMatch(/pools.*(failed|invalid)/i);
    expect(html).toMatch(/&lt;script&gt;alert\(1\)/);
    for (const page of [html, emailHtml, index]) {
      expect(page).not.toContain('<script>alert');
      expect(page).not.toContain('<img src=x');
      expect(page).not.toMatch(/(href|src)\s*=\s*["']?\s*(javascript|data):/i);
      expect(page).not.toContain("onmouseover='alert");
    }
    expect(emailHtml).toContain('&lt;script&gt;alert(1)');
    // ... and no header of any sent mail carries them.
    expect(world.mailer.sent.length).toBeGreaterThan(0);
    for (const mail of world.mailer.sent) {
      const headers = headerBlock(mail.raw.toString('utf8'));
      expect(headers).not.toMatch(/victim|alert|Bcc:/i);
    }
  });
});
