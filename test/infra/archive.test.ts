import type { Template } from 'aws-cdk-lib/assertions';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ACCESS_LOG_BUCKET_LOGICAL_ID,
  ARCHIVE_BUCKET_LOGICAL_ID,
  ARCHIVE_KEY_LOGICAL_ID,
} from '../../infra/constructs/archive-bucket';
import { isPublicKey } from '../../src/archive/keys';
import { synth } from './synth';

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Principal?: unknown;
  Resource: unknown;
  Condition?: unknown;
}

const resources = (s: Statement) => JSON.stringify(s.Resource);

let template: Template;
let policy: Statement[];
beforeAll(() => {
  ({ template } = synth());
  const policies = Object.values(template.findResources('AWS::S3::BucketPolicy')).filter(
    (p) => JSON.stringify(p.Properties.Bucket) === JSON.stringify({ Ref: ARCHIVE_BUCKET_LOGICAL_ID }),
  );
  expect(policies).toHaveLength(1);
  policy = policies[0]?.Properties.PolicyDocument.Statement as Statement[];
});

describe('stateful resources', () => {
  it('keeps the logical IDs of the archive and its log bucket stable', () => {
    // Changing these makes CloudFormation create new, empty buckets and orphan the old ones.
    expect(ARCHIVE_BUCKET_LOGICAL_ID).toBe('ArchiveBucket');
    expect(ACCESS_LOG_BUCKET_LOGICAL_ID).toBe('AccessLogBucket');
    expect(ARCHIVE_KEY_LOGICAL_ID).toBe('ArchiveKey');
    const buckets = template.findResources('AWS::S3::Bucket');
    expect(Object.keys(buckets).sort()).toEqual(['AccessLogBucket', 'ArchiveBucket']);
  });

  it('retains both buckets when the stack is deleted or the resource replaced', () => {
    for (const id of ['ArchiveBucket', 'AccessLogBucket']) {
      expect(template.toJSON().Resources[id]).toMatchObject({
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
    }
  });
});

describe('archive bucket', () => {
  it('blocks public access, enforces bucket-owner objects, versioning and SSE-S3 by default', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      LoggingConfiguration: {
        DestinationBucketName: { Ref: 'AccessLogBucket' },
        LogFilePrefix: 's3-access/',
      },
    });
  });

  it('moves large issue files (the raw responses) to Standard-IA and expires noncurrent versions', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({
            Prefix: 'issues/',
            ObjectSizeGreaterThan: 131072,
            Status: 'Enabled',
            Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 30 }],
          }),
          Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 30 }, Status: 'Enabled' }),
        ]),
      },
    });
  });

  it('denies plain HTTP and TLS below 1.2', () => {
    const denies = policy.filter((s) => s.Effect === 'Deny' && JSON.stringify(s.Principal) === '{"AWS":"*"}');
    expect(denies.map((s) => JSON.stringify(s.Condition))).toEqual([
      '{"Bool":{"aws:SecureTransport":"false"}}',
      '{"NumericLessThan":{"s3:TlsVersion":1.2}}',
    ]);
  });

  it('lets CloudFront read only the public prefixes, and only from this distribution', () => {
    const allows = policy.filter((s) => s.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    const [allow] = allows;
    expect(allow).toMatchObject({
      Action: 's3:GetObject',
      Principal: { Service: 'cloudfront.amazonaws.com' },
      Condition: { StringEquals: { 'AWS:SourceArn': expect.anything() } },
    });
    expect(JSON.stringify(allow?.Condition)).toContain('CdnDistribution');
    const granted = resources(allow as Statement);
    for (const key of [
      '/issues/*',
      '/alerts/*',
      '/index.html',
      '/index.json',
      '/latest.json',
      '/feed.xml',
      '/feed.json',
    ])
      expect(granted).toContain(key);
    expect(granted).not.toContain('"/*"');
    expect(granted).not.toMatch(/subscribers|ledger/);
  });

  it('denies CloudFront everything under subscribers/, ledger/ and runs/, and every issue’s email.json, explicitly', () => {
    const deny = policy.find((s) => s.Sid === 'CloudFrontNeverReadsPrivateData');
    expect(deny).toMatchObject({
      Effect: 'Deny',
      Action: 's3:*',
      Principal: { Service: 'cloudfront.amazonaws.com' },
    });
    expect(resources(deny as Statement)).toContain('/subscribers/*');
    expect(resources(deny as Statement)).toContain('/ledger/*');
    expect(resources(deny as Statement)).toContain('/runs/*');
    // Inside the allowed issues/*, but private (isPublicKey): only the explicit Deny keeps it off the CDN.
    expect(resources(deny as Statement)).toContain('/issues/*/email.json');
    expect(resources(deny as Statement)).toContain('/alerts/*/email.json');
    expect(isPublicKey('issues/2026-11-23/email.json')).toBe(false);
    expect(isPublicKey('alerts/2026-11-19-hashprice-low/email.json')).toBe(false);
  });

  it('lets CloudFront read exactly the keys isPublicKey calls public', () => {
    // Arrange: the key patterns after the bucket ARN in one statement, as IAM wildcards.
    const patterns = (s: Statement | undefined) =>
      [...resources(s as Statement).matchAll(/"\/([^"]*)"/g)].map(
        (m) => new RegExp(`^${(m[1] ?? '').replace(/[.]/g, '\\.').replace(/\*/g, '.*')}$`),
      );
    const allowed = patterns(policy.find((s) => s.Effect === 'Allow'));
    const denied = patterns(policy.find((s) => s.Sid === 'CloudFrontNeverReadsPrivateData'));
    const cdnReads = (key: string) => allowed.some((r) => r.test(key)) && !denied.some((r) => r.test(key));
    const keys = [
      'index.html',
      'index.json',
      'latest.json',
      'issues/2026-11-23/snapshot.json',
      'issues/2026-11-23/newsletter.html',
      'issues/2026-11-23/charts/hashprice.png',
      'issues/2026-11-23/raw/coinmetrics-asset-metrics.json.gz',
      'issues/2026-11-23/email.json',
      'feed.xml',
      'feed.json',
      'alerts/index.json',
      'alerts/2026-11-19-hashprice-low/index.html',
      'alerts/2026-11-19-hashprice-low/charts/hashprice.png',
      'alerts/2026-11-19-hashprice-low/email.json',
      'subscribers/0123abcd.json',
      'ledger/2026-11-23/0123abcd',
    ];

    // Act / Assert
    for (const key of keys) expect(cdnReads(key), key).toBe(isPublicKey(key));
  });

  it('uses a retained, rotating KMS key when configured, and lets CloudFront decrypt with it', () => {
    const { template: kms } = synth({ config: { archiveEncryption: 'KMS' } });
    expect(kms.toJSON().Resources[ARCHIVE_KEY_LOGICAL_ID]).toMatchObject({
      Type: 'AWS::KMS::Key',
      DeletionPolicy: 'Retain',
      Properties: { EnableKeyRotation: true },
    });
    kms.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: { 'Fn::GetAtt': [ARCHIVE_KEY_LOGICAL_ID, 'Arn'] },
            },
          },
        ],
      },
    });
    const keyPolicy = JSON.stringify(kms.toJSON().Resources[ARCHIVE_KEY_LOGICAL_ID].Properties.KeyPolicy);
    expect(keyPolicy).toContain('cloudfront.amazonaws.com');
  });
});

describe('access-log bucket', () => {
  it('is private, TLS-only, honours log-delivery ACLs and expires logs', () => {
    expect(template.toJSON().Resources.AccessLogBucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }] },
      LifecycleConfiguration: {
        Rules: [
          { Id: 'expire-logs', ExpirationInDays: 365, Status: 'Enabled' },
          {
            Id: 'purge-legacy-cloudfront-logs',
            Prefix: 'cloudfront/',
            ExpirationInDays: 1,
            Status: 'Enabled',
          },
        ],
      },
    });
  });
});

describe('CDN', () => {
  const config = () =>
    (Object.values(template.findResources('AWS::CloudFront::Distribution'))[0]?.Properties
      .DistributionConfig ?? {}) as Record<string, unknown> & {
      DefaultCacheBehavior: Record<string, unknown>;
      CacheBehaviors: Record<string, unknown>[];
      Origins: Record<string, unknown>[];
    };

  it('serves the archive over HTTPS only through Origin Access Control', () => {
    expect(config()).toMatchObject({
      Enabled: true,
      DefaultRootObject: 'index.html',
      DefaultCacheBehavior: {
        ViewerProtocolPolicy: 'redirect-to-https',
        AllowedMethods: ['GET', 'HEAD', 'OPTIONS'],
        ResponseHeadersPolicyId: { Ref: expect.stringMatching(/^CdnSecurityHeaders/) },
      },
    });
    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: { OriginAccessControlOriginType: 's3', SigningBehavior: 'always' },
    });
    const s3Origin = config().Origins.find((o) => 'S3OriginConfig' in o);
    expect(s3Origin).toMatchObject({
      DomainName: { 'Fn::GetAtt': ['ArchiveBucket', 'RegionalDomainName'] },
      OriginAccessControlId: { 'Fn::GetAtt': [expect.stringMatching(/OriginAccessControl/), 'Id'] },
    });
  });

  it('routes the subscription paths to the links API, uncached and HTTPS only', () => {
    const behaviors = config().CacheBehaviors;
    expect(behaviors.map((b) => b.PathPattern)).toEqual([
      '/subscribe',
      '/confirm',
      '/unsubscribe',
      '/preferences',
    ]);
    for (const b of behaviors) {
      expect(b).toMatchObject({
        ViewerProtocolPolicy: 'redirect-to-https',
        CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', // Managed-CachingDisabled
        AllowedMethods: expect.arrayContaining(['POST']),
      });
    }
    // The bucket plus one API origin shared by the three behaviors.
    expect(config().Origins).toHaveLength(2);
    const api = config().Origins.find((o) => 'CustomOriginConfig' in o);
    expect(api).toMatchObject({
      CustomOriginConfig: { OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] },
    });
    expect(JSON.stringify(api?.DomainName)).toContain('.execute-api.');
  });

  it('serves POST /subscribe, GET /confirm and GET/POST /unsubscribe and /preferences from the throttled links API', () => {
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map(
      (r) => r.Properties.RouteKey,
    );
    expect(routes.sort()).toEqual([
      'GET /confirm',
      'GET /preferences',
      'GET /unsubscribe',
      'POST /preferences',
      'POST /subscribe',
      'POST /unsubscribe',
    ]);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
      AccessLogSettings: { DestinationArn: Match.anyValue() },
    });
  });

  it('adds HSTS, nosniff, frame denial, a referrer policy and a CSP to every response', () => {
    template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: {
        SecurityHeadersConfig: {
          StrictTransportSecurity: {
            AccessControlMaxAgeSec: 63072000,
            IncludeSubdomains: true,
            Override: true,
          },
          ContentTypeOptions: { Override: true },
          FrameOptions: { FrameOption: 'DENY', Override: true },
          ReferrerPolicy: { ReferrerPolicy: 'strict-origin-when-cross-origin', Override: true },
          ContentSecurityPolicy: { ContentSecurityPolicy: Match.stringLikeRegexp("default-src 'none'") },
        },
      },
    });
  });
});
