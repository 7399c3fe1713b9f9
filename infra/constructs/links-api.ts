/**
 * The subscription endpoints behind the CDN: an HTTP API routing /subscribe, /confirm, /unsubscribe and
 * /preferences to the two functions. It gives those paths a throttle (`hashbrief:linksRateLimit`) and an access log whose
 * fields are chosen here, and it keeps the CDN independent of the functions: a CDN whose origin were a
 * function's own URL would depend on it, while the functions that build links need the CDN's URL. Its
 * payload (format 2.0) has the same shape as a Function URL event, so handlers serve both.
 *
 * Confirm, unsubscribe and preferences tokens travel in the query string (RFC 8058 one-click POSTs to the very URL in
 * the List-Unsubscribe header, so the token must be in that URL), and unsubscribe tokens never expire. The
 * access log therefore names the route, never the path with its query, and no header that could repeat
 * the URL (Referer).
 */
import { Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/**
 * The access log's fields: request id and time, the route (`GET /unsubscribe`, a template without the
 * query), status, sizes, latency, the client's IP and user agent, and API Gateway's own error message.
 */
export const LINKS_ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  route: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  latencyMs: '$context.responseLatency',
  integrationStatus: '$context.integrationStatus',
  error: '$context.error.message',
  sourceIp: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
} as const;

export interface LinksApiProps {
  readonly subscribe: lambda.IFunction;
  readonly unsubscribe: lambda.IFunction;
  readonly logRetentionDays: number;
  /** Requests per second across all routes; a newsletter's sign-ups and clicks need few. */
  readonly rateLimit: number;
}

export class LinksApi extends Construct {
  readonly api: apigw.HttpApi;
  /** `<id>.execute-api.<region>.amazonaws.com`, the CDN's origin for the link paths. */
  readonly domainName: string;

  constructor(scope: Construct, id: string, props: LinksApiProps) {
    super(scope, id);
    this.api = new apigw.HttpApi(this, 'Api', {
      description: 'hashbrief subscribe/confirm/unsubscribe (reached through the CDN)',
      createDefaultStage: false,
    });
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetentionDays as logs.RetentionDays,
    });
    new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.rateLimit, burstLimit: props.rateLimit * 2 },
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(accessLogs),
        // Chosen fields only: the default format would be fine today, but a default can change.
        format: AccessLogFormat.custom(JSON.stringify(LINKS_ACCESS_LOG_FIELDS)),
      },
    });

    const subscribe = new HttpLambdaIntegration('Subscribe', props.subscribe);
    const unsubscribe = new HttpLambdaIntegration('Unsubscribe', props.unsubscribe);
    this.api.addRoutes({ path: '/subscribe', methods: [apigw.HttpMethod.POST], integration: subscribe });
    this.api.addRoutes({ path: '/confirm', methods: [apigw.HttpMethod.GET], integration: subscribe });
    this.api.addRoutes({
      path: '/unsubscribe',
      methods: [apigw.HttpMethod.GET, apigw.HttpMethod.POST],
      integration: unsubscribe,
    });
    // The preferences page: served by the unsubscribe function, which holds the same token secret and
    // the same access to subscribers/* (nothing more).
    this.api.addRoutes({
      path: '/preferences',
      methods: [apigw.HttpMethod.GET, apigw.HttpMethod.POST],
      integration: unsubscribe,
    });
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'Public by design: anyone may ask to subscribe, and confirm/unsubscribe are authorised by the HMAC token in the link, which the handlers verify.',
    });

    const stack = Stack.of(this);
    this.domainName = `${this.api.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`;
  }
}
