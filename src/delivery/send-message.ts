/**
 * The SQS message body of one send batch: subscriber hashes only (the sender reads each address from
 * the subscriber object). Kept apart from the SQS adapter so the sender bundle does not pull in the SQS
 * client.
 */
import { z } from 'zod';

const ISSUE_ID = /^(?!\.)(?!.*\.\.)[A-Za-z0-9._-]{1,128}$/;

/** The SQS message body of one send batch. */
export const sendMessageSchema = z.object({
  v: z.literal(1),
  issueId: z.string().regex(ISSUE_ID, 'issueId must be letters, digits, ".", "_" or "-"'),
  recipients: z
    .array(z.object({ id: z.string().regex(/^[0-9a-f]{64}$/, 'recipient id must be a subscriber hash') }))
    .min(1)
    .max(500),
});

export type SendMessage = z.infer<typeof sendMessageSchema>;

/** Enqueues send batches. */
export interface SendQueue {
  enqueue(messages: SendMessage[]): Promise<void>;
}
