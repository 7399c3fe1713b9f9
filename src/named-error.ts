/**
 * The base of hashbrief's small error classes. Neutral: any stage may use it, and it imports no stage.
 */

/** The options every hashbrief error takes: the error it wraps, if any. */
export interface CauseOptions {
  cause?: unknown;
}

/**
 * A base class for an error called `name`: `class FooError extends namedError('FooError') {}` gives
 * instances whose `name` is 'FooError' and which take `(message, { cause })`.
 *
 * The name is written out, not read from the class, because the Lambda bundles are minified: a class's
 * own name would be mangled in every log line and every `error.name` a caller checks.
 */
export function namedError(name: string) {
  return class extends Error {
    override name = name;
    constructor(message: string, options?: CauseOptions) {
      super(message, options);
    }
  };
}
