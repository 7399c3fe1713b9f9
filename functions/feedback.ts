/**
 * SES feedback (SNS → Lambda): bounce and complaint notifications from the SES identity or configuration
 * set's SNS topic. Each record's `Sns.Message` is zod-parsed; an unparseable record is logged and skipped
 * (SNS would retry it forever otherwise); a store failure throws so SNS retries the delivery. Every
 * notification is applied once, whatever SNS redelivers: the feedback ledger (`feedback/*` in the bucket)
 * remembers it by SES feedbackId, else by SNS MessageId.
 * Env: HASHBRIEF_ARCHIVE_BUCKET.
 */
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { handleSesNotification, sesNotificationSchema } from '../src/delivery/feedback';
import { createFeedbackLedger } from '../src/delivery/feedback-ledger';
import { createSubscriberStore } from '../src/delivery/subscribers';
import { systemClock } from '../src/ports';
import { parseJsonAs } from '../src/validated-json';
import { functionEnv } from './commons/config';
import { addInvocationContext, createLogger, loggerReporter } from './commons/logger';
import { archiveBucketStore } from './commons/stores';

const logger = createLogger('hashbrief-feedback');
const reporter = loggerReporter(logger);
const env = functionEnv();
const store = archiveBucketStore(env);
const subscribers = createSubscriberStore(store);
const ledger = createFeedbackLedger(store);

const snsEventSchema = z.object({
  Records: z.array(z.object({ Sns: z.object({ MessageId: z.string().optional(), Message: z.string() }) })),
});

/** The Lambda entry point. */
export async function handler(event: unknown, context?: Context): Promise<void> {
  addInvocationContext(logger, context);
  const parsed = snsEventSchema.safeParse(event);
  if (!parsed.success) {
    logger.error('not an SNS event', { issues: parsed.error.issues.length });
    return;
  }
  for (const record of parsed.data.Records) {
    const notification = parseJsonAs(record.Sns.Message, sesNotificationSchema);
    if (!notification.ok) {
      // The problem names the field only: a notification holds the bounced addresses.
      logger.warn('not an SES notification', {
        snsMessageId: record.Sns.MessageId,
        problem: notification.problem,
      });
      continue;
    }
    await handleSesNotification(
      notification.value,
      { subscribers, ledger, clock: systemClock, reporter },
      {},
      { snsMessageId: record.Sns.MessageId },
    );
  }
}
