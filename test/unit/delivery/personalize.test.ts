import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  breakPlaceholderSyntax,
  newPlaceholderNonce,
  PERSONAL_TOKENS,
  PlaceholderNonceError,
  placeholderTokens,
} from '../../../src/contracts/placeholders';
import { PersonalizeError, personalize } from '../../../src/delivery/personalize';

const template = `<p>${PERSONAL_TOKENS.greeting}</p><a href="${PERSONAL_TOKENS.unsubscribeUrl}">Unsubscribe</a> ${PERSONAL_TOKENS.unsubscribeUrl}`;

describe('personalize', () => {
  it('fills every greeting and unsubscribe token in html, escaped', () => {
    // Act
    const out = personalize(
      template,
      {
        unsubscribeUrl: 'https://x.test/u?t=a&s=1',
        preferencesUrl: 'https://x.test/p',
        greeting: 'Hi <b>Ann</b> "& co",',
      },
      'html',
    );

    // Assess
    expect(out).toBe(
      '<p>Hi &lt;b&gt;Ann&lt;/b&gt; &quot;&amp; co&quot;,</p><a href="https://x.test/u?t=a&amp;s=1">Unsubscribe</a> https://x.test/u?t=a&amp;s=1',
    );
  });

  it('inserts values as they are in text mode', () => {
    const out = personalize(
      template,
      { unsubscribeUrl: 'https://x.test/u?t=a&s=1', preferencesUrl: 'https://x.test/p', greeting: 'Hi Ann,' },
      'text',
    );
    expect(out).toContain('Hi Ann,');
    expect(out).toContain('https://x.test/u?t=a&s=1');
    expect(out).not.toContain('%%HB_');
  });

  it('refuses an unsubscribe link that is not http(s)', () => {
    expect(() =>
      personalize(
        template,
        { unsubscribeUrl: 'javascript:alert(1)', preferencesUrl: 'https://x.test/p', greeting: 'Hi' },
        'html',
      ),
    ).toThrow(PersonalizeError);
  });

  it('flattens control characters in the greeting', () => {
    const out = personalize(
      PERSONAL_TOKENS.greeting,
      { unsubscribeUrl: 'https://x.test/u', preferencesUrl: 'https://x.test/p', greeting: 'Hi\r\nBcc: x' },
      'text',
    );
    expect(out).toBe('Hi Bcc: x');
  });

  it('imports nothing heavy, so the sender Lambda stays small', () => {
    // Prepare
    const source = readFileSync(new URL('../../../src/delivery/personalize.ts', import.meta.url), 'utf8');
    const escaper = readFileSync(new URL('../../../src/text/escape.ts', import.meta.url), 'utf8');
    const tokens = readFileSync(new URL('../../../src/contracts/placeholders.ts', import.meta.url), 'utf8');

    // Assess
    const imports = [...`${source}\n${escaper}\n${tokens}`.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
    expect(imports.sort()).toEqual(['../contracts/placeholders', '../text/escape']);
  });
});

describe('per-issue placeholders', () => {
  const nonce = '00112233445566778899aabbccddeeff';
  const tokens = placeholderTokens(nonce);

  it('replaces only the placeholders carrying the issue nonce', () => {
    // Arrange
    const template = `${tokens.greeting} ${PERSONAL_TOKENS.greeting} ${tokens.unsubscribeUrl} %%HB_UNSUBSCRIBE_URL_ffffffffffffffffffffffffffffffff%%`;

    // Act
    const out = personalize(
      template,
      { unsubscribeUrl: 'https://x.test/u', preferencesUrl: 'https://x.test/p', greeting: 'Hi,' },
      'text',
      tokens,
    );

    // Assert
    expect(out).toBe(
      `Hi, ${PERSONAL_TOKENS.greeting} https://x.test/u %%HB_UNSUBSCRIBE_URL_ffffffffffffffffffffffffffffffff%%`,
    );
  });

  it('draws the nonce from the random port, the same for the same sequence', () => {
    const sequence = () => {
      let i = 0;
      return () => ((i++ * 7919) % 65536) / 65536;
    };

    expect(newPlaceholderNonce(sequence())).toBe(newPlaceholderNonce(sequence()));
    expect(newPlaceholderNonce(sequence())).toMatch(/^[0-9a-f]{32}$/);
    expect(newPlaceholderNonce(() => 0.999999)).toBe('ffff'.repeat(8));
  });

  it('refuses a nonce that is not 32 hex digits', () => {
    expect(() => placeholderTokens('%%HB_GREETING%%')).toThrow(PlaceholderNonceError);
  });

  it('breaks every %% in data so it cannot delimit a placeholder, keeping the visible text', () => {
    const broken = breakPlaceholderSyntax(`A%%%B ${tokens.unsubscribeUrl}`);

    expect(broken).not.toContain('%%');
    expect(broken.replace(/\u200b/g, '')).toBe(`A%%%B ${tokens.unsubscribeUrl}`);
    expect(breakPlaceholderSyntax('12.5% of blocks')).toBe('12.5% of blocks');
  });
});
