/**
 * The SQS message body of one send batch: subscriber hashes only (the sender reads each address from
 * the subscriber object). Kept apart from the SQS adapter so the sender bundle does not pull in the SQS
 * client.
 */

import { z } from 'zod';
import { calendarDay } from '../days';

const ISSUE_ID = /^(?!\.)(?!.*\.\.)[A-Za-z0-9._-]{1,128}$/;

/** The SQS message body of one send batch. */
export const sendMessageSchema = z.object({
  v: z.literal(1),
  /** The weekly issue's id, or the alert edition's (with `alertDay`). */
  issueId: z.string().regex(ISSUE_ID, 'must be letters, digits, ".", "_" or "-"'),
  /**
   * Present for a mid-week alert edition: the UTC day it is mailed on. Its email is read from `alerts/`,
   * it goes only to readers who want alerts, and the send ledger counts it under `alerts-<alertDay>`, so
   * a reader gets at most one alert mail that day whatever the number of editions.
   */
  alertDay: calendarDay.optional(),
  recipients: z
    .array(z.object({ id: z.string().regex(/^[0-9a-f]{64}$/, 'must be a subscriber hash') }))
    .min(1)
    .max(500),
});

export type SendMessage = z.infer<typeof sendMessageSchema>;

/** The ledger id a message's sends are recorded under: the issue's id, or one per alert mail day. */
export function ledgerIdOf(message: Pick<SendMessage, 'issueId' | 'alertDay'>): string {
  return message.alertDay === undefined ? message.issueId : `alerts-${message.alertDay}`;
}

/** Enqueues send batches. */
export interface SendQueue {
  enqueue(messages: SendMessage[]): Promise<void>;
}
