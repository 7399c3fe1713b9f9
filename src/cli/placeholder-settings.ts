/**
 * Settings still at a placeholder that a reader would see: the footer's postal address (anti-spam laws
 * such as CAN-SPAM require a real one) and a From address no reader can answer. `run` and `send` warn
 * about each before delivering; nothing is refused, as local runs write to an outbox.
 */
import { DEFAULT_POSTAL_ADDRESS, type Env } from '../config/env';
import { mailboxAddress } from '../config/mailbox';

/** Domains that can never receive mail (RFC 2606, RFC 6761) or only on this machine. */
const PLACEHOLDER_DOMAIN = /(^|\.)(localhost|local|invalid|test|example|example\.(com|net|org))$/i;

/** One warning per placeholder setting, naming the variable that fixes it. */
export function placeholderWarnings(
  env: Pick<Env, 'HASHBRIEF_POSTAL_ADDRESS' | 'HASHBRIEF_FROM_ADDRESS'>,
): string[] {
  const warnings: string[] = [];
  const postal = env.HASHBRIEF_POSTAL_ADDRESS.trim();
  if (postal === DEFAULT_POSTAL_ADDRESS || postal === '' || /Set HASHBRIEF_POSTAL_ADDRESS/i.test(postal)) {
    warnings.push(
      `every footer still shows the placeholder postal address "${postal}": set HASHBRIEF_POSTAL_ADDRESS to your postal address (anti-spam laws such as CAN-SPAM require one)`,
    );
  }
  const from = mailboxAddress(env.HASHBRIEF_FROM_ADDRESS);
  const domain = from?.slice(from.lastIndexOf('@') + 1) ?? '';
  if (from !== null && PLACEHOLDER_DOMAIN.test(domain)) {
    warnings.push(
      `mail goes out from ${from}, a placeholder no reader can reply to: set HASHBRIEF_FROM_ADDRESS to a mailbox on your own domain`,
    );
  }
  return warnings;
}
