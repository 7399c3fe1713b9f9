/**
 * The report Lambda's manual-invocation payload (docs/architecture.md, "Contracts"; the table in docs/infra.md). The weekly schedule
 * sends `{}`. Unknown fields are rejected so a typo can't silently turn a test send into a full send.
 */

import { z } from 'zod';
import { calendarDay } from '../days';
import { normalizeAddress } from '../delivery/address';
import { fieldProblems } from '../validated-json';

export const MAX_TEST_RECIPIENTS = 10;

export const reportPayloadSchema = z
  .object({
    asOf: calendarDay.optional(),
    dryRun: z.boolean().optional(),
    sendTo: z
      .array(z.string())
      .min(1, 'must list at least one address when given')
      .max(MAX_TEST_RECIPIENTS, `takes at most ${MAX_TEST_RECIPIENTS} addresses`)
      .optional(),
  })
  .strict()
  .refine((p) => !(p.dryRun && p.sendTo), {
    // A dry run sends nothing, so a test send inside one would be silently dropped.
    message: 'cannot be combined with `dryRun` (a dry run sends nothing)',
    path: ['sendTo'],
  });

export type ReportPayload = z.infer<typeof reportPayloadSchema> & { sendTo?: string[] };

export class PayloadError extends Error {
  override name = 'PayloadError';
}

/** Parses and validates the payload (addresses included) before anything else happens. */
export function parseReportPayload(input: unknown): ReportPayload {
  const payload = input === undefined || input === null ? {} : input;
  const parsed = reportPayloadSchema.safeParse(payload);
  if (!parsed.success) {
    throw new PayloadError(`invalid report payload: ${fieldProblems(parsed.error, '(payload)')}`);
  }
  const sendTo = parsed.data.sendTo?.map((address, i) => {
    try {
      return normalizeAddress(address);
    } catch (error) {
      // The address itself is never echoed: it may be hostile, and addresses stay out of logs.
      throw new PayloadError(`invalid report payload: field \`sendTo.${i}\` is not a usable email address`, {
        cause: error,
      });
    }
  });
  return { ...parsed.data, ...(sendTo ? { sendTo } : {}) };
}
