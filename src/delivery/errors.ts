/**
 * Errors raised by the delivery stage. Each sets `name` and carries its `cause`; they become outcomes
 * (HTTP status, batch item failure, CLI exit code) only at the edges.
 */
import { type CauseOptions, namedError } from '../named-error';

/** An address that cannot be accepted; `reason` is safe to show to the person who typed it. */
export class InvalidAddressError extends namedError('InvalidAddressError') {
  constructor(
    readonly reason: string,
    options?: CauseOptions,
  ) {
    super(`invalid email address: ${reason}`, options);
  }
}

/** A value meant for a mail header contains CR, LF or another control character. */
export class HeaderInjectionError extends namedError('HeaderInjectionError') {}

/** A built message that breaks the wire format (a bare CR or LF, a line over 998 octets): never sent. */
export class MimeFormatError extends namedError('MimeFormatError') {}

/** A confirmation or unsubscribe token that does not verify. */
export class TokenError extends namedError('TokenError') {
  constructor(
    readonly reason: 'malformed' | 'bad-signature' | 'expired' | 'wrong-purpose',
    options?: CauseOptions,
  ) {
    super(`token rejected: ${reason}`, options);
  }
}

/** A stored subscriber or ledger object that fails validation. */
export class CorruptRecordError extends namedError('CorruptRecordError') {}

/**
 * A subscriber object that cannot be used: not JSON, a field outside its schema, stored under the wrong
 * id. Names the id and the field, never the content (which holds an address).
 */
export class UnreadableSubscriberError extends CorruptRecordError {
  override name = 'UnreadableSubscriberError';
  constructor(
    readonly subscriberHash: string,
    readonly reason: string,
    options?: CauseOptions,
  ) {
    super(`subscriber ${subscriberHash}: ${reason}`, options);
  }
}

/** The mail transport refused a message (after retries when the refusal was transient). */
export class SendError extends namedError('SendError') {
  constructor(
    message: string,
    readonly retryable: boolean,
    options?: CauseOptions,
  ) {
    super(message, options);
  }
}

/**
 * The transport failed after the message may have reached it (a timeout or reset after the request was
 * sent, a 5xx): it may or may not have been accepted. Never retried at once and never treated as a
 * refusal: a second attempt could deliver a second copy.
 */
export class AmbiguousSendError extends SendError {
  override name = 'AmbiguousSendError';
  constructor(message: string, options?: CauseOptions) {
    super(message, false, options);
  }
}

/** Optimistic concurrency on a stored object kept losing; the caller may retry later. */
export class ConcurrentUpdateError extends namedError('ConcurrentUpdateError') {}
