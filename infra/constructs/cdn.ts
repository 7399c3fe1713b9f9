/**
 * The public face: one CloudFront distribution (HTTPS only) that serves the published part of the archive
 * from S3 through Origin Access Control, and routes the subscribe/confirm/unsubscribe paths to the links
 * API, so every link in a mail shares one https base URL.
 *
 * The bucket policy is written here by hand instead of by the origin helper: the helper grants CloudFront
 * `bucket/*`, which would include `subscribers/*` and `ledger/*`. Ours allows only the public key patterns
 * and explicitly denies the private ones (including each issue's `email.json`, which the public `issues/` pattern covers),
 * so no later statement can open them by accident.
 */
import { Annotations, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { type ArchiveBucket, PRIVATE_KEY_PATTERNS, PUBLIC_KEY_PATTERNS } from './archive-bucket.ts';

/** Paths routed to the links API: subscribe form POST, confirmation link, unsubscribe page and one-click POST. */
export const LINK_PATHS = ['/subscribe', '/confirm', '/unsubscribe'] as const;

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
      enableLogging: true,
      logBucket: archive.logBucket,
      logFilePrefix: 'cloudfront/',
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
}
