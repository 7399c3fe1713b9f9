/**
 * Lambda Function URL plumbing: the event parsed with zod, form/JSON bodies, and small responses.
 */
import { z } from 'zod';

/** The part of a Function URL (payload v2) event the endpoints use. */
export const functionUrlEventSchema = z.object({
  rawPath: z.string().default('/'),
  headers: z.record(z.string(), z.string()).default({}),
  queryStringParameters: z.record(z.string(), z.string()).optional(),
  body: z.string().optional(),
  isBase64Encoded: z.boolean().default(false),
  requestContext: z.object({ http: z.object({ method: z.string() }) }),
});

export type FunctionUrlRequest = z.infer<typeof functionUrlEventSchema>;

/** A Function URL call: the request, its method in upper case, and its `token` query parameter. */
export interface FunctionUrlCall {
  request: FunctionUrlRequest;
  method: string;
  token: string | undefined;
}

/** Reads a Function URL event; null when it is not one (the endpoint answers 400). */
export function readFunctionUrlCall(event: unknown): FunctionUrlCall | null {
  const parsed = functionUrlEventSchema.safeParse(event);
  if (!parsed.success) return null;
  const request = parsed.data;
  return {
    request,
    method: request.requestContext.http.method.toUpperCase(),
    token: request.queryStringParameters?.token,
  };
}

/** The Function URL response shape. */
export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** Decodes the body (base64 when flagged) as UTF-8 text; empty string when there is none. */
export function bodyText(request: FunctionUrlRequest): string {
  if (!request.body) return '';
  return request.isBase64Encoded ? Buffer.from(request.body, 'base64').toString('utf8') : request.body;
}

function contentType(request: FunctionUrlRequest): string {
  return Object.entries(request.headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? '';
}

/** True for an HTML form submission (which expects a page back, not JSON). */
export function isFormPost(request: FunctionUrlRequest): boolean {
  return contentType(request).includes('application/x-www-form-urlencoded');
}

/** Form-encoded or JSON body as a flat string map (other values are dropped). */
export function bodyFields(request: FunctionUrlRequest): Record<string, string> {
  const text = bodyText(request);
  if (contentType(request).includes('application/json')) {
    const parsed = z.record(z.string(), z.unknown()).safeParse(safeJson(text));
    if (!parsed.success) return {};
    return Object.fromEntries(
      Object.entries(parsed.data).flatMap(([k, v]) => (typeof v === 'string' ? [[k, v]] : [])),
    );
  }
  return Object.fromEntries(new URLSearchParams(text));
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** An HTML page response. */
export function htmlResponse(statusCode: number, html: string): HttpResponse {
  return {
    statusCode,
    headers: {
      ...SECURITY_HEADERS,
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
    },
    body: html,
  };
}

/** A JSON response. */
export function jsonResponse(statusCode: number, value: unknown): HttpResponse {
  return {
    statusCode,
    headers: { ...SECURITY_HEADERS, 'content-type': 'application/json' },
    body: JSON.stringify(value),
  };
}
