/**
 * Subscribe endpoint (Function URL and links API). POST `/subscribe` with `email` (form or JSON) checks the
 * address and puts it on the sign-up queue, then answers 202 with the same words at once, whatever the
 * address's state: the lookup, rate limit and confirmation mail happen in the sign-up worker
 * (functions/signup.ts), so neither the answer nor its timing says anything about the list, and no
 * request holds an execution for longer than one SQS call. GET `/subscribe` shows the form; GET
 * `/confirm?token=...` activates the subscription.
 * Env: HASHBRIEF_ARCHIVE_BUCKET, HASHBRIEF_SIGNUP_QUEUE_URL, HASHBRIEF_TOKEN_SECRET_PARAM.
 */
import type { Context } from 'aws-lambda';
import { InvalidAddressError } from '../src/delivery/errors';
import {
  confirmResultPage,
  subscribeAcceptedPage,
  subscribeFormPage,
  subscribeUnavailablePage,
} from '../src/delivery/pages';
import { acceptSignup, createSqsSignupQueue, SignupQueueError } from '../src/delivery/signup';
import { confirmSubscription } from '../src/delivery/subscribe';
import { createSubscriberStore } from '../src/delivery/subscribers';
import { systemClock } from '../src/ports';
import { createSqsClient } from './commons/aws';
import { functionEnv, requireSetting } from './commons/config';
import {
  bodyFields,
  type HttpResponse,
  htmlResponse,
  isFormPost,
  jsonResponse,
  readFunctionUrlCall,
} from './commons/http';
import { addInvocationContext, createLogger, loggerReporter } from './commons/logger';
import { archiveBucketStore, tokenSecretFromEnv } from './commons/stores';

const logger = createLogger('hashbrief-subscribe');
const reporter = loggerReporter(logger);
const env = functionEnv();
const subscribers = createSubscriberStore(archiveBucketStore(env));
const signups = createSqsSignupQueue({
  client: createSqsClient(),
  queueUrl: requireSetting(env, 'HASHBRIEF_SIGNUP_QUEUE_URL'),
});
const secret = tokenSecretFromEnv(env);

const ACCEPTED =
  'If this address can receive email, a confirmation link is on its way. Click it to start receiving hashbrief.';
const UNAVAILABLE = 'Sign-up is unavailable for a moment: nothing was recorded. Please try again shortly.';

/** The Lambda entry point. */
export async function handler(event: unknown, context?: Context): Promise<HttpResponse> {
  addInvocationContext(logger, context);
  const call = readFunctionUrlCall(event);
  if (!call) return jsonResponse(400, { error: 'bad request' });
  const { request, method, token } = call;
  // A plain GET (the "subscribe" link on the archive pages) shows the form, no secret needed; a GET with a
  // token confirms.
  if (method === 'GET') {
    if (token === undefined) return htmlResponse(200, subscribeFormPage());
    const tokenSecret = await secret();
    const outcome = await confirmSubscription(
      token,
      { subscribers, clock: systemClock, reporter },
      { tokenSecret },
    );
    return htmlResponse(
      outcome === 'confirmed' || outcome === 'already-active' ? 200 : 400,
      confirmResultPage(outcome),
    );
  }
  if (method !== 'POST') return jsonResponse(405, { error: 'method not allowed' });

  const form = isFormPost(request);
  const fields = bodyFields(request);
  try {
    await acceptSignup(fields.email ?? fields.address ?? '', signups);
  } catch (error) {
    // Only the address's syntax is judged here; that reveals nothing about the list.
    if (error instanceof InvalidAddressError) {
      return form
        ? htmlResponse(400, subscribeFormPage(error.message))
        : jsonResponse(400, { error: error.message });
    }
    // The queue did not take it: the same for every address, and the requester should retry.
    if (error instanceof SignupQueueError) {
      logger.error('sign-up queue unavailable', { error: String(error.cause) });
      return form
        ? htmlResponse(503, subscribeUnavailablePage(UNAVAILABLE))
        : jsonResponse(503, { error: UNAVAILABLE });
    }
    throw error;
  }
  // A browser's form POST gets a page; API clients (JSON) get JSON. Same words either way.
  return form ? htmlResponse(202, subscribeAcceptedPage(ACCEPTED)) : jsonResponse(202, { message: ACCEPTED });
}
