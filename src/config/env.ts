/**
 * The one place that reads environment variables. Parsed once at start-up (CLI) or cold start (Lambda);
 * a bad value fails fast with the variable's name and what was expected.
 */
import { z } from 'zod';
import { AlertCooldownError, parseAlertCooldowns } from '../alerts/events';
import { parseAssumptions } from '../metrics/assumptions';
import { AssumptionsError } from '../metrics/errors';
import { MAILBOX_EXPECTED, mailboxAddress } from './mailbox';

// Every message below is written for the person who set the variable: what it takes, in words and with
// its range. The validator's own wording ("Invalid input: expected number, received NaN") never shows.

/** An absolute http(s) URL; a trailing slash is dropped so paths join cleanly. */
const url = z
  .string()
  .refine(
    (u) => /^https?:\/\/[^\s/?#]+/i.test(u) && URL.canParse(u),
    'must be an http(s) URL such as https://example.org',
  )
  .transform((u) => u.replace(/\/+$/, ''));

/** A whole number in `[min, max]` (no upper bound when `max` is omitted), written in decimal digits. */
function wholeNumber(min: number, max = Number.MAX_SAFE_INTEGER, unit = ''): z.ZodType<number, string> {
  const range = max === Number.MAX_SAFE_INTEGER ? `, ${min} or more` : ` from ${min} to ${max}`;
  const expected = `must be a whole number${unit ? ` of ${unit}` : ''}${range}`;
  return z
    .string()
    .trim()
    .regex(/^\d+$/, expected)
    .transform(Number)
    .pipe(z.number().min(min, expected).max(max, expected));
}

/** A decimal number above 0. */
function positiveNumber(what: string): z.ZodType<number, string> {
  const expected = `must be a number of ${what} above 0`;
  return z
    .string()
    .trim()
    .regex(/^\d+(\.\d+)?$/, expected)
    .transform(Number)
    .pipe(z.number().positive(expected));
}

/**
 * Longest timeout or budget accepted, 10 minutes. Node's timers hold at most 2^31 − 1 ms (~24.8 days) and
 * silently turn anything longer into 1 ms, so an unbounded value would make every request time out at once;
 * no upstream call or report needs more than minutes.
 */
export const MAX_TIMEOUT_MS = 600_000;
const timeoutMs = wholeNumber(1, MAX_TIMEOUT_MS, 'milliseconds');

/** S3's bucket naming rules in short: 3 to 63 characters of a-z, 0-9, dots and hyphens. */
const bucketName = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
    'must be an S3 bucket name: 3 to 63 lower-case letters, digits, dots or hyphens',
  );

/** What an unset HASHBRIEF_FROM_ADDRESS sends from: a placeholder no reader can answer. */
export const DEFAULT_FROM_ADDRESS = 'hashbrief <briefing@localhost>';

/** What an unset HASHBRIEF_POSTAL_ADDRESS prints in every footer: a placeholder, not an address. */
export const DEFAULT_POSTAL_ADDRESS = 'hashbrief, self-hosted. Set HASHBRIEF_POSTAL_ADDRESS.';

/**
 * An optional JSON variable read by `parse` (which also takes unset). A `rejection` it throws becomes an
 * issue on the variable worded by `describe`; anything else it throws is a bug and propagates.
 */
function parsedJson<T, E extends Error>(
  parse: (json: string | undefined) => T,
  rejection: new (...args: never[]) => E,
  describe: (error: E) => string = (error) => error.message,
) {
  return z
    .string()
    .optional()
    .transform((json, ctx) => {
      try {
        return parse(json);
      } catch (error) {
        if (!(error instanceof rejection)) throw error;
        ctx.addIssue({ code: 'custom', message: describe(error) });
        return z.NEVER;
      }
    });
}

/** One RFC 5322 mailbox (see mailbox.ts): what nodemailer needs to write a From header. */
const mailbox = z.string().refine((v) => mailboxAddress(v) !== null, MAILBOX_EXPECTED);

export const envSchema = z.object({
  HASHBRIEF_COINMETRICS_URL: url.default('https://community-api.coinmetrics.io/v4'),
  HASHBRIEF_MEMPOOL_URL: url.default('https://mempool.space/api'),
  /** Root of all local state (archive, outbox, subscribers, ledger). Default ./out of the cwd. */
  HASHBRIEF_LOCAL_DIR: z.string().min(1, 'must name a folder').optional(),
  /** Per-request timeout for upstream calls, ms (at most 10 minutes). */
  HASHBRIEF_HTTP_TIMEOUT_MS: timeoutMs.default(20_000),
  /** Total time budget for fetching all sources of one report, ms (at most 10 minutes). */
  HASHBRIEF_FETCH_BUDGET_MS: timeoutMs.default(120_000),
  HASHBRIEF_HTTP_RETRIES: wholeNumber(0, 10).default(3),
  /**
   * JSON overriding the economic assumptions (ASIC tiers, power price, AI hosting rate, stress, alerts),
   * parsed here into the Assumptions every run uses (unset: the defaults). Checked with every other
   * variable, so a bad value fails at start-up as a configuration error naming the field.
   */
  HASHBRIEF_ASSUMPTIONS_JSON: parsedJson(parseAssumptions, AssumptionsError, (error) =>
    error.message.replace(/^(Invalid )?HASHBRIEF_ASSUMPTIONS_JSON(: | is )/, ''),
  ),
  /**
   * JSON object of alert id → days between two alert mails of that type, e.g. `{"hashprice-low":3}`; the
   * others keep their defaults (src/alerts/events.ts, docs/delivery.md). Parsed here into the full table.
   */
  HASHBRIEF_ALERT_COOLDOWN_DAYS: parsedJson(parseAlertCooldowns, AlertCooldownError),
  /** Public base URL of the archive (CloudFront), used for links and hosted images. */
  HASHBRIEF_PUBLIC_BASE_URL: url.optional(),
  /** S3 bucket of the archive (Lambda); the CLI uses it too when set. */
  HASHBRIEF_ARCHIVE_BUCKET: bucketName.optional(),
  HASHBRIEF_SEND_QUEUE_URL: url.optional(),
  /** SQS queue between the subscribe endpoint and the sign-up worker (Lambda). */
  HASHBRIEF_SIGNUP_QUEUE_URL: url.optional(),
  /** From header of every mail: one mailbox, `Name <user@domain>` or `user@domain`. */
  HASHBRIEF_FROM_ADDRESS: mailbox.default(DEFAULT_FROM_ADDRESS),
  /** Base URL of the subscribe/confirm/unsubscribe endpoints (Function URLs or a custom domain). */
  HASHBRIEF_LINKS_BASE_URL: url.optional(),
  /** HMAC secret for unsubscribe and confirmation tokens (local use); in AWS use the SSM parameter. */
  HASHBRIEF_TOKEN_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  /** SSM SecureString parameter name holding the token secret. */
  HASHBRIEF_TOKEN_SECRET_PARAM: z.string().min(1, 'must name an SSM parameter').optional(),
  /** Max SES sends per second; when unset the sender reads SES GetSendQuota. */
  HASHBRIEF_MAX_SEND_RATE: positiveNumber('sends per second').optional(),
  HASHBRIEF_SES_CONFIGURATION_SET: z.string().min(1, 'must name an SES configuration set').optional(),
  /** Postal / footer block printed in every email (CAN-SPAM). */
  HASHBRIEF_POSTAL_ADDRESS: z.string().default(DEFAULT_POSTAL_ADDRESS),
  HASHBRIEF_RECIPIENTS_PER_MESSAGE: wholeNumber(1, 500).default(50),
  /** The sender's reserved concurrency (AWS sets no variable for it): the SES rate is split this many ways. */
  HASHBRIEF_SENDER_CONCURRENCY: wholeNumber(1).default(1),
});

export type Env = z.infer<typeof envSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment; throws ConfigError naming every bad variable. */
export function loadEnv(env: Record<string, string | undefined>): Env {
  const relevant = Object.fromEntries(
    Object.entries(env).filter(([k, v]) => k.startsWith('HASHBRIEF_') && v !== undefined && v !== ''),
  );
  const parsed = envSchema.safeParse(relevant);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? '(environment)');
    const value = relevant[name];
    const shown = name.includes('SECRET') || value === undefined ? '' : ` (got ${JSON.stringify(value)})`;
    return `${name}: ${issue.message}${shown}`;
  });
  throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
}
