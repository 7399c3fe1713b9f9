import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  fieldProblem,
  fieldProblems,
  NOT_JSON,
  parseJsonAs,
  parseJsonOrThrow,
} from '../../src/validated-json';

const record = z.object({
  state: z.enum(['sending', 'sent']),
  recipients: z.array(z.object({ id: z.string() })),
});

class CorruptThingError extends Error {
  override name = 'CorruptThingError';
}

describe('parseJsonAs', () => {
  it('returns the parsed value of valid bytes and of valid text', () => {
    // Arrange
    const json = '{"state":"sent","recipients":[{"id":"a"}]}';

    // Act
    const fromBytes = parseJsonAs(Buffer.from(json), record);
    const fromText = parseJsonAs(json, record);

    // Assert
    expect(fromBytes).toEqual({ ok: true, value: { state: 'sent', recipients: [{ id: 'a' }] } });
    expect(fromText).toEqual(fromBytes);
  });

  it('says "not JSON" without quoting the body, keeping the parser error as the cause', () => {
    // Act
    const result = parseJsonAs('{"address":"alice@example.com",', record);

    // Assert
    expect(result).toMatchObject({ ok: false, problem: NOT_JSON });
    expect(result.ok ? null : result.cause).toBeInstanceOf(SyntaxError);
    expect(JSON.stringify(result.ok ? '' : result.problem)).not.toContain('alice');
  });

  it('names the nested field that fails, never its value', () => {
    // Act
    const result = parseJsonAs(
      '{"state":"sent","recipients":[{"id":"a"},{"id":"alice@example.com","x":1},{}]}',
      record,
    );

    // Assert
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.problem).toMatch(/^field `recipients\.2\.id` /);
    expect(result.ok ? '' : result.problem).not.toContain('alice');
  });

  it('calls a value that is not an object at all by the caller-independent name (object)', () => {
    expect(parseJsonAs('[]', record)).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/^field `\(object\)` /),
    });
  });
});

describe('parseJsonOrThrow', () => {
  it("raises the caller's own error with the problem and the cause", () => {
    // Act
    const attempt = () =>
      parseJsonOrThrow('{"state":"lost","recipients":[]}', record, (problem, options) => {
        return new CorruptThingError(`ledger entry k: ${problem}`, options);
      });

    // Assert
    expect(attempt).toThrow(CorruptThingError);
    expect(attempt).toThrow(/^ledger entry k: field `state` /);
    try {
      attempt();
    } catch (error) {
      expect((error as Error).cause).toBeInstanceOf(z.ZodError);
    }
  });
});

describe('fieldProblem and fieldProblems', () => {
  const payload = z
    .object({ asOf: z.string().min(10, 'must be a day'), dryRun: z.boolean().optional() })
    .strict();

  it('words the first issue, or every issue with unknown fields by name', () => {
    // Arrange
    const error = payload.safeParse({ asOf: 'x', dryRun: 'yes', extra: 1 }).error as z.ZodError;

    // Act
    const first = fieldProblem(error, '(payload)');
    const all = fieldProblems(error, '(payload)');

    // Assert
    expect(first).toBe('field `asOf` must be a day');
    expect(all.split('; ')).toEqual([
      'field `asOf` must be a day',
      expect.stringMatching(/^field `dryRun` /),
      'unknown field(s) `extra`',
    ]);
  });

  it('names the whole value when the issue is at the top', () => {
    const error = payload.safeParse('{}').error as z.ZodError;
    expect(fieldProblem(error, '(payload)')).toMatch(/^field `\(payload\)` /);
  });
});
