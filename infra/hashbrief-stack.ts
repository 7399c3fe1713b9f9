/**
 * Everything one weekly briefing needs, in one account-independent stack: the archive (stateful, pinned
 * logical IDs), the CDN, seven functions, the weekly and the daily alerts schedules, the send and sign-up
 * queues, SES, alarms and outputs.
 */
import path from 'node:path';
import { Annotations, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Construct } from 'constructs';
import { type HashbriefConfig, placeholderWarnings } from './config';
import { Alarms } from './constructs/alarms';
import { ArchiveBucket } from './constructs/archive-bucket';
import { Cdn } from './constructs/cdn';
import { Delivery } from './constructs/delivery';
import { type AssetCopy, FunctionWithLogGroup } from './constructs/function-with-log-group';
import { LinksApi } from './constructs/links-api';
import { WeeklySchedule } from './constructs/schedule';

export const FUNCTION_NAMES = [
  'report',
  'alerts',
  'sender',
  'subscribe',
  'signup',
  'unsubscribe',
  'feedback',
] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

/** The handler entry files, relative to the project root. */
export function defaultEntries(projectRoot: string): Record<FunctionName, string> {
  return Object.fromEntries(
    FUNCTION_NAMES.map((name) => [name, path.join(projectRoot, 'functions', `${name}.ts`)]),
  ) as Record<FunctionName, string>;
}

/**
 * What the report bundle cannot inline: the MJML partials the renderer reads from `templates/` beside the
 * bundle, resvg's native addon (a .node binary esbuild cannot bundle) and the DejaVu fonts it reads at runtime. Copied from the local node_modules after bundling, so synth needs
 * no network and no Docker; the x64 glibc build matches the x86_64 Lambda architecture. Each lands at the
 * same path beside the bundle as in the project.
 */
export const REPORT_NATIVE_FILES: readonly AssetCopy[] = [
  'templates',
  'node_modules/@resvg/resvg-js',
  'node_modules/@resvg/resvg-js-linux-x64-gnu',
  'node_modules/dejavu-fonts-ttf/package.json',
  'node_modules/dejavu-fonts-ttf/LICENSE',
  'node_modules/dejavu-fonts-ttf/ttf',
].map((file) => ({ from: file, to: file }));

/** 0 means "do not reserve": accounts with the default concurrency quota of 10 cannot reserve any. */
function reservation(executions: number): number | undefined {
  return executions > 0 ? executions : undefined;
}

export interface HashbriefStackProps extends StackProps {
  readonly config: HashbriefConfig;
  /** Repository root (package-lock.json, node_modules, functions/). */
  readonly projectRoot: string;
  /** Handler entry files; defaults to functions/<name>.ts. Tests pass stubs to skip real handlers. */
  readonly entries?: Partial<Record<FunctionName, string>>;
}

export class HashbriefStack extends Stack {
  readonly archive: ArchiveBucket;
  readonly cdn: Cdn;
  readonly delivery: Delivery;
  readonly functions: Record<FunctionName, FunctionWithLogGroup>;
  readonly schedule: WeeklySchedule;
  readonly alertSchedule: WeeklySchedule;
  readonly alarms: Alarms;
  readonly linksApi: LinksApi;
  readonly functionUrls: Record<'subscribe' | 'unsubscribe', lambda.FunctionUrl>;

  constructor(scope: Construct, id: string, props: HashbriefStackProps) {
    super(scope, id, props);
    const { config, projectRoot } = props;
    const entries = { ...defaultEntries(projectRoot), ...props.entries };
    const senderTimeout = Duration.seconds(config.senderTimeoutSeconds);
    // A batch of up to 10 sign-ups, one at a time: each an S3 read and write and one SES send.
    const signupTimeout = Duration.seconds(30);
    // Placeholders synthesise (offline synth needs no settings) but must not deploy unnoticed.
    for (const warning of placeholderWarnings(config))
      Annotations.of(this).addWarningV2(warning.id, warning.message);

    this.archive = new ArchiveBucket(this, 'Archive', {
      encryption: config.archiveEncryption,
      rawTransitionDays: config.rawTransitionDays,
      rawStorageClass: config.rawStorageClass,
      noncurrentVersionExpirationDays: config.noncurrentVersionExpirationDays,
      accessLogExpirationDays: config.accessLogExpirationDays,
    });

    this.delivery = new Delivery(this, 'Delivery', {
      fromAddress: config.fromAddress,
      sesIdentity: config.sesIdentity,
      sandboxRecipients: config.sandboxRecipients,
      senderTimeout,
      maxReceiveCount: config.sendMaxReceiveCount,
      signupTimeout,
    });

    const common = { projectRoot, logRetentionDays: config.logRetentionDays };
    const small = { ...common, architecture: lambda.Architecture.ARM_64, memorySize: 256 };

    const report = new FunctionWithLogGroup(this, 'Report', {
      ...common,
      entry: entries.report,
      description: 'hashbrief: build, archive and enqueue the weekly issue (scheduled or manual)',
      // resvg ships its native addon per platform; the x64 glibc build is the one in the lock file.
      architecture: lambda.Architecture.X86_64,
      memorySize: config.reportMemoryMb,
      timeout: Duration.seconds(config.reportTimeoutSeconds),
      externalModules: ['@resvg/resvg-js'],
      copy: REPORT_NATIVE_FILES,
    });
    const alerts = new FunctionWithLogGroup(this, 'Alerts', {
      ...common,
      entry: entries.alerts,
      description:
        'hashbrief: daily alert run: judge the alert rules, archive an edition, enqueue the alert mail',
      // Renders its edition (MJML, one chart) like the report: same architecture and native files.
      architecture: lambda.Architecture.X86_64,
      memorySize: config.reportMemoryMb,
      timeout: Duration.seconds(config.reportTimeoutSeconds),
      externalModules: ['@resvg/resvg-js'],
      copy: REPORT_NATIVE_FILES,
    });
    const sender = new FunctionWithLogGroup(this, 'Sender', {
      ...common,
      entry: entries.sender,
      description: 'hashbrief: send one queued batch of the issue through SES',
      architecture: lambda.Architecture.ARM_64,
      memorySize: config.senderMemoryMb,
      timeout: senderTimeout,
      reservedConcurrentExecutions: reservation(config.senderReservedConcurrency),
    });
    const subscribe = new FunctionWithLogGroup(this, 'Subscribe', {
      ...small,
      entry: entries.subscribe,
      description: 'hashbrief: sign-up form (GET), queue a sign-up (POST), confirm (GET /confirm)',
      timeout: Duration.seconds(10),
      // The direct Function URL is not behind the links API's throttle: reserved concurrency caps what it
      // can cost. An answer is one SQS call (tens of ms, no lookup, no send, no sleep), so even 2
      // executions serve dozens of requests a second and junk traffic cannot starve real sign-ups.
      reservedConcurrentExecutions: reservation(config.subscribeReservedConcurrency),
    });
    const signup = new FunctionWithLogGroup(this, 'Signup', {
      ...small,
      entry: entries.signup,
      description: 'hashbrief: sign-up worker: look up, rate-limit and mail the confirmation (SQS)',
      timeout: signupTimeout,
    });
    const unsubscribe = new FunctionWithLogGroup(this, 'Unsubscribe', {
      ...small,
      entry: entries.unsubscribe,
      description: 'hashbrief: unsubscribe page (GET) and RFC 8058 one-click (POST); preferences page',
      timeout: Duration.seconds(10),
    });
    const feedback = new FunctionWithLogGroup(this, 'Feedback', {
      ...small,
      entry: entries.feedback,
      description: 'hashbrief: suppress subscribers on SES bounces and complaints',
      timeout: Duration.seconds(30),
    });
    this.functions = { report, alerts, sender, subscribe, signup, unsubscribe, feedback };

    // Direct endpoints as well (e.g. for a sign-up form on another site). Auth NONE on purpose: they are
    // opened from mail clients and browsers without AWS credentials, and every state change is authorised
    // by an HMAC token the handler verifies.
    this.functionUrls = {
      subscribe: subscribe.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE }),
      unsubscribe: unsubscribe.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE }),
    };
    this.linksApi = new LinksApi(this, 'Links', {
      subscribe,
      unsubscribe,
      logRetentionDays: config.logRetentionDays,
      rateLimit: config.linksRateLimit,
    });
    this.cdn = new Cdn(this, 'Cdn', { archive: this.archive, linksOriginDomain: this.linksApi.domainName });
    // One https base for archive downloads, hosted images and every link in a mail, unless a custom domain
    // is configured in front of the CDN.
    const linksBaseUrl = config.linksBaseUrl ?? this.cdn.baseUrl;
    const publicBaseUrl = this.cdn.baseUrl;
    const tuning = {
      HASHBRIEF_POSTAL_ADDRESS: config.postalAddress,
      HASHBRIEF_RECIPIENTS_PER_MESSAGE: config.recipientsPerMessage?.toString(),
    };

    report
      .bindArchive(this.archive, {
        // Reads its own earlier issues, all three manifests and both feeds (each is replaced with If-Match on
        // the version read, index.html included), the alert editions' list (the feeds list them too) and the
        // subscriber list it fans out to; writes only the issue, the manifests, the feeds and its run records
        // (runs/*: the lease and committed inputs, the day's issue id, the delivery plan; private,
        // never served by the CDN).
        read: [
          'issues/*',
          'index.json',
          'latest.json',
          'index.html',
          'feed.xml',
          'feed.json',
          'alerts/index.json',
          'subscribers/*',
          'runs/*',
        ],
        write: ['issues/*', 'index.json', 'latest.json', 'index.html', 'feed.xml', 'feed.json', 'runs/*'],
      })
      .bindSendQueue(this.delivery.sendQueue)
      .bindMailer(this.delivery)
      .bindTokenSecret(config.tokenSecretParameterName)
      .withEnvironment({
        ...tuning,
        HASHBRIEF_PUBLIC_BASE_URL: publicBaseUrl,
        HASHBRIEF_LINKS_BASE_URL: linksBaseUrl,
        HASHBRIEF_ASSUMPTIONS_JSON: config.assumptions ? JSON.stringify(config.assumptions) : undefined,
        HASHBRIEF_COINMETRICS_URL: config.coinmetricsUrl,
        HASHBRIEF_MEMPOOL_URL: config.mempoolUrl,
      });
    // Scheduler already retries delivery; one Lambda-side retry covers a transient upstream failure, and
    // the report is idempotent (issue objects are written once).
    report.configureAsyncInvoke({ retryAttempts: 1, maxEventAge: Duration.hours(1) });

    // Reads the latest issue (its snapshot and daily series), the alert editions and the feeds, and the
    // subscriber list it plans for; writes only alert editions, the feeds and its mail-day records.
    alerts
      .bindArchive(this.archive, {
        read: [
          'issues/*',
          'index.json',
          'alerts/*',
          'feed.xml',
          'feed.json',
          'subscribers/*',
          'runs/alert-mail/*',
        ],
        write: ['alerts/*', 'feed.xml', 'feed.json', 'runs/alert-mail/*'],
      })
      .bindSendQueue(this.delivery.sendQueue)
      .withEnvironment({
        ...tuning,
        HASHBRIEF_PUBLIC_BASE_URL: publicBaseUrl,
        HASHBRIEF_LINKS_BASE_URL: linksBaseUrl,
        HASHBRIEF_ASSUMPTIONS_JSON: config.assumptions ? JSON.stringify(config.assumptions) : undefined,
        HASHBRIEF_ALERT_COOLDOWN_DAYS: config.alertCooldownDays
          ? JSON.stringify(config.alertCooldownDays)
          : undefined,
        HASHBRIEF_COINMETRICS_URL: config.coinmetricsUrl,
        HASHBRIEF_MEMPOOL_URL: config.mempoolUrl,
      });
    alerts.configureAsyncInvoke({ retryAttempts: 1, maxEventAge: Duration.hours(1) });

    sender
      .bindArchive(this.archive, {
        // alerts/*: an alert edition's email.json and chart, sent like an issue's.
        read: ['issues/*', 'alerts/*', 'subscribers/*', 'ledger/*'],
        write: ['ledger/*'],
      })
      .bindMailer(this.delivery, { readQuota: true })
      .bindTokenSecret(config.tokenSecretParameterName)
      .withEnvironment({
        ...tuning,
        HASHBRIEF_PUBLIC_BASE_URL: publicBaseUrl,
        HASHBRIEF_LINKS_BASE_URL: linksBaseUrl,
        HASHBRIEF_MAX_SEND_RATE: config.maxSendRate?.toString(),
        // The sender splits the account's SES rate between its concurrent copies.
        HASHBRIEF_SENDER_CONCURRENCY: String(Math.max(2, config.senderReservedConcurrency)),
      });
    sender.addEventSource(
      new sources.SqsEventSource(this.delivery.sendQueue, {
        // One message (up to 50 recipients) per invocation: at a low SES rate (the sandbox's 1/s shared by
        // two senders) even one message can outlast the timeout. The sender then stops claiming 15 s before
        // it and returns the message for the rest; several messages per invocation would only multiply
        // the recipients left over and the receives each message burns on the way to the DLQ.
        batchSize: 1,
        reportBatchItemFailures: true,
        // Keeps the pollers within the reserved concurrency so SQS does not see throttles as failures.
        maxConcurrency: Math.max(2, config.senderReservedConcurrency),
      }),
    );

    // The endpoint only queues sign-ups and confirms tokens: no SES, no links to build.
    subscribe
      .bindArchive(this.archive, { read: ['subscribers/*'], write: ['subscribers/*'] })
      .bindSignupQueue(this.delivery.signupQueue)
      .bindTokenSecret(config.tokenSecretParameterName);

    signup
      .bindArchive(this.archive, { read: ['subscribers/*'], write: ['subscribers/*'] })
      .bindMailer(this.delivery)
      .bindTokenSecret(config.tokenSecretParameterName)
      .withEnvironment({ HASHBRIEF_LINKS_BASE_URL: linksBaseUrl });
    signup.addEventSource(
      new sources.SqsEventSource(this.delivery.signupQueue, {
        batchSize: 10,
        reportBatchItemFailures: true,
        // Two pollers at most: confirmation mails share the account's SES rate with the weekly send.
        maxConcurrency: 2,
      }),
    );

    unsubscribe
      .bindArchive(this.archive, { read: ['subscribers/*'], write: ['subscribers/*'] })
      .bindTokenSecret(config.tokenSecretParameterName)
      .withEnvironment({ HASHBRIEF_LINKS_BASE_URL: linksBaseUrl, HASHBRIEF_PUBLIC_BASE_URL: publicBaseUrl });

    // feedback/* is the ledger that applies each SES notification once, however often SNS delivers it.
    feedback.bindArchive(this.archive, {
      read: ['subscribers/*', 'feedback/*'],
      write: ['subscribers/*', 'feedback/*'],
    });
    feedback.addEventSource(new sources.SnsEventSource(this.delivery.feedbackTopic));

    this.schedule = new WeeklySchedule(this, 'Weekly', {
      target: report,
      expression: config.scheduleCron,
      timezone: config.scheduleTimezone,
      enabled: config.scheduleEnabled,
    });
    // The daily alert run, in the weekly schedule's time zone.
    this.alertSchedule = new WeeklySchedule(this, 'DailyAlerts', {
      target: alerts,
      expression: config.alertScheduleCron,
      timezone: config.scheduleTimezone,
      enabled: config.alertScheduleEnabled,
      description: 'Daily hashbrief alert run',
    });

    this.alarms = new Alarms(this, 'Alarms', {
      report,
      reportLogGroup: report.logGroupResource,
      alerts,
      alertsLogGroup: alerts.logGroupResource,
      sender,
      signup,
      feedback,
      subscriberReaderLogs: {
        Report: report.logGroupResource,
        Alerts: alerts.logGroupResource,
        Sender: sender.logGroupResource,
        Signup: signup.logGroupResource,
        Subscribe: subscribe.logGroupResource,
        Unsubscribe: unsubscribe.logGroupResource,
        Feedback: feedback.logGroupResource,
      },
      deadLetterQueues: {
        Send: this.delivery.sendDeadLetterQueue,
        Signup: this.delivery.signupDeadLetterQueue,
        Schedule: this.schedule.deadLetterQueue,
        AlertSchedule: this.alertSchedule.deadLetterQueue,
      },
      bounceRateThreshold: config.bounceRateAlarmThreshold,
      complaintRateThreshold: config.complaintRateAlarmThreshold,
      alarmEmail: config.alarmEmail,
    });

    this.addOutputs(config);
  }

  private addOutputs(config: HashbriefConfig): void {
    const { report } = this.functions;
    const invoke = (payload: string) =>
      `aws lambda invoke --function-name ${report.functionName} --cli-binary-format raw-in-base64-out --payload '${payload}' /dev/stdout`;
    new CfnOutput(this, 'ArchiveBucketName', { value: this.archive.bucket.bucketName });
    new CfnOutput(this, 'CdnDomainName', { value: this.cdn.distribution.distributionDomainName });
    new CfnOutput(this, 'PublicBaseUrl', { value: this.cdn.baseUrl });
    new CfnOutput(this, 'SubscribeUrl', {
      description: 'POST an address here (form field "email") to subscribe',
      value: `${config.linksBaseUrl ?? this.cdn.baseUrl}/subscribe`,
    });
    for (const [name, fn] of Object.entries(this.functions)) {
      new CfnOutput(this, `${capitalize(name)}FunctionName`, { value: fn.functionName });
    }
    new CfnOutput(this, 'SubscribeFunctionUrl', { value: this.functionUrls.subscribe.url });
    new CfnOutput(this, 'UnsubscribeFunctionUrl', { value: this.functionUrls.unsubscribe.url });
    new CfnOutput(this, 'SendQueueUrl', { value: this.delivery.sendQueue.queueUrl });
    new CfnOutput(this, 'SignupQueueUrl', { value: this.delivery.signupQueue.queueUrl });
    new CfnOutput(this, 'OpsTopicArn', { value: this.alarms.topic.topicArn });
    new CfnOutput(this, 'SesConfigurationSet', { value: this.delivery.configurationSetName });
    new CfnOutput(this, 'TokenSecretParameterName', {
      description:
        'Create it once: aws ssm put-parameter --type SecureString --name <this> --value "$(openssl rand -hex 32)"',
      value: config.tokenSecretParameterName,
    });
    new CfnOutput(this, 'ManualInvokeCommand', {
      description: 'Build (and send) an issue now, as the weekly schedule would',
      value: invoke('{}'),
    });
    new CfnOutput(this, 'DryRunCommand', {
      description: 'Build an issue for a given day in memory: nothing archived, nothing sent',
      value: invoke('{"asOf":"2026-11-23","dryRun":true}'),
    });
  }
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
