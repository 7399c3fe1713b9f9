/**
 * Operational alarms, all to one SNS ops topic. Each alarm answers a question an operator would otherwise
 * only ask after subscribers complain: did this week's issue go out, was it held for implausible data, did
 * anything get stuck, is SES about to put the account under review?
 */
import { Duration, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { UNREADABLE_RECORD_WARNING } from '../../src/delivery/subscribers';
import { ISSUE_HELD_LOG_MESSAGE } from '../../src/sources/integrity';

/** Namespace of the metrics hashbrief derives from its own logs. */
export const METRIC_NAMESPACE = 'hashbrief';
/** Count of "subscriber record unreadable" warnings, from every function that reads subscribers. */
export const UNREADABLE_RECORDS_METRIC = 'UnreadableSubscriberRecords';

export interface AlarmsProps {
  readonly report: lambda.IFunction;
  /** The report function's log group: a held issue is counted from its `issue held` line. */
  readonly reportLogGroup: logs.ILogGroup;
  /** The daily alerts function and its log group (held alert runs count as held issues too). */
  readonly alerts: lambda.IFunction;
  readonly alertsLogGroup: logs.ILogGroup;
  readonly sender: lambda.IFunction;
  readonly signup: lambda.IFunction;
  readonly feedback: lambda.IFunction;
  /**
   * Log groups of the functions that read subscriber records: each warning about an unreadable record
   * (skipped so delivery to everyone else goes on) counts into {@link UNREADABLE_RECORDS_METRIC}.
   */
  readonly subscriberReaderLogs: Record<string, logs.ILogGroup>;
  /** Every dead-letter queue, keyed by a short name used in the alarm's ID. */
  readonly deadLetterQueues: Record<string, sqs.IQueue>;
  /** SES account reputation thresholds (fractions, 0.04 = 4%). */
  readonly bounceRateThreshold: number;
  readonly complaintRateThreshold: number;
  readonly alarmEmail?: string;
}

export class Alarms extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'OpsTopic', { displayName: 'hashbrief operations', enforceSSL: true });
    Validations.of(this.topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'Alarm notifications name only resources and thresholds; CloudWatch can publish to an encrypted topic only through a customer-managed KMS key, a cost this topic does not justify.',
    });
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    const action = new actions.SnsAction(this.topic);
    const add = (alarmId: string, alarmProps: cloudwatch.AlarmProps): void => {
      const alarm = new cloudwatch.Alarm(this, alarmId, alarmProps);
      alarm.addAlarmAction(action);
      this.alarms.push(alarm);
    };
    // Any occurrence in one period is worth a look: function errors and throttles.
    const onAny = (alarmId: string, alarmDescription: string, metric: cloudwatch.IMetric): void =>
      add(alarmId, {
        alarmDescription,
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    // Powertools writes JSON log lines with the text in `message`: this counts the lines of a log group that
    // carry `message` into a hashbrief metric without dimensions.
    const countLines = (filterId: string, logGroup: logs.ILogGroup, message: string, metricName: string) =>
      new logs.MetricFilter(this, filterId, {
        logGroup,
        filterPattern: logs.FilterPattern.stringValue('$.message', '=', message),
        metricNamespace: METRIC_NAMESPACE,
        metricName,
        metricValue: '1',
      });
    // A function's failed invocations, summed per `period`.
    const onErrors = (alarmId: string, fn: lambda.IFunction, period: Duration, alarmDescription: string) =>
      onAny(alarmId, alarmDescription, fn.metricErrors({ period, statistic: 'Sum' }));
    // SES publishes these account-wide reputation metrics without dimensions, every few hours or so.
    const sesReputation = (
      alarmId: string,
      metricName: string,
      threshold: number,
      reviewedAt: number,
    ): void =>
      add(alarmId, {
        alarmDescription: `SES ${metricName === 'Reputation.BounceRate' ? 'bounce' : 'complaint'} rate above ${threshold}: SES reviews accounts at ${reviewedAt}.`,
        metric: new cloudwatch.Metric({
          namespace: 'AWS/SES',
          metricName,
          statistic: 'Maximum',
          period: Duration.hours(1),
        }),
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });

    onErrors(
      'ReportErrors',
      props.report,
      Duration.hours(1),
      'The report function failed (weekly or manual run). Check its log group.',
    );

    // A held issue also fails the run (ReportErrors), but needs another answer: the data, not the code,
    // is wrong. The report function logs one JSON line per held issue; this filter counts them.
    const held = countLines('IssueHeldFilter', props.reportLogGroup, ISSUE_HELD_LOG_MESSAGE, 'IssueHeld');
    // The alert run holds implausible figures the same way and logs the same line: one metric for both.
    countLines('AlertsHeldFilter', props.alertsLogGroup, ISSUE_HELD_LOG_MESSAGE, 'IssueHeld');
    onErrors(
      'AlertsErrors',
      props.alerts,
      Duration.hours(1),
      'The alerts function failed (daily or manual run): no alert was judged or mailed that day. Check its log group.',
    );
    onAny(
      'IssueHeld',
      'An issue or alert run was held, not archived or sent: Coin Metrics\' figures were implausible and no witness settled them. The report (or alerts) log\'s "issue held" line names the values.',
      held.metric({ period: Duration.hours(1), statistic: 'Sum' }),
    );

    // "No report this week": successful report runs per day, and the alarm fires when all of the last
    // seven days had none. Missing data counts as breaching: a schedule that silently stopped produces
    // no datapoints at all. (Fires in the first week after deploy until the first issue exists.)
    const invocations = props.report.metricInvocations({ period: Duration.days(1), statistic: 'Sum' });
    const errors = props.report.metricErrors({ period: Duration.days(1), statistic: 'Sum' });
    add('NoReportThisWeek', {
      alarmDescription: 'No successful report run in 7 days: the weekly issue did not go out.',
      metric: new cloudwatch.MathExpression({
        expression: 'FILL(invocations, 0) - FILL(errors, 0)',
        usingMetrics: { invocations, errors },
        period: Duration.days(1),
        label: 'Successful report runs',
      }),
      threshold: 1,
      evaluationPeriods: 7,
      datapointsToAlarm: 7,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });

    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      add(`${name}DlqNotEmpty`, {
        alarmDescription: `Messages in the ${name} dead-letter queue: something failed after all retries.`,
        metric: queue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(5),
          statistic: 'Maximum',
        }),
        threshold: 0,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }

    onErrors(
      'SenderErrors',
      props.sender,
      Duration.minutes(5),
      'The sender function failed; batches are retried and end in the send DLQ.',
    );
    onAny(
      'SenderThrottles',
      'The sender was throttled: reserved concurrency is below what the queue pollers ask for.',
      props.sender.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' }),
    );
    onErrors(
      'SignupErrors',
      props.signup,
      Duration.minutes(5),
      'The sign-up worker failed as a whole (not one sign-up): confirmation mails are waiting in the sign-up queue.',
    );
    onErrors(
      'FeedbackErrors',
      props.feedback,
      Duration.minutes(5),
      'The feedback function failed: bounces/complaints may not be suppressed.',
    );

    // One metric filter per log group, all into one metric.
    for (const [name, logGroup] of Object.entries(props.subscriberReaderLogs)) {
      countLines(
        `${name}UnreadableRecordFilter`,
        logGroup,
        UNREADABLE_RECORD_WARNING,
        UNREADABLE_RECORDS_METRIC,
      );
    }
    onAny(
      'UnreadableSubscriberRecords',
      'A subscriber record could not be read and was skipped (delivery to the others went on). Run `hashbrief subscribers doctor`.',
      new cloudwatch.Metric({
        namespace: METRIC_NAMESPACE,
        metricName: UNREADABLE_RECORDS_METRIC,
        statistic: 'Sum',
        period: Duration.hours(1),
      }),
    );

    sesReputation('SesBounceRate', 'Reputation.BounceRate', props.bounceRateThreshold, 0.05);
    sesReputation('SesComplaintRate', 'Reputation.ComplaintRate', props.complaintRateThreshold, 0.001);
  }
}
