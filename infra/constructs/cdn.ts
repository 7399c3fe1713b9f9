/**
 * The public face: one CloudFront distribution (HTTPS only) that serves the published part of the archive
 * from S3 through Origin Access Control, and routes the subscribe/confirm/unsubscribe paths to the links
 * API, so every link in a mail shares one https base URL.
 *
 * Access logs: standard logging (legacy) always writes the query string and the Referer, and links carry
 * confirm and unsubscribe tokens in the query string (unsubscribe tokens never expire; RFC 8058 one-click
 * POSTs to the List-Unsubscribe URL itself, so the token has to be in the URL). Legacy logging is
 * therefore off. Standard logging (v2) writes only the fields listed in {@link CDN_ACCESS_LOG_FIELDS} to
 * the log bucket. AWS accepts a CloudFront log delivery only in us-east-1, so those resources exist only
 * when the stack is deployed there (a CloudFormation condition); elsewhere the distribution keeps no access
 * log, and link requests are still logged, with chosen fields, by the links API.
 *
 * The bucket policy is written here by hand instead of by the origin helper: the helper grants CloudFront
 * `bucket/*`, which would include `subscribers/*` and `ledger/*`. Ours allows only the public key patterns
 * and explicitly denies the private ones (including each issue's `email.json`, which the public `issues/` pattern covers),
 * so no later statement can open them by accident.
 */
import { Annotations, ArnFormat, Aws, CfnCondition, Duration, Fn, Stack, Validations } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { type ArchiveBucket, PRIVATE_KEY_PATTERNS, PUBLIC_KEY_PATTERNS } from './archive-bucket';

/**
 * Paths routed to the links API: subscribe form POST, confirmation link, unsubscribe page and one-click
 * POST, and the preferences page and its form POST.
 */
export const LINK_PATHS = ['/subscribe', '/confirm', '/unsubscribe', '/preferences'] as const;

/**
 * The fields of the distribution's access log (standard logging v2). Left out on purpose: `cs-uri-query`
 * (tokens), `cs(Referer)` (a page's full URL, token included, when its form posts back), `cs(Cookie)`, and
 * `x-forwarded-for`. The path (`cs-uri-stem`) is safe: no token is ever in a path.
 */
export const CDN_ACCESS_LOG_FIELDS = [
  'date',
  'time',
  'x-edge-location',
  'sc-bytes',
  'c-ip',
  'cs-method',
  'cs(Host)',
  'cs-uri-stem',
  'sc-status',
  'cs(User-Agent)',
  'x-edge-result-type',
  'x-edge-request-id',
  'x-host-header',
  'cs-protocol',
  'cs-bytes',
  'time-taken',
  'ssl-protocol',
  'ssl-cipher',
  'x-edge-response-result-type',
  'cs-protocol-version',
  'time-to-first-byte',
  'x-edge-detailed-result-type',
  'sc-content-type',
  'sc-content-len',
] as const;

/** The only region where CloudWatch Logs accepts a CloudFront delivery source. */
export const CLOUDFRONT_LOG_DELIVERY_REGION = 'us-east-1';

export interface CdnProps {
  readonly archive: ArchiveBucket;
  /** Host of the HTTP API serving {@link LINK_PATHS} (see links-api.ts). */
  readonly linksOriginDomain: string;
}

export class Cdn extends Construct {
  readonly distribution: cloudfront.Distribution;
  /** `https://<id>.cloudfront.net`, no trailing slash. */
  readonly baseUrl: string;

  constructor(scope: Construct, id: string, props: CdnProps) {
    super(scope, id);
    const { archive } = props;

    // A reference without policy access, so the origin helper cannot attach its bucket-wide grant.
    const archiveRef = s3.Bucket.fromBucketAttributes(this, 'ArchiveRef', {
      bucketName: archive.bucket.bucketName,
      bucketArn: archive.bucket.bucketArn,
      bucketRegionalDomainName: archive.bucket.bucketRegionalDomainName,
    });
    const archiveOrigin = origins.S3BucketOrigin.withOriginAccessControl(archiveRef);
    Annotations.of(this).acknowledgeWarning(
      '@aws-cdk/aws-cloudfront-origins:updateImportedBucketPolicyOac',
      'Intended: the bucket policy is written below, scoped to the public prefixes.',
    );

    const securityHeaders = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'hashbrief: HSTS, nosniff, no framing, strict referrer, locked-down CSP',
      securityHeadersBehavior: {
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: {
          referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
          override: true,
        },
        // Archive pages and the unsubscribe page are static HTML with inline styles and same-origin images;
        // no script is ever needed. Functions may send a stricter policy of their own (override: false).
        contentSecurityPolicy: {
          contentSecurityPolicy:
            "default-src 'none'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
          override: false,
        },
      },
    });

    const linksBehavior: cloudfront.BehaviorOptions = {
      origin: new origins.HttpOrigin(props.linksOriginDomain, {
        protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
        originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
      }),
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      // Every request carries a one-off token or form body; caching would replay someone else's answer.
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      // API Gateway routes on its own Host header, so everything else of the viewer's request is forwarded.
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: securityHeaders,
    };
    const additionalBehaviors = Object.fromEntries(LINK_PATHS.map((path) => [path, linksBehavior]));

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'hashbrief archive and subscription links',
      defaultRootObject: 'index.html',
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      // Legacy standard logs would record every token in the query string: see the file comment.
      enableLogging: false,
      defaultBehavior: {
        origin: archiveOrigin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD_OPTIONS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: securityHeaders,
        compress: true,
      },
      additionalBehaviors,
    });
    this.baseUrl = `https://${this.distribution.distributionDomainName}`;
    this.addAccessLogs(archive.logBucket);

    const fromThisDistribution = {
      StringEquals: {
        'AWS:SourceArn': this.distribution.distributionArn,
      },
    };
    const cloudfrontPrincipal = new iam.ServicePrincipal('cloudfront.amazonaws.com');
    archive.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudFrontReadsPublicArchive',
        principals: [cloudfrontPrincipal],
        actions: ['s3:GetObject'],
        resources: PUBLIC_KEY_PATTERNS.map((p) => archive.arnForObjects(p)),
        conditions: fromThisDistribution,
      }),
    );
    archive.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudFrontNeverReadsPrivateData',
        effect: iam.Effect.DENY,
        principals: [cloudfrontPrincipal],
        actions: ['s3:*'],
        resources: PRIVATE_KEY_PATTERNS.map((p) => archive.arnForObjects(p)),
      }),
    );
    // With a customer-managed key, CloudFront must also be allowed to decrypt what it may read. The key
    // policy cannot name this distribution (distribution -> bucket -> key -> distribution is a cycle), so it
    // names any distribution of this account; the bucket policy above still limits which one reads what.
    archive.encryptionKey?.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [cloudfrontPrincipal],
        actions: ['kms:Decrypt'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'AWS:SourceArn': Stack.of(this).formatArn({
              service: 'cloudfront',
              region: '',
              resource: 'distribution',
              resourceName: '*',
            }),
          },
        },
      }),
    );

    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason:
          'A public newsletter archive has no country restrictions; the content is legal to serve everywhere.',
      },
      {
        id: 'AwsSolutions-CFR3',
        reason:
          'Legacy standard logging always records the query string and Referer, which carry never-expiring unsubscribe tokens; access logs go through standard logging v2 with chosen fields instead (see CDN_ACCESS_LOG_FIELDS).',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'No WAF: the archive is static and cached, the endpoints verify HMAC tokens and are rate-bound by Lambda concurrency; a web ACL would cost more than the whole weekly issue.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'The default *.cloudfront.net certificate does not let CloudFront pin a minimum TLS version (it always allows TLSv1); a custom domain with an ACM certificate would allow TLSv1.2_2021, see docs/infra.md.',
      },
    );
  }

  /**
   * Standard logging v2 into the log bucket (`AWSLogs/<account>/CloudFront/...`, expired with the other
   * logs), with {@link CDN_ACCESS_LOG_FIELDS} only, created when the stack is in us-east-1.
   */
  private addAccessLogs(logBucket: s3.IBucket): void {
    const stack = Stack.of(this);
    const inLogRegion = new CfnCondition(this, 'AccessLogRegion', {
      expression: Fn.conditionEquals(Aws.REGION, CLOUDFRONT_LOG_DELIVERY_REGION),
    });
    // Names are per account and region; the distribution id makes them unique and under the 60 limit.
    const name = `cdn-${this.distribution.distributionId}`;
    // The form CloudWatch Logs documents for vended-log bucket policies: its own ARNs in the delivery
    // region of this account (the delivery source is one of them).
    const deliveryArns = stack.formatArn({
      service: 'logs',
      region: CLOUDFRONT_LOG_DELIVERY_REGION,
      resource: '*',
      arnFormat: ArnFormat.NO_RESOURCE_NAME,
    });
    // Written here rather than left to CloudWatch Logs, which would append it to the bucket policy behind
    // CloudFormation's back (and the next deploy would remove it again).
    logBucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudFrontAccessLogDelivery',
        principals: [new iam.ServicePrincipal('delivery.logs.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [logBucket.arnForObjects(`AWSLogs/${Aws.ACCOUNT_ID}/*`)],
        conditions: {
          StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: { 'aws:SourceArn': deliveryArns },
        },
      }),
    );
    const source = new logs.CfnDeliverySource(this, 'AccessLogSource', {
      name,
      logType: 'ACCESS_LOGS',
      resourceArn: this.distribution.distributionArn,
    });
    const destination = new logs.CfnDeliveryDestination(this, 'AccessLogDestination', {
      name,
      destinationResourceArn: logBucket.bucketArn,
      outputFormat: 'w3c',
    });
    const delivery = new logs.CfnDelivery(this, 'AccessLogDelivery', {
      deliverySourceName: name,
      deliveryDestinationArn: destination.attrArn,
      recordFields: [...CDN_ACCESS_LOG_FIELDS],
      fieldDelimiter: '\t',
    });
    delivery.addDependency(source);
    const policy = logBucket.policy?.node.defaultChild;
    if (policy instanceof s3.CfnBucketPolicy) delivery.addDependency(policy);
    for (const resource of [source, destination, delivery]) resource.cfnOptions.condition = inLogRegion;
  }
}
