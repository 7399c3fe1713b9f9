/**
 * Lambda configuration: the one env schema (src/config/env.ts), parsed once per cold start, plus a check
 * for the variables a given function cannot run without.
 */
import { ConfigError, type Env, loadEnv } from '../../src/config/env';

/** Parses the environment once (the result is cached for the container's life). */
let cached: Env | undefined;
export function functionEnv(env: Record<string, string | undefined> = process.env): Env {
  cached ??= loadEnv(env);
  return cached;
}

/** Returns `env[name]`, or throws ConfigError naming the missing variable. */
export function requireSetting<K extends keyof Env>(env: Env, name: K): NonNullable<Env[K]> {
  const value = env[name];
  if (value === undefined || value === null)
    throw new ConfigError(`${String(name)} must be set for this function`);
  return value as NonNullable<Env[K]>;
}
