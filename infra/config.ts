/**
 * Deployment settings for the hashbrief stack, read from cdk.json context (or `-c key=value`) once in
 * infra/app.ts and validated here, so a bad value fails `cdk synth` with the context key that is wrong.
 * Everything below infra/app.ts receives the parsed {@link HashbriefConfig} as props.
 */
import { z } from 'zod';
import { AlertCooldownError, parseAlertCooldowns } from '../src/alerts/events';
import { MAILBOX_EXPECTED, mailboxAddress } from '../src/config/mailbox';
import { LEDGER_LEASE_MS } from '../src/delivery/ledger';

/** Every context key this app reads starts with this prefix, e.g. `hashbrief:fromAddress`. */
export const CONTEXT_PREFIX = 'hashbrief:';

/** Retention periods CloudWatch Logs accepts; anything else is rejected at synth, not at deploy. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Placeholder From header: synth works without settings, but a deploy with it warns (see placeholderWarnings). */
export const DEFAULT_FROM_ADDRESS = 'hashbrief <briefing@example.com>';

/** Placeholder postal address for the footer; a deploy with it warns (see placeholderWarnings). */
export const DEFAULT_POSTAL_ADDRESS = 'hashbrief, self-hosted. Set hashbrief:postalAddress.';

/** Domains reserved for examples (RFC 2606 / RFC 6761): no SES identity on them can ever be verified. */
const PLACEHOLDER_DOMAIN = /(^|\.)(example\.(com|net|org)|invalid|test|localhost)$/i;

/** Lambda caps all environment variables of a function at 4 KB together; leave room for the others. */
const MAX_ASSUMPTIONS_JSON_BYTES = 2048;

/** Values given with `-c key=value` arrive as strings; JSON-looking ones are parsed so arrays/objects work. */
const fromJsonString = (value: unknown): unknown => {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return value;
  try {
    return JSON.parse(trimmed);
  } catch {
    return value;
  }
};

/** `-c flag=false` arrives as the string "false"; z.coerce.boolean would read it as true. */
const booleanLike = z.preprocess(
  (v) => (v === 'true' ? true : v === 'false' ? false : v),
  z.boolean({ error: 'must be true or false' }),
);

const httpsUrl = z
  .string()
  .url()
  .refine((u) => u.startsWith('https://'), 'must be an https:// URL')
  .transform((u) => u.replace(/\/+$/, ''));

const emailAddress = z.string().regex(/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/, 'must be an email address');

/**
 * One RFC 5322 mailbox, checked by the same rule as the functions' HASHBRIEF_FROM_ADDRESS (so a value synth
 * accepts cannot stop every function at cold start), with a dotted domain SES can verify.
 */
const fromAddress = z
  .string()
  .trim()
  .refine((v) => mailboxAddress(v) !== null, MAILBOX_EXPECTED)
  .refine((v) => emailAddress.safeParse(addressPart(v)).success, 'must have an address with a dotted domain');

const domainName = z
  .string()
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i, 'must be a domain name');

/** `cron(...)` with six fields or `rate(...)`: EventBridge Scheduler's syntax, checked loosely here. */
const scheduleExpression = z
  .string()
  .trim()
  .refine(
    (v) => /^cron\((\S+\s+){5}\S+\)$/.test(v) || /^rate\(\d+ (minute|minutes|hour|hours|day|days)\)$/.test(v),
    'must be an EventBridge Scheduler expression: cron(min hour day-of-month month day-of-week year) or rate(N unit)',
  );

const ianaTimezone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone such as Etc/UTC or Europe/Berlin');

const configSchema = z
  .object({
    /** CloudFormation stack name. */
    stackName: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/, 'must be a CloudFormation stack name')
      .default('Hashbrief'),
    /** From header of every mail; its address must belong to the SES identity. */
    fromAddress: fromAddress.default(DEFAULT_FROM_ADDRESS),
    /** SES identity to create: a domain (DKIM, recommended) or one address. Default: the from address's domain. */
    sesIdentity: z.union([emailAddress, domainName]).optional(),
    /** Verified recipients the functions may send to while the SES account is still in the sandbox. */
    sandboxRecipients: z.preprocess(fromJsonString, z.array(emailAddress)).default([]),
    /** Postal/footer block for every mail (CAN-SPAM). */
    postalAddress: z.string().min(1).default(DEFAULT_POSTAL_ADDRESS),
    scheduleCron: scheduleExpression.default('cron(0 7 ? * MON *)'),
    scheduleTimezone: ianaTimezone.default('Etc/UTC'),
    /** Turn the weekly schedule off without removing it (e.g. for a staging copy). */
    scheduleEnabled: booleanLike.default(true),
    /**
     * When the daily alert run starts, in scheduleTimezone (the weekly schedule's). Default every day at
     * 08:00: an hour after the weekly issue, so on its day the alert run finds it and has nothing new.
     */
    alertScheduleCron: scheduleExpression.default('cron(0 8 * * ? *)'),
    /** Turn the daily alert run off without removing it. */
    alertScheduleEnabled: booleanLike.default(true),
    /** Days between two alert mails of one type, e.g. {"hashprice-low":3} (docs/delivery.md). */
    alertCooldownDays: z
      .preprocess(fromJsonString, z.record(z.string(), z.unknown(), { error: 'must be a JSON object' }))
      .superRefine((value, ctx) => {
        try {
          parseAlertCooldowns(JSON.stringify(value));
        } catch (error) {
          if (!(error instanceof AlertCooldownError)) throw error;
          ctx.addIssue({ code: 'custom', message: error.message });
        }
      })
      .optional(),
    /** SSE-S3 costs nothing extra; KMS adds a customer-managed key ($1/month plus requests) and key policy control. */
    archiveEncryption: z.enum(['S3_MANAGED', 'KMS']).default('S3_MANAGED'),
    /** Days after which `issues/<id>/raw/` responses move to the cheaper storage class. */
    rawTransitionDays: z.coerce.number().int().min(1).default(30),
    rawStorageClass: z.enum(['STANDARD_IA', 'GLACIER_IR']).default('STANDARD_IA'),
    /** Issues are immutable, so a noncurrent version only exists after a manual overwrite or delete. */
    noncurrentVersionExpirationDays: z.coerce.number().int().min(1).default(30),
    /** How long S3 server access logs and CloudFront logs are kept. */
    accessLogExpirationDays: z.coerce.number().int().min(1).default(365),
    logRetentionDays: z.coerce
      .number()
      .int()
      .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
        message: `must be one of ${LOG_RETENTION_DAYS.join(', ')}`,
      })
      .default(90),
    reportMemoryMb: z.coerce.number().int().min(512).max(10240).default(1024),
    reportTimeoutSeconds: z.coerce.number().int().min(30).max(900).default(300),
    senderMemoryMb: z.coerce.number().int().min(128).max(10240).default(256),
    /**
     * At most the ledger's claim lease: a sender still running past the lease could see its claim taken
     * over and the recipient mailed twice. The Lambda timeout guarantees no invocation outlives it.
     */
    senderTimeoutSeconds: z.coerce
      .number()
      .int()
      .min(10)
      .max(
        LEDGER_LEASE_MS / 1000,
        `must be at most ${LEDGER_LEASE_MS / 1000} s, the send ledger's claim lease (a longer-running sender could have its claim taken over and mail a recipient twice)`,
      )
      .default(60),
    /**
     * Caps parallel senders so the SES rate is shared by few pollers. New accounts (concurrency quota 10)
     * cannot reserve any: set 0 there to skip the reservation and rely on the event source's maxConcurrency.
     */
    senderReservedConcurrency: z.coerce.number().int().min(0).max(1000).default(2),
    /**
     * Caps concurrent subscribe executions. Its Function URL (auth NONE) bypasses the links API's throttle;
     * an answer is one SQS call (the sign-up worker does the rest), so 2 executions still serve dozens of
     * requests a second. 0 = no reservation (accounts with the default concurrency quota of 10 cannot
     * reserve any: set this and senderReservedConcurrency to 0).
     */
    subscribeReservedConcurrency: z.coerce.number().int().min(0).max(1000).default(2),
    /** Max SES sends per second; unset lets the sender read GetSendQuota. */
    maxSendRate: z.coerce.number().positive().optional(),
    recipientsPerMessage: z.coerce.number().int().min(1).max(500).optional(),
    /** SQS receives before a batch lands in the send DLQ. */
    sendMaxReceiveCount: z.coerce.number().int().min(1).max(50).default(5),
    /** SSM SecureString holding the HMAC secret for unsubscribe/confirm tokens (created by hand, see docs/infra.md). */
    tokenSecretParameterName: z
      .string()
      .regex(/^\/?[A-Za-z0-9_.\-/]{1,1000}$/, 'must be an SSM parameter name such as /hashbrief/token-secret')
      .refine((n) => !n.startsWith('/aws') && !n.startsWith('aws'), 'must not start with "aws" (reserved)')
      .default('/hashbrief/token-secret'),
    /**
     * Public https base for subscribe/confirm/unsubscribe links, e.g. a custom domain in front of the CDN.
     * Unset: the CloudFront domain for the report and sender; see docs/infra.md for subscribe/unsubscribe.
     */
    linksBaseUrl: httpsUrl.optional(),
    /** Requests per second the links API accepts (subscribe, confirm, unsubscribe together). */
    linksRateLimit: z.coerce.number().int().min(1).max(10000).default(20),
    /** Economic assumptions (ASIC tiers, power price, ...) passed to the report as HASHBRIEF_ASSUMPTIONS_JSON. */
    assumptions: z
      .preprocess(fromJsonString, z.record(z.string(), z.unknown(), { error: 'must be a JSON object' }))
      .refine(
        (a) => Buffer.byteLength(JSON.stringify(a)) <= MAX_ASSUMPTIONS_JSON_BYTES,
        `must serialise to at most ${MAX_ASSUMPTIONS_JSON_BYTES} bytes (Lambda environment limit)`,
      )
      .optional(),
    coinmetricsUrl: httpsUrl.optional(),
    mempoolUrl: httpsUrl.optional(),
    /** Email subscribed to the ops alarm topic (needs a one-time confirmation click). */
    alarmEmail: emailAddress.optional(),
    /** SES reviews an account at 5% bounces and 0.1% complaints; alarm a little before. */
    bounceRateAlarmThreshold: z.coerce.number().gt(0).lt(1).default(0.04),
    complaintRateAlarmThreshold: z.coerce.number().gt(0).lt(1).default(0.0008),
  })
  .strict();

/** Parsed, validated deployment settings. */
export type HashbriefConfig = Omit<z.infer<typeof configSchema>, 'sesIdentity'> & {
  /** Always set after parsing: defaults to the domain of {@link HashbriefConfig.fromAddress}. */
  sesIdentity: string;
};

/** Context keys the app understands (without the `hashbrief:` prefix). */
export const CONFIG_KEYS = Object.keys(configSchema.shape) as (keyof typeof configSchema.shape)[];

export class ConfigContextError extends Error {
  override name = 'ConfigContextError';
}

/** The bare address out of `Name <user@domain>` or `user@domain`. */
export function addressPart(from: string): string {
  return mailboxAddress(from) ?? from.trim();
}

/**
 * Validates raw context values (keys without the prefix; undefined = use the default).
 * Throws {@link ConfigContextError} listing every bad key as `hashbrief:<key>` with what was expected.
 */
export function parseConfig(raw: Record<string, unknown>): HashbriefConfig {
  const present = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = configSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      if (issue.code === 'unrecognized_keys') {
        return `unknown context key(s) ${issue.keys.map((k) => CONTEXT_PREFIX + k).join(', ')}: known keys are ${CONFIG_KEYS.join(', ')}`;
      }
      const key = CONTEXT_PREFIX + String(issue.path[0] ?? '(context)');
      return `${key}: ${issue.message}`;
    });
    throw new ConfigContextError(`Invalid hashbrief context in cdk.json or -c:\n  ${problems.join('\n  ')}`);
  }
  const config = parsed.data;
  if (config.rawStorageClass === 'STANDARD_IA' && config.rawTransitionDays < 30) {
    throw new ConfigContextError(
      `Invalid hashbrief context in cdk.json or -c:\n  ${CONTEXT_PREFIX}rawTransitionDays: S3 moves objects to STANDARD_IA no earlier than 30 days (got ${config.rawTransitionDays}); use GLACIER_IR for less`,
    );
  }
  const fromDomain = addressPart(config.fromAddress).split('@')[1] ?? '';
  const sesIdentity = config.sesIdentity ?? fromDomain;
  const identityDomain = sesIdentity.includes('@') ? sesIdentity.split('@')[1] : sesIdentity;
  const fromAddr = addressPart(config.fromAddress).toLowerCase();
  const coversFrom = sesIdentity.includes('@')
    ? fromAddr === sesIdentity.toLowerCase()
    : fromDomain.toLowerCase() === identityDomain?.toLowerCase();
  if (!coversFrom) {
    throw new ConfigContextError(
      `Invalid hashbrief context in cdk.json or -c:\n  ${CONTEXT_PREFIX}sesIdentity: "${sesIdentity}" does not cover ${CONTEXT_PREFIX}fromAddress "${config.fromAddress}"; SES would refuse to send`,
    );
  }
  return { ...config, sesIdentity };
}

/** A synth-time warning: `id` for acknowledging it, `message` naming the context key and why it matters. */
export interface ConfigWarning {
  readonly id: string;
  readonly message: string;
}

/**
 * Settings still at their placeholders. They synthesise and deploy, so nothing stops a stack that mails
 * subscribers a fake postal address (CAN-SPAM requires a valid physical postal address in every commercial
 * mail) or sends from a domain SES can never verify; the stack turns these into CDK warnings.
 */
export function placeholderWarnings(config: HashbriefConfig): ConfigWarning[] {
  const warnings: ConfigWarning[] = [];
  if (config.postalAddress === DEFAULT_POSTAL_ADDRESS) {
    warnings.push({
      id: 'hashbrief:placeholderPostalAddress',
      message: `${CONTEXT_PREFIX}postalAddress is not set: every mail's footer carries the placeholder "${DEFAULT_POSTAL_ADDRESS}". CAN-SPAM requires your valid physical postal address in each mail; set it in cdk.json or with -c ${CONTEXT_PREFIX}postalAddress='Name, street, city'.`,
    });
  }
  const fromDomain = addressPart(config.fromAddress).split('@')[1] ?? '';
  if (config.fromAddress === DEFAULT_FROM_ADDRESS || PLACEHOLDER_DOMAIN.test(fromDomain)) {
    warnings.push({
      id: 'hashbrief:placeholderFromAddress',
      message: `${CONTEXT_PREFIX}fromAddress is the placeholder "${config.fromAddress}": ${fromDomain} is reserved for examples, so the SES identity can never be verified and no mail would be sent. Set it to an address on a domain you own: -c ${CONTEXT_PREFIX}fromAddress='Name <brief@your-domain>'.`,
    });
  }
  return warnings;
}

/**
 * Reads every known `hashbrief:*` key through `get` (e.g. `app.node.tryGetContext`) and validates it.
 * `allKeys` lets the caller report stray `hashbrief:*` keys (typos) instead of silently ignoring them.
 */
export function configFromContext(get: (key: string) => unknown, allKeys: string[] = []): HashbriefConfig {
  const raw: Record<string, unknown> = {};
  for (const key of allKeys) {
    if (key.startsWith(CONTEXT_PREFIX)) raw[key.slice(CONTEXT_PREFIX.length)] = get(key);
  }
  for (const key of CONFIG_KEYS) raw[key] = get(CONTEXT_PREFIX + key);
  return parseConfig(raw);
}
