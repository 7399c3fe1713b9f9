/**
 * Sign-up worker (SQS → Lambda): for each address the subscribe endpoint queued, look the subscriber up,
 * apply the per-address resend limit and send the confirmation mail (`requestSubscription`). A record that
 * fails (store outage, SES refusal or throttling) comes back through the partial batch response; its
 * resend window was released, so the retry sends. After the redrive limit it lands in the sign-up DLQ.
 * Env: HASHBRIEF_ARCHIVE_BUCKET, HASHBRIEF_FROM_ADDRESS, HASHBRIEF_LINKS_BASE_URL,
 * HASHBRIEF_TOKEN_SECRET_PARAM (or _SECRET), HASHBRIEF_SES_CONFIGURATION_SET.
 */
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { processSignupEvent } from '../src/delivery/signup';
import { requestSubscription } from '../src/delivery/subscribe';
import { createSubscriberStore } from '../src/delivery/subscribers';
import { systemClock } from '../src/ports';
import { functionEnv, requireSetting } from './commons/config';
import { addInvocationContext, createLogger, loggerReporter } from './commons/logger';
import { archiveBucketStore, sesMailerFromEnv, tokenSecretFromEnv } from './commons/stores';

const logger = createLogger('hashbrief-signup');
const reporter = loggerReporter(logger);
const env = functionEnv();
const linksBaseUrl = requireSetting(env, 'HASHBRIEF_LINKS_BASE_URL');
const subscribers = createSubscriberStore(archiveBucketStore(env));
const secret = tokenSecretFromEnv(env);
const mailer = sesMailerFromEnv(env);

/** The Lambda entry point. */
export async function handler(event: SQSEvent, context?: Context): Promise<SQSBatchResponse> {
  addInvocationContext(logger, context);
  const tokenSecret = await secret();
  const settings = { from: env.HASHBRIEF_FROM_ADDRESS, linksBaseUrl, tokenSecret };
  return processSignupEvent(
    event,
    (message) =>
      requestSubscription(message.address, { subscribers, mailer, clock: systemClock, reporter }, settings),
    reporter,
    context,
  );
}
