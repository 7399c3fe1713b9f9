/**
 * JSON read back from somewhere we do not control byte for byte (a stored record, a manifest, an SQS or
 * SNS body, a recording): parsed, checked with a zod schema, and, when it fails, described by what is
 * wrong and where. A problem never quotes the text: records hold addresses and tokens, and the parser's
 * own message echoes the input.
 *
 * Every problem reads after a colon: `not JSON`, or `field \`a.b\` <what the schema says>`. Callers
 * put their subject in front (`ledger entry ledger/…: not JSON`) and raise their own error class.
 */
import type { z } from 'zod';

/** What a body that does not parse as JSON is called. */
export const NOT_JSON = 'not JSON';

type Issue = z.ZodError['issues'][number];

/** One issue: the field's path and the schema's message, or the unknown fields by name. */
function issueProblem(issue: Issue, whole: string): string {
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    return `unknown field(s) ${issue.keys.map((k) => `\`${[...path, k].join('.')}\``).join(', ')}`;
  }
  return `field \`${path.length > 0 ? path.join('.') : whole}\` ${issue.message}`;
}

/**
 * The first issue of a failed parse: its field path and the schema's message, never the value. `whole`
 * names the value itself when the issue is at the top (`(object)`, `(payload)`).
 */
export function fieldProblem(error: z.ZodError, whole = '(object)'): string {
  const issue = error.issues[0];
  return issue ? issueProblem(issue, whole) : `field \`${whole}\` is invalid`;
}

/** Every issue of a failed parse, as fieldProblem words each, joined with `; `. */
export function fieldProblems(error: z.ZodError, whole = '(object)'): string {
  return error.issues.map((issue) => issueProblem(issue, whole)).join('; ');
}

/** A parse that worked, or why it did not (with the parser's or the schema's error as `cause`). */
export type JsonResult<T> = { ok: true; value: T } | { ok: false; problem: string; cause: unknown };

/** Parses `body` (UTF-8 bytes or text) as JSON checked by `schema`. */
export function parseJsonAs<T>(body: Buffer | string, schema: z.ZodType<T>): JsonResult<T> {
  let json: unknown;
  try {
    json = JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
  } catch (error) {
    return { ok: false, problem: NOT_JSON, cause: error };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, problem: fieldProblem(parsed.error), cause: parsed.error };
}

/**
 * parseJsonAs, throwing what `fail` makes of the problem (the caller's own `…Error`, naming its subject)
 * instead of returning it.
 */
export function parseJsonOrThrow<T>(
  body: Buffer | string,
  schema: z.ZodType<T>,
  fail: (problem: string, options: { cause: unknown }) => Error,
): T {
  const result = parseJsonAs(body, schema);
  if (result.ok) return result.value;
  throw fail(result.problem, { cause: result.cause });
}
