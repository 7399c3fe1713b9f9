/** The emulator's transport-neutral answer, before faults and before it meets a socket or a Response. */
export interface EmulatorResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A JSON answer with the content type both upstreams send. */
export function jsonResponse(
  status: number,
  value: unknown,
  extraHeaders: Record<string, string> = {},
): EmulatorResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...extraHeaders },
    body: JSON.stringify(value),
  };
}

/** A plain-text answer (mempool's `/blocks/tip/height`). */
export function textResponse(status: number, text: string): EmulatorResponse {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: text };
}
