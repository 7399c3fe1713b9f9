/**
 * The weekly run through the REAL report and sender handlers, with S3 enforcing the execution roles the
 * CDK stack grants: the key patterns of each role's s3:GetObject and s3:PutObject statements are read from
 * the synthesized template, and the S3 proxy answers 403 (as S3 would under that role) for any object
 * request outside them. A handler that touches a key its role may not touch fails here instead of in AWS
 * (the report once read index.html, which its role did not allow, and every weekly run failed).
 * Bucket-level requests (ListObjectsV2) pass: the roles' s3:ListBucket is checked in test/infra/iam.test.ts.
 */

import type { Template } from 'aws-cdk-lib/assertions';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createS3ArchiveStore } from '../../src/archive/s3-store';
import { addDays, utcDay } from '../../src/days';
import { hashNormalizedAddress, normalizeAddress } from '../../src/delivery/address';
import { createSubscriberStore, newSubscriber, type SubscriberStatus } from '../../src/delivery/subscribers';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server';
import type { ReportJobResult } from '../../src/pipeline/report-job';
import { synth } from '../infra/synth';
import { liveLikeDataset } from '../support/datasets';
import { type AwsEmulators, setEnv, startAwsEmulators } from '../support/e2e-aws';

const SECRET = 'e2e-token-secret-0123456789abcdef';
const WEEK = addDays(utcDay(new Date()), -1);
const PER_MESSAGE = 2;

type Report = { handler: (event: unknown) => Promise<ReportJobResult> };
type Sender = { handler: (event: SQSEvent) => Promise<SQSBatchResponse> };
type RoleName = 'Report' | 'Sender';

/** The object key patterns one role may read and write, as granted in the template. */
interface ObjectGrants {
  read: string[];
  write: string[];
}

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

/**
 * The key patterns (the part after `<bucket ARN>/`) of the Allow statements of a role's policy that grant
 * `action`. Resources render as `{"Fn::Join": ["", [{"Fn::GetAtt": ["ArchiveBucket", "Arn"]}, "/issues/*"]]}`.
 */
function objectPatterns(template: Template, role: RoleName, action: string): string[] {
  const policies = Object.entries(template.findResources('AWS::IAM::Policy')).filter(([id]) =>
    id.startsWith(`${role}RoleDefaultPolicy`),
  );
  if (policies.length !== 1) throw new Error(`expected one policy for the ${role} role`);
  const statements = policies[0]?.[1].Properties.PolicyDocument.Statement as Statement[];
  return statements
    .filter((s) => s.Effect === 'Allow' && [s.Action].flat().includes(action))
    .flatMap((s) => [s.Resource].flat())
    .flatMap((resource) => {
      const parts = (resource as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join']?.[1] ?? [];
      const bucketArn = JSON.stringify(parts[0]) === '{"Fn::GetAtt":["ArchiveBucket","Arn"]}';
      const key = parts[1];
      return bucketArn && typeof key === 'string' && key.startsWith('/') ? [key.slice(1)] : [];
    });
}

/** IAM resource wildcards: `*` matches any run of characters (slashes included), `?` exactly one. */
function keyMatcher(patterns: readonly string[]): (key: string) => boolean {
  const regexes = patterns.map(
    (p) =>
      new RegExp(
        `^${p
          .split('')
          .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
          .join('')}$`,
      ),
  );
  return (key) => regexes.some((r) => r.test(key));
}

/** A denied request, as S3 would log it: the role, the method and the object key. */
interface Denial {
  role: RoleName;
  method: string;
  key: string;
}

/**
 * The S3 fault hook enforcing `grants`: path-style requests `/<bucket>/<key>`; a request without a key is
 * bucket-level and passes. GET/HEAD need a read pattern, PUT a write pattern, anything else (DELETE) is
 * granted to neither role and denied.
 */
function enforceGrants(
  bucket: string,
  role: () => RoleName | undefined,
  grants: Record<RoleName, ObjectGrants>,
  denials: Denial[],
): (req: { method: string; path: string }) => number | undefined {
  const matchers = {
    Report: { read: keyMatcher(grants.Report.read), write: keyMatcher(grants.Report.write) },
    Sender: { read: keyMatcher(grants.Sender.read), write: keyMatcher(grants.Sender.write) },
  };
  return ({ method, path }) => {
    const current = role();
    if (current === undefined) return undefined;
    const key = path.startsWith(`/${bucket}/`) ? path.slice(bucket.length + 2) : '';
    if (key === '') return undefined;
    const allowed =
      method === 'GET' || method === 'HEAD'
        ? matchers[current].read(key)
        : method === 'PUT'
          ? matchers[current].write(key)
          : false;
    if (allowed) return undefined;
    denials.push({ role: current, method, key });
    return 403;
  };
}

const isReportResult = (value: unknown): value is ReportJobResult =>
  typeof value === 'object' && value !== null && 'issueId' in value;

let aws: AwsEmulators;
let upstream: RunningEmulator;
let restoreEnv: () => void = () => {};
let grants: Record<RoleName, ObjectGrants>;
let actingAs: RoleName | undefined;
const denials: Denial[] = [];
const active: string[] = [];

async function coldStart<T>(module: string): Promise<T> {
  restoreEnv();
  restoreEnv = setEnv({
    ...aws.env,
    HASHBRIEF_COINMETRICS_URL: upstream.coinMetricsUrl,
    HASHBRIEF_MEMPOOL_URL: upstream.mempoolUrl,
    HASHBRIEF_LINKS_BASE_URL: 'https://links.example.com',
    HASHBRIEF_TOKEN_SECRET: SECRET,
    HASHBRIEF_FROM_ADDRESS: 'hashbrief <briefing@example.com>',
    HASHBRIEF_MAX_SEND_RATE: '500',
    HASHBRIEF_RECIPIENTS_PER_MESSAGE: String(PER_MESSAGE),
    HASHBRIEF_HTTP_RETRIES: '0',
  });
  vi.resetModules();
  return (await import(module)) as T;
}

beforeAll(async () => {
  const { template } = synth();
  grants = {
    Report: {
      read: objectPatterns(template, 'Report', 's3:GetObject'),
      write: objectPatterns(template, 'Report', 's3:PutObject'),
    },
    Sender: {
      read: objectPatterns(template, 'Sender', 's3:GetObject'),
      write: objectPatterns(template, 'Sender', 's3:PutObject'),
    },
  };
  [aws, upstream] = await Promise.all([
    startAwsEmulators({ bucket: 'hashbrief-iam' }),
    startEmulator({ dataset: liveLikeDataset({ endDate: WEEK }) }),
  ]);
  // Seeded as the operator would, outside any role.
  const subscribers = createSubscriberStore(createS3ArchiveStore({ client: aws.s3, bucket: aws.bucket }));
  const statuses: SubscriberStatus[] = ['active', 'active', 'unsubscribed', 'active', 'pending'];
  for (const [i, status] of statuses.entries()) {
    const address = normalizeAddress(`iam-reader${i}@example.com`);
    await subscribers.put(newSubscriber(address, status, 'operator', new Date()), null);
    if (status === 'active') active.push(hashNormalizedAddress(address));
  }
  aws.setS3Fault(enforceGrants(aws.bucket, () => actingAs, grants, denials));
});

afterAll(async () => {
  restoreEnv();
  await Promise.all([aws?.stop(), upstream?.close()]);
});

describe('the S3 access a weekly run needs is what the stack grants', () => {
  it('reads the grants from the template (the enforcement below is not vacuous)', () => {
    // Assert: both roles have object grants, and the matcher denies what they do not cover.
    expect(grants.Report.read).toContain('issues/*');
    expect(grants.Report.write).toContain('issues/*');
    expect(grants.Sender.write).toEqual(['ledger/*']);
    expect(keyMatcher(grants.Sender.write)('ledger/2026-11-23/abc')).toBe(true);
    expect(keyMatcher(grants.Sender.write)('issues/2026-11-23/email.json')).toBe(false);
  });

  it('the report (schedule event) and the sender (its queue messages) succeed without one denied request', async () => {
    // Arrange
    const report = await coldStart<Report>('../../functions/report');

    // Act: the scheduled run under the report role…
    actingAs = 'Report';
    const result = await report.handler({}).catch((error: unknown) => error);
    // …then every queued message under the sender role, as the SQS event source would deliver them.
    actingAs = 'Sender';
    const sender = await coldStart<Sender>('../../functions/sender');
    const failures: string[] = [];
    for (let event = await aws.receiveEvent(); event.Records.length > 0; event = await aws.receiveEvent()) {
      const response = await sender.handler(event);
      failures.push(...response.batchItemFailures.map((f) => f.itemIdentifier));
      await aws.deleteRecords(event.Records);
    }
    actingAs = undefined;

    // Assert: denials first, they explain any handler failure.
    expect(denials).toEqual([]);
    if (!isReportResult(result)) throw result;
    expect(result).toMatchObject({ issueId: WEEK, status: 'created' });
    expect(result.delivery).toMatchObject({ recipients: active.length });
    expect(failures).toEqual([]);
    const mailed = aws
      .captured()
      .map((m) => hashNormalizedAddress(normalizeAddress(m.destinations[0] ?? '')));
    expect(mailed.sort()).toEqual([...active].sort());
  });
});
