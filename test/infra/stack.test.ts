import { Annotations, Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { type SynthOptions, synth } from './synth';

/** The one resource of a type whose logical ID starts with `prefix`. */
function resource(template: Template, type: string, prefix: string): { Properties: Record<string, unknown> } {
  const found = Object.entries(template.findResources(type)).filter(([id]) => id.startsWith(prefix));
  expect(found, `${type} ${prefix}*`).toHaveLength(1);
  return found[0]?.[1] as { Properties: Record<string, unknown> };
}

let template: Template;
beforeAll(() => {
  ({ template } = synth({ config: { alarmEmail: 'ops@example.com' } }));
});

describe('functions', () => {
  it('runs every function on Node 24 with JSON logs, X-Ray and its own log group', () => {
    const functions = template.findResources('AWS::Lambda::Function');
    expect(Object.keys(functions)).toHaveLength(7);
    for (const fn of Object.values(functions)) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: expect.stringMatching(/Logs/) } },
      });
    }
    template.resourceCountIs('AWS::Logs::LogGroup', 8); // seven functions + the links API access log
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
  });

  it('runs the report on x86_64 (resvg native build) with at least 1 GB and 5 minutes', () => {
    const report = resource(template, 'AWS::Lambda::Function', 'Report');
    expect(report.Properties).toMatchObject({ Architectures: ['x86_64'], MemorySize: 1024, Timeout: 300 });
  });

  it('runs the sender with reserved concurrency and 256 MB', () => {
    const sender = resource(template, 'AWS::Lambda::Function', 'Sender');
    expect(sender.Properties).toMatchObject({
      Architectures: ['arm64'],
      MemorySize: 256,
      Timeout: 60,
      ReservedConcurrentExecutions: 2,
    });
  });

  it('caps the subscribe function (its Function URL bypasses the API throttle) at 2 concurrent executions', () => {
    // With no lookup, send or sleep on the request path, 2 executions serve dozens of requests a second.
    const subscribe = resource(template, 'AWS::Lambda::Function', 'Subscribe');
    expect(subscribe.Properties.ReservedConcurrentExecutions).toBe(2);
  });

  it('takes the subscribe reservation from config, and reserves nothing for 0', () => {
    const reserved = (config: Record<string, unknown>) =>
      resource(synth({ config }).template, 'AWS::Lambda::Function', 'Subscribe').Properties
        .ReservedConcurrentExecutions;
    expect(reserved({ subscribeReservedConcurrency: 5 })).toBe(5);
    expect(reserved({ subscribeReservedConcurrency: 0 })).toBeUndefined();
  });

  it('runs subscribe, signup, unsubscribe and feedback on arm64', () => {
    for (const name of ['Subscribe', 'Signup', 'Unsubscribe', 'Feedback']) {
      expect(resource(template, 'AWS::Lambda::Function', name).Properties).toMatchObject({
        Architectures: ['arm64'],
      });
    }
  });

  it('gives subscribe and unsubscribe public Function URLs (tokens are verified by the handlers)', () => {
    template.resourceCountIs('AWS::Lambda::Url', 2);
    template.allResourcesProperties('AWS::Lambda::Url', { AuthType: 'NONE' });
    for (const name of ['Subscribe', 'Unsubscribe']) {
      template.hasResourceProperties('AWS::Lambda::Url', {
        TargetFunctionArn: { 'Fn::GetAtt': [Match.stringLikeRegexp(`^${name}[0-9A-F]{8}$`), 'Arn'] },
      });
    }
  });

  it('wires each function to exactly the HASHBRIEF_* variables it reads', () => {
    const vars = (name: string) =>
      Object.keys(
        (resource(template, 'AWS::Lambda::Function', name).Properties.Environment as { Variables: object })
          .Variables,
      ).sort();
    expect(vars('Report')).toEqual(
      [
        'HASHBRIEF_ARCHIVE_BUCKET',
        'HASHBRIEF_FROM_ADDRESS',
        'HASHBRIEF_LINKS_BASE_URL',
        'HASHBRIEF_POSTAL_ADDRESS',
        'HASHBRIEF_PUBLIC_BASE_URL',
        'HASHBRIEF_SEND_QUEUE_URL',
        'HASHBRIEF_SES_CONFIGURATION_SET',
        'HASHBRIEF_TOKEN_SECRET_PARAM',
        'NODE_OPTIONS',
      ].sort(),
    );
    const common = ['HASHBRIEF_ARCHIVE_BUCKET', 'HASHBRIEF_TOKEN_SECRET_PARAM', 'NODE_OPTIONS'];
    const links = ['HASHBRIEF_LINKS_BASE_URL', 'HASHBRIEF_PUBLIC_BASE_URL'];
    const mail = ['HASHBRIEF_FROM_ADDRESS', 'HASHBRIEF_POSTAL_ADDRESS', 'HASHBRIEF_SES_CONFIGURATION_SET'];
    expect(vars('Sender')).toEqual([...common, ...links, ...mail, 'HASHBRIEF_SENDER_CONCURRENCY'].sort());
    expect(vars('Subscribe')).toEqual([...common, 'HASHBRIEF_SIGNUP_QUEUE_URL'].sort());
    expect(vars('Signup')).toEqual(
      [
        ...common,
        'HASHBRIEF_LINKS_BASE_URL',
        'HASHBRIEF_FROM_ADDRESS',
        'HASHBRIEF_SES_CONFIGURATION_SET',
      ].sort(),
    );
    expect(vars('Unsubscribe')).toEqual([...common, ...links].sort());
    expect(vars('Feedback')).toEqual(['HASHBRIEF_ARCHIVE_BUCKET', 'NODE_OPTIONS']);
  });

  it('points every link of every function at the CDN', () => {
    const cdn = {
      'Fn::Join': [
        '',
        ['https://', { 'Fn::GetAtt': [expect.stringMatching(/^CdnDistribution/), 'DomainName'] }],
      ],
    };
    for (const name of ['Report', 'Sender', 'Signup', 'Unsubscribe']) {
      const env = resource(template, 'AWS::Lambda::Function', name).Properties.Environment as {
        Variables: Record<string, unknown>;
      };
      expect(env.Variables.HASHBRIEF_LINKS_BASE_URL).toEqual(cdn);
    }
  });

  it('passes optional settings through only when configured', () => {
    const { template: configured } = synth({
      config: {
        maxSendRate: 14,
        assumptions: { powerUsdPerKwh: 0.06 },
        linksBaseUrl: 'https://news.example.com/',
        senderReservedConcurrency: 0,
      },
    });
    configured.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ HASHBRIEF_MAX_SEND_RATE: '14' }) },
    });
    configured.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          HASHBRIEF_ASSUMPTIONS_JSON: '{"powerUsdPerKwh":0.06}',
          HASHBRIEF_LINKS_BASE_URL: 'https://news.example.com',
        }),
      },
    });
    const sender = Object.entries(configured.findResources('AWS::Lambda::Function')).find(([id]) =>
      id.startsWith('Sender'),
    )?.[1];
    expect(sender?.Properties.ReservedConcurrentExecutions).toBeUndefined();
  });
});

/**
 * A schedule's target: the function whose logical ID starts with `fn`, an empty payload, three retries
 * within two hours, then the queue whose logical ID starts with `dlq`.
 */
function invokes(fn: string, dlq: string) {
  return {
    Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp(`^${fn}`), 'Arn'] },
    Input: '{}',
    RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 7200 },
    DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp(`^${dlq}`), 'Arn'] } },
  };
}

/** Asserts that `t` has a schedule running `cron` in `timezone`, switched `state`, with `more` (its target, …). */
function expectSchedule(
  t: Template,
  cron: string,
  timezone: string,
  state: 'ENABLED' | 'DISABLED',
  more: Record<string, unknown> = {},
) {
  t.hasResourceProperties('AWS::Scheduler::Schedule', {
    ScheduleExpression: cron,
    ScheduleExpressionTimezone: timezone,
    State: state,
    ...more,
  });
}

/** The stack synthesized with the schedules in Berlin's time zone and `config` on top. */
const synthInBerlin = (config: NonNullable<SynthOptions['config']>) =>
  synth({ config: { scheduleTimezone: 'Europe/Berlin', ...config } }).template;

describe('weekly schedule', () => {
  it('invokes the report every Monday 07:00 UTC with an empty payload, no flexible window', () => {
    expectSchedule(template, 'cron(0 7 ? * MON *)', 'Etc/UTC', 'ENABLED', {
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: invokes('Report', 'WeeklyDlq'),
    });
  });

  it('takes cron and IANA time zone from config', () => {
    const berlin = synthInBerlin({ scheduleCron: 'cron(30 6 ? * TUE *)', scheduleEnabled: false });
    expectSchedule(berlin, 'cron(30 6 ? * TUE *)', 'Europe/Berlin', 'DISABLED');
  });
});

describe('daily alerts schedule', () => {
  it('invokes the alerts function every day at 08:00 in the weekly schedule’s time zone, with an empty payload', () => {
    expectSchedule(template, 'cron(0 8 * * ? *)', 'Etc/UTC', 'ENABLED', {
      FlexibleTimeWindow: { Mode: 'OFF' },
      Description: 'Daily hashbrief alert run',
      Target: invokes('Alerts', 'DailyAlertsDlq'),
    });
  });

  it('follows the weekly schedule’s time zone, and takes its own cron, switch and cooldowns from config', () => {
    const berlin = synthInBerlin({
      alertScheduleCron: 'cron(15 9 * * ? *)',
      alertScheduleEnabled: false,
      alertCooldownDays: '{"hashprice-low":3}',
    });
    expectSchedule(berlin, 'cron(15 9 * * ? *)', 'Europe/Berlin', 'DISABLED');
    const alerts = Object.entries(berlin.findResources('AWS::Lambda::Function')).find(([id]) =>
      id.startsWith('Alerts'),
    )?.[1];
    expect(alerts?.Properties.Environment.Variables.HASHBRIEF_ALERT_COOLDOWN_DAYS).toBe(
      '{"hashprice-low":3}',
    );
  });

  it('refuses cooldowns for an unknown alert at synth time, naming the key', () => {
    expect(() => synth({ config: { alertCooldownDays: '{"hashprice-lows":3}' } })).toThrow(
      /hashbrief:alertCooldownDays: hashprice-lows: unknown alert/,
    );
  });

  it('runs the alerts on x86_64 with the report’s memory and timeout (it renders its edition)', () => {
    expect(resource(template, 'AWS::Lambda::Function', 'Alerts').Properties).toMatchObject({
      Architectures: ['x86_64'],
      MemorySize: 1024,
      Timeout: 300,
    });
  });
});

/**
 * Asserts that the queue whose logical ID starts with `queue` is encrypted, has `properties`, and
 * dead-letters after 5 receives to `dlq`, which is encrypted and keeps a message `dlqRetention` seconds.
 */
function expectQueueWithDlq(
  queue: string,
  properties: Record<string, unknown>,
  dlq: string,
  dlqRetention: number,
) {
  expect(resource(template, 'AWS::SQS::Queue', queue).Properties).toMatchObject({
    SqsManagedSseEnabled: true,
    ...properties,
    RedrivePolicy: {
      maxReceiveCount: 5,
      deadLetterTargetArn: { 'Fn::GetAtt': [expect.stringMatching(new RegExp(`^${dlq}`)), 'Arn'] },
    },
  });
  expect(resource(template, 'AWS::SQS::Queue', dlq).Properties).toMatchObject({
    SqsManagedSseEnabled: true,
    MessageRetentionPeriod: dlqRetention,
  });
}

/** Asserts that function `fn` drains `queue` `batchSize` messages at a time, with partial batch responses and two pollers at most. */
function expectPartialBatchConsumer(fn: string, queue: string, batchSize: number) {
  template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
    FunctionName: { Ref: Match.stringLikeRegexp(`^${fn}`) },
    EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp(`^${queue}`), 'Arn'] },
    BatchSize: batchSize,
    FunctionResponseTypes: ['ReportBatchItemFailures'],
    ScalingConfig: { MaximumConcurrency: 2 },
  });
}

describe('send queue', () => {
  it('encrypts the queue, dead-letters after 5 receives and waits 6 x the sender timeout', () => {
    expectQueueWithDlq('DeliverySendQueue', { VisibilityTimeout: 360 }, 'DeliverySendDlq', 1209600);
  });

  it('feeds the sender one message at a time with partial batch responses', () => {
    expectPartialBatchConsumer('Sender', 'DeliverySendQueue', 1);
  });

  it('denies non-TLS access to every queue', () => {
    for (const policy of Object.values(template.findResources('AWS::SQS::QueuePolicy'))) {
      expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
    }
    // send, sign-up, their DLQs, and the weekly and daily schedules' DLQs
    template.resourceCountIs('AWS::SQS::QueuePolicy', 6);
  });
});

describe('sign-up queue', () => {
  it('keeps addresses briefly, encrypted, and dead-letters after 5 receives', () => {
    expectQueueWithDlq(
      'DeliverySignupQueue',
      { MessageRetentionPeriod: 86400, VisibilityTimeout: 180 },
      'DeliverySignupDlq',
      604800,
    );
  });

  it('feeds the sign-up worker with partial batch responses, two pollers at most', () => {
    expectPartialBatchConsumer('Signup', 'DeliverySignupQueue', 10);
    expect(resource(template, 'AWS::Lambda::Function', 'Signup').Properties).toMatchObject({ Timeout: 30 });
  });

  it('alarms when a sign-up lands in the DLQ or the worker fails', () => {
    expect(resource(template, 'AWS::CloudWatch::Alarm', 'AlarmsSignupDlqNotEmpty').Properties).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 0,
    });
    expect(resource(template, 'AWS::CloudWatch::Alarm', 'AlarmsSignupErrors').Properties).toMatchObject({
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: expect.stringMatching(/^Signup/) } }],
    });
  });
});

describe('SES', () => {
  it('creates a domain identity with DKIM from the from-address domain', () => {
    template.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: 'example.com',
      DkimAttributes: { SigningEnabled: true },
    });
  });

  it('creates an address identity when configured', () => {
    const { template: single } = synth({
      config: { fromAddress: 'me@example.org', sesIdentity: 'me@example.org' },
    });
    single.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'me@example.org' });
  });

  it('sends bounces, complaints and deliveries of the configuration set to the feedback function', () => {
    template.hasResourceProperties('AWS::SES::ConfigurationSet', {
      ReputationOptions: { ReputationMetricsEnabled: true },
    });
    template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      EventDestination: {
        Enabled: true,
        MatchingEventTypes: Match.arrayEquals(['bounce', 'complaint', 'delivery']),
        SnsDestination: { TopicARN: { Ref: Match.stringLikeRegexp('^DeliveryFeedbackTopic') } },
      },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      TopicArn: { Ref: Match.stringLikeRegexp('^DeliveryFeedbackTopic') },
      Endpoint: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Feedback'), 'Arn'] },
    });
  });
});

describe('alarms', () => {
  const alarm = (prefix: string) =>
    resource(template, 'AWS::CloudWatch::Alarm', `Alarms${prefix}`).Properties;
  const toOpsTopic = { AlarmActions: [{ Ref: expect.stringMatching(/^AlarmsOpsTopic/) }] };
  /** An alarm on `namespace`'s `metric` against `threshold` by `comparison`, notifying the ops topic. */
  const alarmOn = (namespace: string, metric: string, threshold: number, comparison: string) => ({
    ...toOpsTopic,
    Namespace: namespace,
    MetricName: metric,
    Threshold: threshold,
    ComparisonOperator: comparison,
  });

  it('alarms on report errors', () => {
    expect(alarm('ReportErrors')).toMatchObject(
      alarmOn('AWS/Lambda', 'Errors', 1, 'GreaterThanOrEqualToThreshold'),
    );
  });

  it('alarms on alerts errors, and counts held alert runs as held issues', () => {
    expect(alarm('AlertsErrors')).toMatchObject({
      ...toOpsTopic,
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: expect.stringMatching(/^Alerts/) } }],
      Threshold: 1,
    });
    expect(resource(template, 'AWS::Logs::MetricFilter', 'AlarmsAlertsHeldFilter').Properties).toEqual({
      FilterPattern: '{ $.message = "issue held" }',
      LogGroupName: { Ref: expect.stringMatching(/^AlertsLogs/) },
      MetricTransformations: [{ MetricNamespace: 'hashbrief', MetricName: 'IssueHeld', MetricValue: '1' }],
    });
    expect(alarm('AlertScheduleDlqNotEmpty')).toMatchObject({ ...toOpsTopic, Threshold: 0 });
  });

  it('alarms when an issue is held, counting the "issue held" lines of the report log group', () => {
    expect(resource(template, 'AWS::Logs::MetricFilter', 'AlarmsIssueHeldFilter').Properties).toEqual({
      FilterPattern: '{ $.message = "issue held" }',
      LogGroupName: { Ref: expect.stringMatching(/^ReportLogs/) },
      MetricTransformations: [{ MetricNamespace: 'hashbrief', MetricName: 'IssueHeld', MetricValue: '1' }],
    });
    expect(alarm('IssueHeld')).toMatchObject({
      ...alarmOn('hashbrief', 'IssueHeld', 1, 'GreaterThanOrEqualToThreshold'),
      Statistic: 'Sum',
      TreatMissingData: 'notBreaching',
    });
  });

  it('alarms when no successful report ran for 7 days, treating missing data as breaching', () => {
    expect(alarm('NoReportThisWeek')).toMatchObject({
      ...toOpsTopic,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      EvaluationPeriods: 7,
      DatapointsToAlarm: 7,
      TreatMissingData: 'breaching',
    });
    const metrics = alarm('NoReportThisWeek').Metrics as {
      Expression?: string;
      MetricStat?: { Period: number };
    }[];
    expect(metrics.find((m) => m.Expression)?.Expression).toBe('FILL(invocations, 0) - FILL(errors, 0)');
    expect(metrics.filter((m) => m.MetricStat).every((m) => m.MetricStat?.Period === 86400)).toBe(true);
  });

  it('alarms when either dead-letter queue holds a message', () => {
    for (const [name, queue] of [
      ['SendDlqNotEmpty', 'DeliverySendDlq'],
      ['ScheduleDlqNotEmpty', 'WeeklyDlq'],
    ] as const) {
      expect(alarm(name)).toMatchObject({
        ...toOpsTopic,
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        Dimensions: [
          { Name: 'QueueName', Value: { 'Fn::GetAtt': [expect.stringMatching(`^${queue}`), 'QueueName'] } },
        ],
      });
    }
  });

  it('alarms on sender errors and throttles', () => {
    expect(alarm('SenderErrors')).toMatchObject({ ...toOpsTopic, MetricName: 'Errors', Threshold: 1 });
    expect(alarm('SenderThrottles')).toMatchObject({ ...toOpsTopic, MetricName: 'Throttles', Threshold: 1 });
  });

  it('alarms on SES bounce and complaint rates before the review thresholds', () => {
    expect(alarm('SesBounceRate')).toMatchObject(
      alarmOn('AWS/SES', 'Reputation.BounceRate', 0.04, 'GreaterThanThreshold'),
    );
    expect(alarm('SesComplaintRate')).toMatchObject({
      ...toOpsTopic,
      MetricName: 'Reputation.ComplaintRate',
      Threshold: 0.0008,
    });
  });

  it('counts unreadable subscriber records from the log of every function that reads them, and alarms on one', () => {
    expect(alarm('UnreadableSubscriberRecords')).toMatchObject({
      ...toOpsTopic,
      Namespace: 'hashbrief',
      MetricName: 'UnreadableSubscriberRecords',
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    const filters = Object.values(template.findResources('AWS::Logs::MetricFilter')).filter(
      (f) => f.Properties.MetricTransformations[0].MetricName === 'UnreadableSubscriberRecords',
    );
    const logGroups = filters.map((f) => JSON.stringify(f.Properties.LogGroupName)).sort();
    expect(logGroups).toEqual(
      ['Alerts', 'Feedback', 'Report', 'Sender', 'Signup', 'Subscribe', 'Unsubscribe'].map((name) =>
        expect.stringMatching(new RegExp(`^\\{"Ref":"${name}Logs`)),
      ),
    );
    for (const filter of filters) {
      expect(filter.Properties).toMatchObject({
        FilterPattern: '{ $.message = "subscriber record unreadable" }',
        MetricTransformations: [
          { MetricNamespace: 'hashbrief', MetricName: 'UnreadableSubscriberRecords', MetricValue: '1' },
        ],
      });
    }
  });

  it('mails the ops topic when an address is configured', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
  });
});

describe('outputs', () => {
  it('exports bucket, CDN domain, function names and the manual-invoke command', () => {
    const outputs = template.findOutputs('*');
    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining([
        'ArchiveBucketName',
        'CdnDomainName',
        'PublicBaseUrl',
        'ReportFunctionName',
        'SenderFunctionName',
        'SubscribeFunctionName',
        'SignupFunctionName',
        'SignupQueueUrl',
        'UnsubscribeFunctionName',
        'FeedbackFunctionName',
        'ManualInvokeCommand',
        'DryRunCommand',
      ]),
    );
    const command = JSON.stringify(outputs.ManualInvokeCommand?.Value);
    expect(command).toContain('aws lambda invoke --function-name ');
    expect(command).toContain("--payload '{}'");
  });
});

describe('placeholder settings', () => {
  it('warns at synth when the postal address and from address are left at their placeholders', () => {
    // Act
    const { stack } = synth();

    // Assert
    const annotations = Annotations.fromStack(stack);
    annotations.hasWarning(
      '/Hashbrief',
      Match.stringLikeRegexp('hashbrief:postalAddress is not set.*CAN-SPAM'),
    );
    annotations.hasWarning('/Hashbrief', Match.stringLikeRegexp('hashbrief:fromAddress is the placeholder'));
  });

  it('does not warn when both are configured', () => {
    // Act
    const { stack } = synth({
      config: { fromAddress: 'Hashbrief <brief@hashbrief.news>', postalAddress: 'Hashbrief Ltd, 1 Main St' },
    });

    // Assert
    Annotations.fromStack(stack).hasNoWarning(
      '*',
      Match.stringLikeRegexp('hashbrief:(postalAddress|fromAddress)'),
    );
  });
});
