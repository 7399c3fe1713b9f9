/**
 * The alerts Lambda's payload. The daily schedule sends `{}`; an operator may send `{ asOf }` (judge that
 * day, archive, no mail) or `{ dryRun: true }`. Unknown fields are rejected, naming them.
 */
import { z } from 'zod';
import type { AlertJobPayload } from './alert-job';

export const alertPayloadSchema = z
  .object({
    asOf: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a day written YYYY-MM-DD')
      .refine((d) => {
        const t = Date.parse(`${d}T00:00:00Z`);
        return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === d;
      }, 'is not a calendar day')
      .optional(),
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
  const problems = parsed.error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return `unknown field(s) ${issue.keys.map((k) => `\`${k}\``).join(', ')}`;
    }
    const field = issue.path.length ? issue.path.join('.') : '(payload)';
    return `field \`${field}\` ${issue.message}`;
  });
  throw new AlertPayloadError(`invalid alerts payload: ${problems.join('; ')}`);
}
