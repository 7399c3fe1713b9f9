/**
 * Alerts Lambda: the daily schedule (empty payload) and manual invocations (`{ asOf?, dryRun? }`). Judges
 * the alert rules on the latest data, archives an edition per newly tripped alert under alerts/, and
 * enqueues the day's alert mail for the sender (src/alerts/alert-job.ts). Like the report, it never falls
 * back to sample data, and implausible figures no witness settles fail the run after logging
 * ISSUE_HELD_LOG_MESSAGE (the IssueHeld alarm counts it).
 */
import type { Context } from 'aws-lambda';
import { type AlertJobResult, runAlertJob } from '../src/alerts/alert-job';
import { parseAlertPayload } from '../src/alerts/alert-payload';
import { settingsFromEnv } from '../src/config/settings';
import { createSubscriberStore } from '../src/delivery/subscribers';
import { livePorts } from '../src/ports';
import { ISSUE_HELD_LOG_MESSAGE, IssueHeldError } from '../src/sources/integrity';
import { functionEnv } from './commons/config';
import { addInvocationContext, createLogger, loggerReporter } from './commons/logger';
import { archiveBucketStore, sendQueueFromEnv } from './commons/stores';

const logger = createLogger('hashbrief-alerts');
const env = functionEnv();
const store = archiveBucketStore(env);
const subscribers = createSubscriberStore(store);
const queue = sendQueueFromEnv(env);
const settings = settingsFromEnv(env).alerts;

function logIfHeld(error: unknown): never {
  if (error instanceof IssueHeldError) {
    logger.error(ISSUE_HELD_LOG_MESSAGE, {
      asOf: error.asOf,
      conflicts: [...error.conflicts],
      run: 'alerts',
    });
  }
  throw error;
}

/** The Lambda entry point. */
export async function handler(event: unknown, context?: Context): Promise<AlertJobResult> {
  addInvocationContext(logger, context);
  const payload = parseAlertPayload(event);
  logger.info('alerts started', { asOf: payload.asOf, dryRun: payload.dryRun });
  const result = await runAlertJob(
    payload,
    { ...livePorts(loggerReporter(logger)), archive: store, subscribers, queue },
    settings,
  ).catch(logIfHeld);
  logger.info('alerts finished', {
    asOf: result.asOf,
    status: result.status,
    editions: result.editions.map((e) => ({ id: e.editionId, status: e.status, mailed: e.mail.planned })),
    suppressed: result.suppressed.length,
    reason: result.reason,
  });
  return result;
}
