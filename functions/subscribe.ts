/**
 * Subscribe endpoint (Function URL). POST `/subscribe` with `email` (form or JSON) starts double opt-in and
 * always answers 202 with the same words; GET `/confirm?token=...` activates the subscription.
 * Env: HASHBRIEF_ARCHIVE_BUCKET, HASHBRIEF_FROM_ADDRESS, HASHBRIEF_LINKS_BASE_URL, HASHBRIEF_TOKEN_SECRET_PARAM.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { SESClient } from '@aws-sdk/client-ses';
import { SSMClient } from '@aws-sdk/client-ssm';
import { InvalidAddressError } from '../src/delivery/errors';
import { confirmResultPage, subscribeAcceptedPage, subscribeFormPage } from '../src/delivery/pages';
import { createSesMailer } from '../src/delivery/ses-mailer';
import { confirmSubscription, requestSubscription } from '../src/delivery/subscribe';
import { createSubscriberStore } from '../src/delivery/subscribers';
import { atLeast, SUBSCRIBE_RESPONSE_FLOOR_MS } from '../src/delivery/uniform-timing';
import { realSleep, systemClock } from '../src/ports';
import { functionEnv, requireSetting } from './commons/config';
import {
  bodyFields,
  functionUrlEventSchema,
  type HttpResponse,
  htmlResponse,
  isFormPost,
  jsonResponse,
} from './commons/http';
import { lazy, SES_CLIENT_OPTIONS } from './commons/lazy';
import { createLogger, loggerReporter } from './commons/logger';
import { createSecretSource } from './commons/secret';
import { bucketStore } from './commons/stores';

const logger = createLogger('hashbrief-subscribe');
const reporter = loggerReporter(logger);
const env = functionEnv();
const s3 = lazy(() => new S3Client({}));
const ses = lazy(() => new SESClient(SES_CLIENT_OPTIONS));
const ssm = lazy(() => new SSMClient({}));
const linksBaseUrl = requireSetting(env, 'HASHBRIEF_LINKS_BASE_URL');
const subscribers = createSubscriberStore(bucketStore(s3(), requireSetting(env, 'HASHBRIEF_ARCHIVE_BUCKET')));
const secret = createSecretSource({ env, ssm: ssm, clock: systemClock });
const mailer = createSesMailer({
  client: ses(),
  configurationSet: env.HASHBRIEF_SES_CONFIGURATION_SET,
});

const ACCEPTED =
  'If this address can receive email, a confirmation link is on its way. Click it to start receiving hashbrief.';

/** The Lambda entry point. */
export async function handler(event: unknown): Promise<HttpResponse> {
  const parsed = functionUrlEventSchema.safeParse(event);
  if (!parsed.success) return jsonResponse(400, { error: 'bad request' });
  const request = parsed.data;
  const method = request.requestContext.http.method.toUpperCase();
  const token = request.queryStringParameters?.token;
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
  const tokenSecret = await secret();

  const fields = bodyFields(request);
  const address = fields.email ?? fields.address ?? '';
  try {
    // Same answer and the same time, whether the address is new, already active or suppressed.
    await atLeast(
      SUBSCRIBE_RESPONSE_FLOOR_MS,
      () =>
        requestSubscription(
          address,
          { subscribers, mailer, clock: systemClock, reporter },
          { from: env.HASHBRIEF_FROM_ADDRESS, linksBaseUrl, tokenSecret },
        ),
      { clock: systemClock, sleep: realSleep },
    );
  } catch (error) {
    if (error instanceof InvalidAddressError) {
      return isFormPost(request)
        ? htmlResponse(400, subscribeFormPage(error.message))
        : jsonResponse(400, { error: error.message });
    }
    throw error;
  }
  // A browser's form POST gets a page; API clients (JSON) get JSON. Same words either way.
  return isFormPost(request)
    ? htmlResponse(202, subscribeAcceptedPage(ACCEPTED))
    : jsonResponse(202, { message: ACCEPTED });
}
