/**
 * Structured JSON logging (Powertools Logger) and a Reporter over it for the core. Never log addresses or
 * tokens: the core only hands hashes to the reporter.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import type { Reporter } from '../../src/ports';

/** A Powertools logger for one function. */
export function createLogger(serviceName: string): Logger {
  return new Logger({ serviceName });
}

/** Adapts a Logger to the core's Reporter port. */
export function loggerReporter(logger: Logger): Reporter {
  return {
    info: (message, fields) => logger.info(message, { ...fields }),
    warn: (message, fields) => logger.warn(message, { ...fields }),
  };
}

/**
 * Stamps the invocation's Lambda context (request id, function name, version and ARN, cold start) on
 * every line the logger writes from here on, the core's lines through loggerReporter included. Every
 * handler calls it first; the context is optional only so tests may invoke a handler without one.
 */
export function addInvocationContext(logger: Logger, context: Context | undefined): void {
  if (context) logger.addContext(context);
}
