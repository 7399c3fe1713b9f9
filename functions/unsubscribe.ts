/**
 * Unsubscribe endpoint (Function URL). GET `/unsubscribe?token=...` shows a confirmation page whose button
 * POSTs; POST (the button, or a mailbox provider's RFC 8058 `List-Unsubscribe=One-Click`) unsubscribes.
 * Idempotent. Env: HASHBRIEF_ARCHIVE_BUCKET, HASHBRIEF_TOKEN_SECRET_PARAM.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';
import { invalidLinkPage, unsubscribeConfirmPage, unsubscribedPage } from '../src/delivery/pages';
import { createSubscriberStore } from '../src/delivery/subscribers';
import { isValidUnsubscribeToken, unsubscribe } from '../src/delivery/unsubscribe';
import { systemClock } from '../src/ports';
import { functionEnv, requireSetting } from './commons/config';
import { functionUrlEventSchema, type HttpResponse, htmlResponse, jsonResponse } from './commons/http';
import { lazy } from './commons/lazy';
import { createLogger, loggerReporter } from './commons/logger';
import { createSecretSource } from './commons/secret';
import { bucketStore } from './commons/stores';

const logger = createLogger('hashbrief-unsubscribe');
const reporter = loggerReporter(logger);
const env = functionEnv();
const s3 = lazy(() => new S3Client({}));
const ssm = lazy(() => new SSMClient({}));
const subscribers = createSubscriberStore(bucketStore(s3(), requireSetting(env, 'HASHBRIEF_ARCHIVE_BUCKET')));
const secret = createSecretSource({ env, ssm: ssm, clock: systemClock });

/** The Lambda entry point. */
export async function handler(event: unknown): Promise<HttpResponse> {
  const parsed = functionUrlEventSchema.safeParse(event);
  if (!parsed.success) return jsonResponse(400, { error: 'bad request' });
  const request = parsed.data;
  const method = request.requestContext.http.method.toUpperCase();
  const token = request.queryStringParameters?.token ?? '';
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
