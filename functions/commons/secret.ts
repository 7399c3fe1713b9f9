/**
 * The token secret: HASHBRIEF_TOKEN_SECRET when set (local use), else the SSM SecureString named by
 * HASHBRIEF_TOKEN_SECRET_PARAM, fetched with decryption and cached for `ttlMs` (default 5 min).
 */
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { ConfigError, type Env } from '../../src/config/env';
import type { Clock } from '../../src/ports';

/** Thrown when SSM does not return a usable secret. */
export class SecretUnavailableError extends Error {
  override name = 'SecretUnavailableError';
}

/** Returns a function resolving the secret, cached between invocations. */
export function createSecretSource(options: {
  env: Pick<Env, 'HASHBRIEF_TOKEN_SECRET' | 'HASHBRIEF_TOKEN_SECRET_PARAM'>;
  ssm: SSMClient;
  clock: Clock;
  ttlMs?: number;
}): () => Promise<string> {
  const direct = options.env.HASHBRIEF_TOKEN_SECRET;
  if (direct) return async () => direct;
  const name = options.env.HASHBRIEF_TOKEN_SECRET_PARAM;
  if (!name) throw new ConfigError('HASHBRIEF_TOKEN_SECRET_PARAM (or HASHBRIEF_TOKEN_SECRET) must be set');
  const ttl = options.ttlMs ?? 5 * 60_000;
  let cached: { value: string; until: number } | undefined;
  let inflight: Promise<string> | undefined;
  return async () => {
    const now = options.clock().getTime();
    if (cached && now < cached.until) return cached.value;
    inflight ??= (async () => {
      try {
        const out = await options.ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
        const value = out.Parameter?.Value;
        if (!value || value.length < 16) {
          throw new SecretUnavailableError(`SSM parameter ${name} is empty or shorter than 16 characters`);
        }
        cached = { value, until: options.clock().getTime() + ttl };
        return value;
      } catch (error) {
        if (error instanceof SecretUnavailableError) throw error;
        throw new SecretUnavailableError(`cannot read SSM parameter ${name}`, { cause: error });
      } finally {
        inflight = undefined;
      }
    })();
    return inflight;
  };
}
