/**
 * The one way hashbrief defines a Lambda: a NodejsFunction with the project's defaults fixed in one place
 * (Node 24, ESM bundle with source maps, minified, JSON logs into its own log group with retention, X-Ray)
 * and `bind…` methods that grant a permission and set the matching HASHBRIEF_* variable in one call, so
 * an environment variable can never point at something the function may not use.
 */
import { type Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { ARCHIVE_BUCKET_LOGICAL_ID, type ArchiveAccess, type ArchiveBucket } from './archive-bucket';

/** What a function needs to know to send mail through SES (see delivery.ts). */
export interface Mailer {
  /** From header, `Name <user@domain>`. */
  readonly fromAddress: string;
  readonly configurationSetName: string;
  /** The sending identity plus, while in the SES sandbox, the verified recipient identities. */
  readonly identityArns: string[];
  readonly configurationSetArn: string;
}

/**
 * ESM bundles still meet CommonJS dependencies (mjml, nodemailer) that call `require`; esbuild keeps those
 * calls, and in an .mjs file `require` only exists if we define it.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __hashbriefCreateRequire } from 'node:module'; const require = __hashbriefCreateRequire(import.meta.url);";

/** Files copied next to the bundle for a function that cannot have them inlined by esbuild. */
export interface AssetCopy {
  /** Path relative to the project root, e.g. `node_modules/@resvg/resvg-js`. */
  readonly from: string;
  /** Path relative to the bundle directory. */
  readonly to: string;
}

export interface FunctionWithLogGroupProps {
  /** Handler entry file (absolute path). */
  readonly entry: string;
  /** Repository root: where package-lock.json and node_modules are. */
  readonly projectRoot: string;
  readonly description: string;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly logRetentionDays: number;
  /** ARM64 is cheaper; X86_64 where a native module ships only an x64 build. */
  readonly architecture: lambda.Architecture;
  /** Modules left out of the bundle (native code) and copied in whole via {@link FunctionWithLogGroupProps.copy}. */
  readonly externalModules?: string[];
  readonly copy?: readonly AssetCopy[];
  readonly reservedConcurrentExecutions?: number;
  readonly environment?: Record<string, string>;
}

/** A NodejsFunction with its own log group, execution role and the project's defaults. */
export class FunctionWithLogGroup extends nodejs.NodejsFunction {
  readonly logGroupResource: logs.LogGroup;

  constructor(scope: Construct, id: string, props: FunctionWithLogGroupProps) {
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
      retention: props.logRetentionDays as logs.RetentionDays,
    });
    // An explicit role instead of the AWSLambdaBasicExecutionRole managed policy, whose logs:* grant covers
    // every log group in the account; this one may only write to its own group.
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the hashbrief ${id} function`,
    });
    const copy = props.copy ?? [];
    super(scope, id, {
      entry: props.entry,
      handler: 'handler',
      projectRoot: props.projectRoot,
      depsLockFilePath: `${props.projectRoot}/package-lock.json`,
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: props.architecture,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.INFO,
      // Active tracing: one weekly run crosses S3, SQS and SES, and the trace is the cheapest way to see
      // where the minutes went (every SDK client is wrapped by the Powertools Tracer in
      // functions/commons/aws.ts, so each call is a subsegment); at a few hundred invocations a week it
      // stays inside the X-Ray free tier.
      tracing: lambda.Tracing.ACTIVE,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        format: nodejs.OutputFormat.ESM,
        target: 'node24',
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        minify: true,
        sourceMap: true,
        sourceMapMode: nodejs.SourceMapMode.EXTERNAL,
        // Stack traces keep file and line numbers; omitting the sources keeps the map a fraction of the size.
        sourcesContent: false,
        // The SDK in the Lambda runtime can lag behind the version the code was tested with; bundle ours.
        bundleAwsSDK: true,
        externalModules: props.externalModules ?? [],
        // Local esbuild only: no Docker on build machines, and the lock file pins the exact version.
        forceDockerBundling: false,
        commandHooks:
          copy.length > 0
            ? {
                beforeBundling: () => [],
                beforeInstall: () => [],
                afterBundling: (inputDir: string, outputDir: string) =>
                  copy.map(
                    (c) =>
                      `mkdir -p "${outputDir}/${parentDir(c.to)}" && cp -R "${inputDir}/${c.from}" "${outputDir}/${c.to}"`,
                  ),
              }
            : undefined,
      },
    });
    this.logGroupResource = logGroup;
    logGroup.grantWrite(role);
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray PutTraceSegments/PutTelemetryRecords and SES GetSendQuota have no resource-level permissions; AWS requires "*".',
    });
  }

  /** Sets HASHBRIEF_ARCHIVE_BUCKET and grants only the listed object actions and key patterns. */
  bindArchive(archive: ArchiveBucket, access: ArchiveAccess): this {
    this.addEnvironment('HASHBRIEF_ARCHIVE_BUCKET', archive.bucket.bucketName);
    archive.grantAccess(this, access);
    const patterns = new Set(
      [...(access.read ?? []), ...(access.write ?? [])].filter((p) => p.endsWith('*')),
    );
    for (const pattern of patterns) {
      Validations.of(this.role ?? this).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${ARCHIVE_BUCKET_LOGICAL_ID}.Arn>/${pattern}]`,
        reason: `Object keys under ${pattern.slice(0, -1)} are per issue or per subscriber and unknown at deploy time; the grant is limited to this prefix and to the actions this function uses.`,
      });
    }
    return this;
  }

  /** Sets HASHBRIEF_SEND_QUEUE_URL and grants sqs:SendMessage (covers SendMessageBatch) on that queue only. */
  bindSendQueue(queue: sqs.IQueue): this {
    return this.bindProducer('HASHBRIEF_SEND_QUEUE_URL', queue);
  }

  /** Sets HASHBRIEF_SIGNUP_QUEUE_URL and grants sqs:SendMessage on that queue only. */
  bindSignupQueue(queue: sqs.IQueue): this {
    return this.bindProducer('HASHBRIEF_SIGNUP_QUEUE_URL', queue);
  }

  private bindProducer(variable: string, queue: sqs.IQueue): this {
    this.addEnvironment(variable, queue.queueUrl);
    this.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] }),
    );
    return this;
  }

  /**
   * Sets HASHBRIEF_TOKEN_SECRET_PARAM and grants ssm:GetParameter on exactly that parameter, plus
   * kms:Decrypt only when SSM asks for it on behalf of this parameter (the SecureString uses the
   * AWS-managed aws/ssm key, whose ID is not known at synth).
   */
  bindTokenSecret(parameterName: string): this {
    const stack = Stack.of(this);
    const parameterArn = stack.formatArn({
      service: 'ssm',
      resource: 'parameter',
      resourceName: parameterName.replace(/^\//, ''),
    });
    this.addEnvironment('HASHBRIEF_TOKEN_SECRET_PARAM', parameterName);
    this.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['ssm:GetParameter'], resources: [parameterArn] }),
    );
    this.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['kms:Decrypt'],
        resources: [stack.formatArn({ service: 'kms', resource: 'key', resourceName: '*' })],
        conditions: {
          StringEquals: {
            'kms:ViaService': `ssm.${stack.region}.amazonaws.com`,
            'kms:EncryptionContext:PARAMETER_ARN': parameterArn,
          },
        },
      }),
    );
    Validations.of(this.role ?? this).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:kms:<AWS::Region>:<AWS::AccountId>:key/*]',
      reason:
        'The token secret uses the AWS-managed aws/ssm key, whose key ID is unknown at synth; the grant is pinned by kms:ViaService and the parameter ARN in the encryption context.',
    });
    return this;
  }

  /**
   * Sets HASHBRIEF_FROM_ADDRESS and HASHBRIEF_SES_CONFIGURATION_SET and grants sending from the identity
   * through the configuration set. `readQuota` adds ses:GetSendQuota for the sender's rate limiter.
   */
  bindMailer(mailer: Mailer, options: { readQuota?: boolean } = {}): this {
    this.addEnvironment('HASHBRIEF_FROM_ADDRESS', mailer.fromAddress);
    this.addEnvironment('HASHBRIEF_SES_CONFIGURATION_SET', mailer.configurationSetName);
    this.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendEmail', 'ses:SendRawEmail'],
        resources: [...mailer.identityArns, mailer.configurationSetArn],
      }),
    );
    if (options.readQuota) {
      this.addToRolePolicy(new iam.PolicyStatement({ actions: ['ses:GetSendQuota'], resources: ['*'] }));
    }
    return this;
  }

  /** Sets plain HASHBRIEF_* values that need no permission (URLs, addresses, tuning). */
  withEnvironment(values: Record<string, string | undefined>): this {
    for (const [key, value] of Object.entries(values)) {
      if (value !== undefined) this.addEnvironment(key, value);
    }
    return this;
  }
}

function parentDir(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '.' : path.slice(0, i);
}
