/**
 * The archive: the one stateful resource. Issues are written once and read for years, subscribers and the
 * send ledger live beside them under private prefixes. Logical IDs are pinned (see test/infra) so a refactor
 * of the construct tree can never make CloudFormation replace the bucket.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** Where CloudFront's legacy standard logs (with tokens in their query strings) used to be written. */
export const LEGACY_CLOUDFRONT_LOG_PREFIX = 'cloudfront/';

/** Logical IDs that must never change once deployed. */
export const ARCHIVE_BUCKET_LOGICAL_ID = 'ArchiveBucket';
export const ACCESS_LOG_BUCKET_LOGICAL_ID = 'AccessLogBucket';
export const ARCHIVE_KEY_LOGICAL_ID = 'ArchiveKey';

/**
 * Keys CloudFront may read: the published issues and alert editions, the manifests and the feeds
 * (docs/architecture.md, "Archive layout"; docs/archive.md).
 */
export const PUBLIC_KEY_PATTERNS = [
  'issues/*',
  'alerts/*',
  'index.html',
  'index.json',
  'latest.json',
  'feed.xml',
  'feed.json',
] as const;
/**
 * Keys never served, denied to CloudFront explicitly: personal data and send state, the report's run
 * records (`runs/`: leases and committed inputs), and each issue's and alert edition's `email.json` (the
 * sender's template, private per `isPublicKey` in src/archive/keys.ts), which the allow on their prefixes
 * would otherwise cover. An explicit Deny wins over that Allow.
 */
export const PRIVATE_KEY_PATTERNS = [
  'subscribers/*',
  'ledger/*',
  'runs/*',
  'issues/*/email.json',
  'alerts/*/email.json',
] as const;

export interface ArchiveBucketProps {
  /** SSE-S3 (no key cost) or a customer-managed KMS key. */
  readonly encryption: 'S3_MANAGED' | 'KMS';
  /** Days before `issues/<id>/raw/` objects move to {@link ArchiveBucketProps.rawStorageClass}. */
  readonly rawTransitionDays: number;
  readonly rawStorageClass: 'STANDARD_IA' | 'GLACIER_IR';
  readonly noncurrentVersionExpirationDays: number;
  readonly accessLogExpirationDays: number;
}

/** What a function may do under which key patterns; each entry becomes one IAM statement. */
export interface ArchiveAccess {
  /** s3:GetObject on these key patterns (and s3:ListBucket on their prefixes, see below). */
  readonly read?: readonly string[];
  /** s3:PutObject on these key patterns. */
  readonly write?: readonly string[];
}

/** Archive bucket + its access-log bucket (+ KMS key when configured). */
export class ArchiveBucket extends Construct {
  readonly bucket: s3.Bucket;
  /** Receives S3 server access logs and CloudFront standard logs. */
  readonly logBucket: s3.Bucket;
  readonly encryptionKey?: kms.Key;

  constructor(scope: Construct, id: string, props: ArchiveBucketProps) {
    super(scope, id);

    this.logBucket = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // Log deliveries write with the bucket-owner-full-control ACL, which this setting honours.
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [
        { id: 'expire-logs', expiration: Duration.days(props.accessLogExpirationDays) },
        {
          // CloudFront's legacy standard logs (written here under `cloudfront/` before the switch to
          // logging v2) hold the query strings of confirm and unsubscribe links, tokens included: they
          // are deleted within a day or two of this rule being deployed instead of being kept for a year.
          id: 'purge-legacy-cloudfront-logs',
          prefix: LEGACY_CLOUDFRONT_LOG_PREFIX,
          expiration: Duration.days(1),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    (this.logBucket.node.defaultChild as s3.CfnBucket).overrideLogicalId(ACCESS_LOG_BUCKET_LOGICAL_ID);
    Validations.of(this.logBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket itself; logging its own access would log recursively.',
    });

    if (props.encryption === 'KMS') {
      this.encryptionKey = new kms.Key(this, 'Key', {
        description: 'hashbrief archive bucket encryption',
        enableKeyRotation: true,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      (this.encryptionKey.node.defaultChild as kms.CfnKey).overrideLogicalId(ARCHIVE_KEY_LOGICAL_ID);
    }

    const rawTransition =
      props.rawStorageClass === 'GLACIER_IR'
        ? s3.StorageClass.GLACIER_INSTANT_RETRIEVAL
        : s3.StorageClass.INFREQUENT_ACCESS;

    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      ...(this.encryptionKey
        ? { encryption: s3.BucketEncryption.KMS, encryptionKey: this.encryptionKey, bucketKeyEnabled: true }
        : { encryption: s3.BucketEncryption.S3_MANAGED }),
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 's3-access/',
      lifecycleRules: [
        {
          id: 'raw-responses-to-cheaper-class',
          // Lifecycle filters take a literal prefix, not `issues/*/raw/`, so the rule covers `issues/` and
          // filters by size instead: the raw upstream responses are the only issue files above 128 KiB (charts
          // and text are smaller), and Standard-IA bills small objects as 128 KiB anyway, which would make
          // moving them more expensive than keeping them. See docs/infra.md.
          prefix: 'issues/',
          objectSizeGreaterThan: 128 * 1024,
          transitions: [
            { storageClass: rawTransition, transitionAfter: Duration.days(props.rawTransitionDays) },
          ],
        },
        {
          id: 'expire-noncurrent-versions',
          noncurrentVersionExpiration: Duration.days(props.noncurrentVersionExpirationDays),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    (this.bucket.node.defaultChild as s3.CfnBucket).overrideLogicalId(ARCHIVE_BUCKET_LOGICAL_ID);
    Validations.of(this.bucket).acknowledge({
      id: 'CloudFormation-Validate::W9003',
      reason:
        'aws-cdk-lib renders ObjectSizeGreaterThan as a number where the schema says string; CloudFormation accepts both.',
    });
  }

  /** ARN of the objects matching one key pattern, e.g. `issues/*`. */
  arnForObjects(pattern: string): string {
    return this.bucket.arnForObjects(pattern);
  }

  /**
   * Grants exactly the object actions a function uses on the given key patterns. s3:ListBucket is added for
   * the read prefixes only because without it S3 answers a missing key with 403 instead of 404, and the
   * handlers treat "not found" (a new subscriber, a first issue) as a normal case.
   */
  grantAccess(grantee: iam.IGrantable, access: ArchiveAccess): void {
    const read = access.read ?? [];
    const write = access.write ?? [];
    if (read.length > 0) {
      grantee.grantPrincipal.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['s3:GetObject'],
          resources: read.map((p) => this.arnForObjects(p)),
        }),
      );
      grantee.grantPrincipal.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['s3:ListBucket'],
          resources: [this.bucket.bucketArn],
          conditions: { StringLike: { 's3:prefix': [...read] } },
        }),
      );
      this.encryptionKey?.grant(grantee, 'kms:Decrypt');
    }
    if (write.length > 0) {
      grantee.grantPrincipal.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['s3:PutObject'],
          resources: write.map((p) => this.arnForObjects(p)),
        }),
      );
      // PutObject with SSE-KMS needs a data key only; the wildcard forms grantEncrypt adds are not used.
      this.encryptionKey?.grant(grantee, 'kms:GenerateDataKey');
    }
  }
}
