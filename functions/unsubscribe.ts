/**
 * Link endpoint for the two signed links in every email's footer (Function URL, and the links API).
 * - `/unsubscribe?token=...`: GET shows a confirmation page whose button POSTs; POST (the button, or a
 *   mailbox provider's RFC 8058 `List-Unsubscribe=One-Click`) unsubscribes. Idempotent.
 * - `/preferences?token=...`: GET shows the reader's choices (weekly issue, alerts, power price) in a
 *   form; POST of that form saves them. Same token rules as unsubscribe: never expires, GET never changes.
 * Env: HASHBRIEF_ARCHIVE_BUCKET, HASHBRIEF_TOKEN_SECRET_PARAM.
 */
import type { Context } from 'aws-lambda';
import {
  invalidLinkPage,
  notSubscribedPage,
  preferencesPage,
  unsubscribeConfirmPage,
  unsubscribedPage,
} from '../src/delivery/pages';
import { type PreferencesOutcome, savePreferences, showPreferences } from '../src/delivery/preferences';
import { createSubscriberStore } from '../src/delivery/subscribers';
import { isValidUnsubscribeToken, unsubscribe } from '../src/delivery/unsubscribe';
import { systemClock } from '../src/ports';
import { functionEnv } from './commons/config';
import {
  bodyFields,
  type FunctionUrlRequest,
  type HttpResponse,
  htmlResponse,
  jsonResponse,
  readFunctionUrlCall,
} from './commons/http';
import { addInvocationContext, createLogger, loggerReporter } from './commons/logger';
import { archiveBucketStore, tokenSecretFromEnv } from './commons/stores';

const logger = createLogger('hashbrief-unsubscribe');
const reporter = loggerReporter(logger);
const env = functionEnv();
const subscribers = createSubscriberStore(archiveBucketStore(env));
const secret = tokenSecretFromEnv(env);

/** The page for a preferences outcome. */
function preferencesResponse(token: string, outcome: PreferencesOutcome): HttpResponse {
  switch (outcome.kind) {
    case 'form':
      return htmlResponse(200, preferencesPage(token, outcome.preferences));
    case 'saved':
      return htmlResponse(200, preferencesPage(token, outcome.preferences, { saved: true }));
    case 'invalid-form':
      return htmlResponse(400, preferencesPage(token, outcome.preferences, { problem: outcome.problem }));
    case 'not-subscribed':
      return htmlResponse(200, notSubscribedPage());
    case 'invalid-link':
      return htmlResponse(400, invalidLinkPage());
  }
}

async function preferences(request: FunctionUrlRequest, method: string, token: string) {
  const tokenSecret = await secret();
  const deps = { subscribers, clock: systemClock, reporter };
  if (method === 'GET')
    return preferencesResponse(token, await showPreferences(token, deps, { tokenSecret }));
  if (method !== 'POST') return jsonResponse(405, { error: 'method not allowed' });
  return preferencesResponse(token, await savePreferences(token, bodyFields(request), deps, { tokenSecret }));
}

/** The Lambda entry point. */
export async function handler(event: unknown, context?: Context): Promise<HttpResponse> {
  addInvocationContext(logger, context);
  const call = readFunctionUrlCall(event);
  if (!call) return jsonResponse(400, { error: 'bad request' });
  const { request, method } = call;
  const token = call.token ?? '';
  if (request.rawPath.replace(/\/+$/, '').endsWith('/preferences')) {
    return preferences(request, method, token);
  }
  const tokenSecret = await secret();
  if (method === 'GET') {
    return isValidUnsubscribeToken(token, { tokenSecret }, systemClock())
      ? htmlResponse(200, unsubscribeConfirmPage(token))
      : htmlResponse(400, invalidLinkPage());
  }
  if (method !== 'POST') return jsonResponse(405, { error: 'method not allowed' });
  const outcome = await unsubscribe(token, { subscribers, clock: systemClock, reporter }, { tokenSecret });
  return outcome === 'unsubscribed'
    ? htmlResponse(200, unsubscribedPage())
    : htmlResponse(400, invalidLinkPage());
}
