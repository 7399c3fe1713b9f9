import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { CorruptRecordError, UnreadableSubscriberError } from '../../src/delivery/errors';
import { namedError } from '../../src/named-error';

describe('namedError', () => {
  it('gives each class its own name, the message and the cause', () => {
    // Arrange
    class FirstError extends namedError('FirstError') {}
    class SecondError extends namedError('SecondError') {}
    const cause = new Error('disk full');

    // Act
    const error = new FirstError('could not write', { cause });

    // Assert
    expect(error.name).toBe('FirstError');
    expect(error.message).toBe('could not write');
    expect(error.cause).toBe(cause);
    expect(String(error)).toBe('FirstError: could not write');
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(SecondError);
  });

  it('lets a subclass of a named error rename itself and stay an instance of its parent', () => {
    const error = new UnreadableSubscriberError('ab'.repeat(32), 'not JSON');

    expect(error.name).toBe('UnreadableSubscriberError');
    expect(error).toBeInstanceOf(CorruptRecordError);
  });

  it('keeps the names when the code is minified, as in the Lambda bundles', async () => {
    // Arrange: bundle the delivery errors the way the functions are bundled (minify, no keepNames).
    const bundled = await build({
      stdin: {
        contents:
          "import { ConcurrentUpdateError, SendError } from './src/delivery/errors';\nexport const names = [new ConcurrentUpdateError('x').name, new SendError('y', false).name];",
        resolveDir: process.cwd(),
        loader: 'ts',
      },
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'node',
      write: false,
    });

    // Act
    const code = bundled.outputFiles[0]?.text ?? '';
    const { names } = await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);

    // Assert
    expect(names).toEqual(['ConcurrentUpdateError', 'SendError']);
  });
});
