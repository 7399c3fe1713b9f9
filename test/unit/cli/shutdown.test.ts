import { describe, expect, it } from 'vitest';
import { untilSignal } from '../../../src/cli/shutdown';

describe('untilSignal', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    'resolves on %s and then stops listening for both',
    async (signal) => {
      // Arrange
      const before = { int: process.listenerCount('SIGINT'), term: process.listenerCount('SIGTERM') };
      let resolved = false;
      const waiting = untilSignal().then(() => {
        resolved = true;
      });
      await Promise.resolve();
      const listening = { int: process.listenerCount('SIGINT'), term: process.listenerCount('SIGTERM') };
      // Act
      process.emit(signal);
      await waiting;
      // Assert
      expect(listening).toEqual({ int: before.int + 1, term: before.term + 1 });
      expect(resolved).toBe(true);
      expect({ int: process.listenerCount('SIGINT'), term: process.listenerCount('SIGTERM') }).toEqual(
        before,
      );
    },
  );

  it('does not resolve before a signal arrives', async () => {
    let resolved = false;
    const waiting = untilSignal().then(() => {
      resolved = true;
    });

    await new Promise((resolve) => setTimeout(resolve, 20));
    const early = resolved;
    process.emit('SIGTERM');
    await waiting;

    expect(early).toBe(false);
    expect(resolved).toBe(true);
  });
});
