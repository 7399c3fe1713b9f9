/**
 * Report Lambda: the weekly schedule (empty payload) and manual invocations (`{ asOf?, dryRun?, sendTo? }`).
 * The payload is validated before any side effect; a bad one fails with a message naming the field.
 * Lambdas never fall back to sample data: an unavailable upstream fails the run (and raises the alarm).
 * A held issue (implausible Coin Metrics figures no witness settles) fails it too, after logging
 * ISSUE_HELD_LOG_MESSAGE with the conflicting values, which raises the IssueHeld alarm.
 */
import { hostname } from 'node:os';
import type { Context } from 'aws-lambda';
import { settingsFromEnv } from '../src/config/settings';
import { createEmailLoader } from '../src/delivery/email';
import { createSubscriberStore } from '../src/delivery/subscribers';
import { type ReportJobResult, runReportJob } from '../src/pipeline/report-job';
import { parseReportPayload } from '../src/pipeline/report-payload';
import { livePorts } from '../src/ports';
import { ISSUE_HELD_LOG_MESSAGE, IssueHeldError } from '../src/sources/integrity';
import { functionEnv, requireSetting } from './commons/config';
import { addInvocationContext, createLogger, loggerReporter } from './commons/logger';
import { archiveBucketStore, sendQueueFromEnv, sesMailerFromEnv, tokenSecretFromEnv } from './commons/stores';

const logger = createLogger('hashbrief-report');
const env = functionEnv();
const store = archiveBucketStore(env);
const subscribers = createSubscriberStore(store);
const queue = sendQueueFromEnv(env);
const mailer = sesMailerFromEnv(env);
const linksBaseUrl = requireSetting(env, 'HASHBRIEF_LINKS_BASE_URL');
const settings = settingsFromEnv(env).report;
const secret = tokenSecretFromEnv(env);

/**
 * Rethrows a failed run; a held issue first gets its own log line (the IssueHeld alarm's metric filter
 * counts it; ReportErrors fires on the rethrow too).
 */
function logIfHeld(error: unknown): never {
  if (error instanceof IssueHeldError) {
    logger.error(ISSUE_HELD_LOG_MESSAGE, { asOf: error.asOf, conflicts: [...error.conflicts] });
  }
  throw error;
}

/** The Lambda entry point. */
export async function handler(event: unknown, context?: Context): Promise<ReportJobResult> {
  addInvocationContext(logger, context);
  const payload = parseReportPayload(event);
  logger.info('report started', {
    asOf: payload.asOf,
    dryRun: payload.dryRun,
    testSends: payload.sendTo?.length ?? 0,
  });
  const result = await runReportJob(
    payload,
    {
      ...livePorts(loggerReporter(logger)),
      archive: store,
      // Named in the issue's lease. A Lambda's lease is freed only by completion or expiry: a retry after a
      // timeout waits out what is left of the dead invocation's lease (2 min at most), then resumes it.
      runner: { host: hostname(), pid: process.pid },
      subscribers,
      queue,
      mailer,
      emails: createEmailLoader,
      messageSettings: async () => ({
        from: env.HASHBRIEF_FROM_ADDRESS,
        linksBaseUrl,
        tokenSecret: await secret(),
      }),
    },
    settings,
  ).catch(logIfHeld);
  logger.info('report finished', {
    issueId: result.issueId,
    status: result.status,
    resumed: result.resumed,
    alreadyPlanned: result.delivery.alreadyPlanned,
    queued: result.delivery.queued,
    warnings: result.warnings.length,
  });
  return result;
}
