/**
 * The subscription endpoints behind the CDN: an HTTP API routing /subscribe, /confirm and /unsubscribe to
 * the two functions. It exists to break a dependency cycle: the subscribe function needs the public links
 * base URL (the CDN) at cold start, and a CDN whose origin is that function's own Function URL would depend
 * on the function. An HTTP API is created before its routes, so CDN -> API and routes -> function do not
 * loop. Its payload (format 2.0) has the same shape as a Function URL event, so handlers serve both.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

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
      accessLogSettings: { destination: new apigw.LogGroupLogDestination(accessLogs) },
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
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'Public by design: anyone may ask to subscribe, and confirm/unsubscribe are authorised by the HMAC token in the link, which the handlers verify.',
    });

    const stack = Stack.of(this);
    this.domainName = `${this.api.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`;
  }
}
