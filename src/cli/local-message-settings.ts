/**
 * Message settings for local delivery. The token secret comes from HASHBRIEF_TOKEN_SECRET, else from a
 * random secret kept in the local state folder (created once, owner-only), so unsubscribe links in the
 * outbox stay valid across runs without the operator having to invent one.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { MessageSettings } from '../delivery/email';
import type { CliContext } from './context';

/** Where unsubscribe links point when no endpoint is deployed: documented as a local placeholder. */
export const LOCAL_LINKS_BASE_URL = 'http://127.0.0.1:8787';
const SECRET_FILE = '.token-secret';

async function localSecret(localDir: string): Promise<string> {
  const file = path.join(localDir, SECRET_FILE);
  try {
    const existing = (await readFile(file, 'utf8')).trim();
    if (existing.length >= 32) return existing;
  } catch {
    // first run: create it below
  }
  await mkdir(localDir, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  try {
    await writeFile(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch {
    // Another process created it first: use theirs.
    return (await readFile(file, 'utf8')).trim();
  }
}

export async function localMessageSettings(ctx: CliContext): Promise<MessageSettings> {
  return {
    from: ctx.env.HASHBRIEF_FROM_ADDRESS,
    linksBaseUrl: ctx.env.HASHBRIEF_LINKS_BASE_URL ?? LOCAL_LINKS_BASE_URL,
    tokenSecret: ctx.env.HASHBRIEF_TOKEN_SECRET ?? (await localSecret(ctx.localDir)),
  };
}
