/**
 * Confirm and unsubscribe tokens (the latter never expire) travel in link query strings. No access log may
 * keep them: CloudFront logs only chosen fields (standard logging v2; legacy logging always writes the
 * query string and Referer), and the links API logs only chosen fields too.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { synth } from './synth';

/** Fields that can carry a URL's query string or repeat the URL. */
const LEAKY_CLOUDFRONT_FIELDS = ['cs-uri-query', 'cs(Referer)', 'cs(Cookie)', 'cs-headers', 'cs-uri'];
/** API Gateway context variables that are safe: none holds the path's query or a request header echo. */
const SAFE_API_VARIABLES = new Set([
  '$context.requestId',
  '$context.requestTime',
  '$context.routeKey',
  '$context.status',
  '$context.protocol',
  '$context.responseLength',
  '$context.responseLatency',
  '$context.integrationStatus',
  '$context.error.message',
  '$context.identity.sourceIp',
  '$context.identity.userAgent',
]);

let template: Template;
beforeAll(() => {
  ({ template } = synth());
});

function only<T = Record<string, unknown>>(type: string): { Properties: T; Condition?: string } {
  const found = Object.values(template.findResources(type));
  expect(found, type).toHaveLength(1);
  return found[0] as { Properties: T; Condition?: string };
}

describe('CloudFront access logs', () => {
  it('has no legacy standard logging, which always writes the query string', () => {
    const distribution = only<{ DistributionConfig: Record<string, unknown> }>(
      'AWS::CloudFront::Distribution',
    );
    expect(distribution.Properties.DistributionConfig.Logging).toBeUndefined();
  });

  it('delivers standard logging v2 with chosen fields, none of which can hold a token', () => {
    const delivery = only<{ RecordFields: string[] }>('AWS::Logs::Delivery');
    for (const field of LEAKY_CLOUDFRONT_FIELDS)
      expect(delivery.Properties.RecordFields).not.toContain(field);
    expect(delivery.Properties.RecordFields).toEqual(
      expect.arrayContaining(['date', 'cs-uri-stem', 'sc-status']),
    );
  });

  it('logs the distribution into the log bucket, only where AWS accepts CloudFront log delivery', () => {
    const source = only<{ LogType: string; ResourceArn: unknown }>('AWS::Logs::DeliverySource');
    const destination = only<{ DestinationResourceArn: unknown }>('AWS::Logs::DeliveryDestination');
    const delivery = only('AWS::Logs::Delivery');
    expect(source.Properties.LogType).toBe('ACCESS_LOGS');
    expect(JSON.stringify(source.Properties.ResourceArn)).toContain('distribution/');
    expect(destination.Properties.DestinationResourceArn).toEqual({
      'Fn::GetAtt': ['AccessLogBucket', 'Arn'],
    });
    const conditions = template.toJSON().Conditions as Record<string, unknown>;
    for (const resource of [source, destination, delivery]) {
      expect(resource.Condition).toBeDefined();
      expect(conditions[resource.Condition ?? '']).toEqual({
        'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'],
      });
    }
  });

  it("lets only this account's CloudFront delivery write, and only under AWSLogs/<account>/", () => {
    const policy = Object.values(template.findResources('AWS::S3::BucketPolicy')).find(
      (p) => JSON.stringify(p.Properties.Bucket) === '{"Ref":"AccessLogBucket"}',
    );
    const statements = (policy?.Properties.PolicyDocument.Statement ?? []) as {
      Sid?: string;
      Condition?: unknown;
      Resource?: unknown;
    }[];
    const statement = statements.find((s) => s.Sid === 'CloudFrontAccessLogDelivery');
    expect(JSON.stringify(statement?.Resource)).toContain('/AWSLogs/');
    expect(JSON.stringify(statement?.Condition)).toContain(':logs:us-east-1:');
    expect(JSON.stringify(statement?.Condition)).toContain('aws:SourceAccount');
  });
});

describe('links API access log', () => {
  it('uses a chosen format that names the route, never the path with its query or a header', () => {
    const stage = only<{ AccessLogSettings: { Format: string } }>('AWS::ApiGatewayV2::Stage');
    const format = stage.Properties.AccessLogSettings.Format;
    const variables = format.match(/\$context\.[A-Za-z.]+/g) ?? [];

    expect(variables.length).toBeGreaterThan(5);
    for (const variable of variables) expect(SAFE_API_VARIABLES, variable).toContain(variable);
    expect(format).not.toMatch(/\$context\.path|\$input|querystring|referer/i);
  });
});
