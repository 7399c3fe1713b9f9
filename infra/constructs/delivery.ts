/**
 * Mail plumbing: the SQS send queue (and its DLQ) the report fills and the sender drains, the sign-up
 * queue (and its DLQ) the subscribe endpoint fills and the sign-up worker drains, the SES identity
 * and configuration set every mail goes through, and the SNS topic SES reports bounces, complaints and
 * deliveries to. SNS rather than EventBridge because docs/delivery.md (which decides it for the feedback
 * handler) did not exist when this was written; switching is one EventDestination line.
 */
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Mailer } from './function-with-log-group';
import { drainedQueueWithDlq } from './queues';

export interface DeliveryProps {
  /** `Name <user@domain>`. */
  readonly fromAddress: string;
  /** A domain (Easy DKIM) or a single address. */
  readonly sesIdentity: string;
  /** Verified recipients that must be allowed explicitly while the account is in the SES sandbox. */
  readonly sandboxRecipients: readonly string[];
  /** The queue's visibility timeout is 6 × this, as AWS recommends for Lambda event sources. */
  readonly senderTimeout: Duration;
  readonly maxReceiveCount: number;
  /** The sign-up queue's visibility timeout is 6 × this. */
  readonly signupTimeout: Duration;
}

/** Receives of one sign-up before it goes to the sign-up DLQ (a throttled SES send is retried this often). */
export const SIGNUP_MAX_RECEIVE_COUNT = 5;

export class Delivery extends Construct implements Mailer {
  readonly sendQueue: sqs.Queue;
  readonly sendDeadLetterQueue: sqs.Queue;
  /** Addresses waiting for the sign-up worker (the only queue whose bodies carry addresses). */
  readonly signupQueue: sqs.Queue;
  readonly signupDeadLetterQueue: sqs.Queue;
  readonly identity: ses.EmailIdentity;
  readonly configurationSet: ses.ConfigurationSet;
  /** SES event destination for bounce/complaint/delivery notifications; the feedback function subscribes. */
  readonly feedbackTopic: sns.Topic;
  readonly fromAddress: string;
  readonly configurationSetName: string;
  readonly configurationSetArn: string;
  readonly identityArns: string[];

  constructor(scope: Construct, id: string, props: DeliveryProps) {
    super(scope, id);
    const stack = Stack.of(this);

    // The longest SQS allows: a failed batch may wait for a holiday before someone redrives it.
    const send = drainedQueueWithDlq(this, 'Send', {
      name: 'send queue',
      consumerTimeout: props.senderTimeout,
      retention: Duration.days(4),
      dlqRetention: Duration.days(14),
      maxReceiveCount: props.maxReceiveCount,
    });
    this.sendQueue = send.queue;
    this.sendDeadLetterQueue = send.deadLetterQueue;

    // Sign-up messages carry the address (no subscriber record exists yet), so they are kept briefly: a
    // day in the queue (a confirmation mail a day late is pointless), a week in the DLQ for an operator to
    // redrive after fixing the cause, then SQS deletes them.
    const signup = drainedQueueWithDlq(this, 'Signup', {
      name: 'sign-up queue',
      consumerTimeout: props.signupTimeout,
      retention: Duration.days(1),
      dlqRetention: Duration.days(7),
      maxReceiveCount: SIGNUP_MAX_RECEIVE_COUNT,
    });
    this.signupQueue = signup.queue;
    this.signupDeadLetterQueue = signup.deadLetterQueue;

    const isAddress = props.sesIdentity.includes('@');
    this.identity = new ses.EmailIdentity(this, 'Identity', {
      identity: isAddress ? ses.Identity.email(props.sesIdentity) : ses.Identity.domain(props.sesIdentity),
      // Easy DKIM (RSA 2048) for domains; the CNAMEs to publish are in the console / get-email-identity.
      ...(isAddress ? {} : { dkimSigning: true }),
    });

    this.feedbackTopic = new sns.Topic(this, 'FeedbackTopic', {
      displayName: 'hashbrief SES bounces, complaints and deliveries',
      enforceSSL: true,
    });
    Validations.of(this.feedbackTopic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'SES can only publish to an encrypted topic through a customer-managed KMS key with an SES key policy ($1/month); messages are TLS-only (enforceSSL) and consumed within seconds by the feedback function.',
    });

    this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      reputationMetrics: true,
      sendingEnabled: true,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    // The L2 adds the topic policy letting SES publish, scoped to this account and configuration set.
    this.configurationSet.addEventDestination('Feedback', {
      destination: ses.EventDestination.snsTopic(this.feedbackTopic),
      events: [ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT, ses.EmailSendingEvent.DELIVERY],
    });

    this.fromAddress = props.fromAddress;
    this.configurationSetName = this.configurationSet.configurationSetName;
    this.configurationSetArn = stack.formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: this.configurationSet.configurationSetName,
    });
    this.identityArns = [
      identityArn(stack, this.identity.emailIdentityName),
      ...props.sandboxRecipients.map((r) => identityArn(stack, r)),
    ];
  }
}

function identityArn(stack: Stack, identity: string): string {
  return stack.formatArn({ service: 'ses', resource: 'identity', resourceName: identity });
}
