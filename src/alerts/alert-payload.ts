/**
 * The alerts Lambda's payload. The daily schedule sends `{}`; an operator may send `{ asOf }` (judge that
 * day, archive, no mail) or `{ dryRun: true }`. Unknown fields are rejected, naming them.
 */
import { z } from 'zod';
import { calendarDay } from '../days';
import { fieldProblems } from '../validated-json';
import type { AlertJobPayload } from './alert-job';

export const alertPayloadSchema = z
  .object({
    asOf: calendarDay.optional(),
    dryRun: z.boolean().optional(),
  })
  .strict();

/** A payload that cannot be used; the message names the field. */
export class AlertPayloadError extends Error {
  override name = 'AlertPayloadError';
}

/** Parses and validates the payload before anything else happens. */
export function parseAlertPayload(input: unknown): AlertJobPayload {
  const parsed = alertPayloadSchema.safeParse(input === undefined || input === null ? {} : input);
  if (parsed.success) return parsed.data;
  throw new AlertPayloadError(`invalid alerts payload: ${fieldProblems(parsed.error, '(payload)')}`);
}
