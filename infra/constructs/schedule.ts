/**
 * The weekly trigger (and, with another description, the daily alerts trigger): an EventBridge Scheduler
 * schedule (not an EventBridge rule) because only Scheduler takes an IANA time zone, so "Monday 07:00
 * Europe/Berlin" stays 07:00 across daylight-saving changes.
 */
import { type CfnElement, Duration, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { deadLetterQueue } from './queues';

export interface WeeklyScheduleProps {
  readonly target: lambda.IFunction;
  /** `cron(0 7 ? * MON *)` style expression. */
  readonly expression: string;
  readonly timezone: string;
  readonly enabled: boolean;
  /** What the schedule runs, for its description; default the weekly issue. */
  readonly description?: string;
}

export class WeeklySchedule extends Construct {
  readonly schedule: scheduler.Schedule;
  /** Invocations Scheduler could not deliver after its retries land here (alarmed). */
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: WeeklyScheduleProps) {
    super(scope, id);

    this.deadLetterQueue = deadLetterQueue(
      this,
      'Dlq',
      Duration.days(14),
      'This queue is the dead-letter queue of the weekly schedule; nothing consumes it automatically.',
    );

    // Our own role (instead of the shared one the target would create) so the acknowledgement below is
    // scoped to exactly this schedule's permission.
    const role = new iam.Role(this, 'InvokeRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: `Lets the schedule "${props.description ?? 'Weekly hashbrief issue'}" invoke its function`,
    });
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(props.target.node.defaultChild as CfnElement)}.Arn>:*]`,
      reason:
        'lambda:InvokeFunction on the report function and its versions/aliases only (grantInvoke adds the :* form).',
    });

    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      description: props.description ?? 'Weekly hashbrief issue',
      schedule: scheduler.ScheduleExpression.expression(props.expression, TimeZone.of(props.timezone)),
      // The issue should land at the same minute every week, not anywhere in a window.
      timeWindow: scheduler.TimeWindow.off(),
      enabled: props.enabled,
      target: new targets.LambdaInvoke(props.target, {
        role,
        // The weekly run is the empty payload (docs/architecture.md, "Contracts"): as of the last complete day.
        input: scheduler.ScheduleTargetInput.fromObject({}),
        // Scheduler invokes asynchronously; retries cover throttling and Lambda service errors, while the
        // report's own failures are alarmed on the function. The report is idempotent, so a retry is safe.
        retryAttempts: 3,
        maxEventAge: Duration.hours(2),
        deadLetterQueue: this.deadLetterQueue,
      }),
    });
  }
}
