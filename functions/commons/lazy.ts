/**
 * AWS client construction, once per container (never in src/: the core gets clients passed in). Each
 * handler imports only the SDK clients it uses (bundle size), wrapped in `lazy` so a code path that never
 * sends never builds an SES client.
 */

/** Returns a getter that builds the value on first call and reuses it afterwards. */
export function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
}

/**
 * SES client options: no SDK retries, so throttling is paced by the sender's token bucket and backoff
 * (src/delivery/rate-limiter.ts) instead of being retried blindly inside the SDK (which would also retry
 * timeouts and resets, where SES may already have accepted the mail). The timeouts end a hung request
 * well inside the sender's 15 s safety margin (SEND_TIME_MARGIN_MS), so the Lambda timeout never cuts a
 * send short; a connect timeout means SES was never reached and is retried, a request timeout is not.
 */
export const SES_CLIENT_OPTIONS = {
  maxAttempts: 1,
  requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000, throwOnRequestTimeout: true },
} as const;
