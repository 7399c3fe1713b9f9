import { createHash } from 'node:crypto';

/** Hex SHA-256 of a body; strings are hashed as their UTF-8 bytes, as they are stored. */
export function sha256Hex(body: Buffer | string): string {
  return createHash('sha256').update(body).digest('hex');
}

/** The body as stored: strings become UTF-8 bytes. */
export function toBuffer(body: Buffer | string): Buffer {
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
}
