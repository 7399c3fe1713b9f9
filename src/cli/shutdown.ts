/**
 * Long-running commands (`emulate`, `preview`) serve until the operator stops them.
 */

/** Resolves on the first SIGINT or SIGTERM, then stops listening for both. */
export function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
