import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { synth } from './synth';

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

let template: Template;
beforeAll(() => {
  ({ template } = synth());
});

/** Every statement of the execution role of the function whose logical ID starts with `name`. */
function statements(name: string): Statement[] {
  const policies = Object.entries(template.findResources('AWS::IAM::Policy')).filter(([id]) =>
    id.startsWith(`${name}RoleDefaultPolicy`),
  );
  expect(policies).toHaveLength(1);
  return policies[0]?.[1].Properties.PolicyDocument.Statement as Statement[];
}

const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const allActions = (name: string) => statements(name).flatMap(actionsOf).sort();

/** The object key patterns (after the bucket ARN) an action is allowed on. */
function keysFor(name: string, action: string): string[] {
  return statements(name)
    .filter((s) => actionsOf(s).includes(action))
    .flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]))
    .map((r) => {
      const json = JSON.stringify(r);
      return /"\/([^"]+)"\]\]\}$/.exec(json)?.[1] ?? json;
    })
    .sort();
}

const xrayAndLogs = [
  'logs:CreateLogStream',
  'logs:PutLogEvents',
  'xray:PutTelemetryRecords',
  'xray:PutTraceSegments',
];
const tokenSecret = ['kms:Decrypt', 'ssm:GetParameter'];
const mail = ['ses:SendEmail', 'ses:SendRawEmail'];
/** Objects: read, list (scoped by prefix) and write. */
const objects = ['s3:GetObject', 's3:ListBucket', 's3:PutObject'];
/** What a Lambda event source needs to drain its queue. */
const consumeQueue = [
  'sqs:ChangeMessageVisibility',
  'sqs:DeleteMessage',
  'sqs:GetQueueAttributes',
  'sqs:GetQueueUrl',
  'sqs:ReceiveMessage',
];

/** The published feeds, and the pages and indexes each issue updates. */
const feeds = ['feed.json', 'feed.xml'];
const issueIndexes = ['index.html', 'index.json', 'latest.json'];

/** The statement that lets function `name` do `action`. */
const statementFor = (name: string, action: string) =>
  statements(name).find((s) => actionsOf(s).includes(action));
/** The ARN of the stack's queue whose logical ID starts with `queue`. */
const queueArn = (queue: string) => ({
  'Fn::GetAtt': [expect.stringMatching(new RegExp(`^${queue}`)), 'Arn'],
});

describe('least-privilege execution roles', () => {
  it('gives no function a managed policy or a bucket-wide grant', () => {
    for (const role of Object.values(template.findResources('AWS::IAM::Role'))) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
    for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
      const text = JSON.stringify(policy.Properties.PolicyDocument);
      expect(text).not.toContain('"s3:*"');
      expect(text).not.toContain('"/*"]]');
      expect(text).not.toMatch(/s3:Delete/);
    }
  });

  it('lets the report read its archive and subscribers, write only issues and manifests, enqueue and test-send', () => {
    expect(allActions('Report')).toEqual(
      [...xrayAndLogs, ...tokenSecret, ...mail, ...objects, 'sqs:SendMessage'].sort(),
    );
    // Every manifest is read before it is replaced (If-Match on the version read), index.html included.
    expect(keysFor('Report', 's3:GetObject')).toEqual(
      ['alerts/index.json', ...feeds, ...issueIndexes, 'issues/*', 'runs/*', 'subscribers/*'].sort(),
    );
    // runs/*: the run records that keep one issue to one set of inputs across retries and concurrent runs.
    expect(keysFor('Report', 's3:PutObject')).toEqual(
      [...feeds, ...issueIndexes, 'issues/*', 'runs/*'].sort(),
    );
    expect(statementFor('Report', 'sqs:SendMessage')?.Resource).toEqual(queueArn('DeliverySendQueue'));
  });

  it('lets the alerts run read issues, editions, feeds and subscribers, write only editions, feeds and its mail days, and enqueue', () => {
    // No SES and no token secret: the sender builds each mail.
    expect(allActions('Alerts')).toEqual([...xrayAndLogs, ...objects, 'sqs:SendMessage'].sort());
    expect(keysFor('Alerts', 's3:GetObject')).toEqual(
      ['alerts/*', ...feeds, 'index.json', 'issues/*', 'runs/alert-mail/*', 'subscribers/*'].sort(),
    );
    expect(keysFor('Alerts', 's3:PutObject')).toEqual(['alerts/*', ...feeds, 'runs/alert-mail/*'].sort());
    expect(statementFor('Alerts', 'sqs:SendMessage')?.Resource).toEqual(queueArn('DeliverySendQueue'));
  });

  it('lets the sender read issues, subscribers and the ledger, write only the ledger, consume the queue and send', () => {
    expect(allActions('Sender')).toEqual(
      [...xrayAndLogs, ...tokenSecret, ...mail, 'ses:GetSendQuota', ...objects, ...consumeQueue].sort(),
    );
    // alerts/*: an alert edition's email.json and chart, sent like an issue's.
    expect(keysFor('Sender', 's3:GetObject')).toEqual(['alerts/*', 'issues/*', 'ledger/*', 'subscribers/*']);
    expect(keysFor('Sender', 's3:PutObject')).toEqual(['ledger/*']);
  });

  it('limits subscribe, signup and unsubscribe to subscribers/*, and feedback to subscribers/* and its ledger', () => {
    // The endpoint only queues sign-ups (and confirms tokens): no SES.
    expect(allActions('Subscribe')).toEqual(
      [...xrayAndLogs, ...tokenSecret, ...objects, 'sqs:SendMessage'].sort(),
    );
    expect(statementFor('Subscribe', 'sqs:SendMessage')?.Resource).toEqual(queueArn('DeliverySignupQueue'));
    expect(allActions('Signup')).toEqual(
      [...xrayAndLogs, ...tokenSecret, ...mail, ...objects, ...consumeQueue].sort(),
    );
    expect(statementFor('Signup', 'sqs:ReceiveMessage')?.Resource).toEqual(queueArn('DeliverySignupQueue'));
    expect(allActions('Unsubscribe')).toEqual([...xrayAndLogs, ...tokenSecret, ...objects].sort());
    expect(allActions('Feedback')).toEqual([...xrayAndLogs, ...objects].sort());
    for (const name of ['Subscribe', 'Signup', 'Unsubscribe']) {
      expect(keysFor(name, 's3:GetObject')).toEqual(['subscribers/*']);
      expect(keysFor(name, 's3:PutObject')).toEqual(['subscribers/*']);
    }
    expect(keysFor('Feedback', 's3:GetObject')).toEqual(['feedback/*', 'subscribers/*']);
    expect(keysFor('Feedback', 's3:PutObject')).toEqual(['feedback/*', 'subscribers/*']);
  });

  it('scopes ListBucket to the prefixes a function reads', () => {
    const list = statementFor('Feedback', 's3:ListBucket');
    expect(list?.Condition).toEqual({ StringLike: { 's3:prefix': ['subscribers/*', 'feedback/*'] } });
  });

  it('reads the token secret by its exact name and decrypts it only through SSM', () => {
    const get = statementFor('Sender', 'ssm:GetParameter');
    expect(JSON.stringify(get?.Resource)).toMatch(/:parameter\/hashbrief\/token-secret"\]\]\}$/);
    const decrypt = statementFor('Sender', 'kms:Decrypt');
    expect(Object.keys(decrypt?.Condition?.StringEquals ?? {}).sort()).toEqual([
      'kms:EncryptionContext:PARAMETER_ARN',
      'kms:ViaService',
    ]);
  });

  it('sends mail only from the SES identity through the configuration set', () => {
    const send = statementFor('Signup', 'ses:SendRawEmail');
    const text = JSON.stringify(send?.Resource);
    expect(text).toContain(':identity/');
    expect(text).toContain(':configuration-set/');
    expect(send?.Resource).toHaveLength(2);
  });

  it('adds sandbox recipients to the allowed identities only when configured', () => {
    const { template: sandbox } = synth({ config: { sandboxRecipients: ['me@example.org'] } });
    const text = JSON.stringify(sandbox.toJSON().Resources);
    expect(text).toContain(':identity/me@example.org');
  });

  it('lets the schedule invoke only the report function', () => {
    const policies = Object.entries(template.findResources('AWS::IAM::Policy')).filter(([id]) =>
      id.startsWith('WeeklyInvokeRole'),
    );
    expect(policies).toHaveLength(1);
    const [statement] = (policies[0]?.[1].Properties.PolicyDocument.Statement ?? []) as Statement[];
    expect(statement?.Action).toBe('lambda:InvokeFunction');
    expect(JSON.stringify(statement?.Resource)).toMatch(/^\[\{"Fn::GetAtt":\["Report[0-9A-F]{8}","Arn"\]\}/);
  });
});
