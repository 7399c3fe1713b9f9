/**
 * Sender Lambda: SQS send batches → deliverBatch → partial batch response.
 * Env: HASHBRIEF_ARCHIVE_BUCKET, HASHBRIEF_FROM_ADDRESS, HASHBRIEF_LINKS_BASE_URL, HASHBRIEF_TOKEN_SECRET_PARAM
 * (or _SECRET), HASHBRIEF_MAX_SEND_RATE (else SES GetSendQuota), HASHBRIEF_SENDER_CONCURRENCY (= reserved
 * concurrency), HASHBRIEF_SES_CONFIGURATION_SET.
 */
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { deliverBatch, type SenderDeps } from '../src/delivery/deliver';
import { createEmailLoader } from '../src/delivery/email';
import { createLedger } from '../src/delivery/ledger';
import { createTokenBucket, perSenderRate } from '../src/delivery/rate-limiter';
import { readSesMaxSendRate } from '../src/delivery/ses-mailer';
import { processSendEvent } from '../src/delivery/sqs-batch';
import { createSubscriberStore } from '../src/delivery/subscribers';
import { realSleep, systemClock } from '../src/ports';
import { createSesClient } from './commons/aws';
import { functionEnv, requireSetting } from './commons/config';
import { addInvocationContext, createLogger, loggerReporter } from './commons/logger';
import { archiveBucketStore, sesMailerFromEnv, tokenSecretFromEnv } from './commons/stores';

const logger = createLogger('hashbrief-sender');
const reporter = loggerReporter(logger);
const env = functionEnv();
const ses = createSesClient();
const store = archiveBucketStore(env);
const linksBaseUrl = requireSetting(env, 'HASHBRIEF_LINKS_BASE_URL');
const secret = tokenSecretFromEnv(env);
const concurrency = env.HASHBRIEF_SENDER_CONCURRENCY;

let deps: Promise<SenderDeps> | undefined;

async function init(): Promise<SenderDeps> {
  const accountRate = env.HASHBRIEF_MAX_SEND_RATE ?? (await readSesMaxSendRate(ses));
  const rate = perSenderRate(accountRate, concurrency);
  logger.info('sender ready', { accountRate, concurrency, perSenderRate: rate });
  return {
    emails: createEmailLoader(store),
    subscribers: createSubscriberStore(store),
    ledger: createLedger(store),
    mailer: sesMailerFromEnv(env, ses),
    limiter: createTokenBucket({ ratePerSecond: rate, clock: systemClock, sleep: realSleep }),
    clock: systemClock,
    sleep: realSleep,
    random: Math.random,
    reporter,
  };
}

/**
 * The Lambda entry point. The invocation's remaining time goes to deliverBatch, which stops claiming
 * recipients before the timeout and returns the rest through batchItemFailures.
 */
export async function handler(event: SQSEvent, context?: Context): Promise<SQSBatchResponse> {
  addInvocationContext(logger, context);
  deps ??= init();
  deps.catch(() => {
    deps = undefined;
  });
  const ready = await deps;
  const tokenSecret = await secret();
  const settings = { from: env.HASHBRIEF_FROM_ADDRESS, linksBaseUrl, tokenSecret };
  const timeLeftMs = context ? () => context.getRemainingTimeInMillis() : undefined;
  return processSendEvent(
    event,
    (message) => deliverBatch(message, { ...ready, timeLeftMs }, settings),
    reporter,
    context,
  );
}
