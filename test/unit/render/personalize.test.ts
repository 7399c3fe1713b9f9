import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PersonalizeError, personalize } from '../../../src/render/personalize';
import { PERSONAL_TOKENS } from '../../../src/render/types';

const template = `<p>${PERSONAL_TOKENS.greeting}</p><a href="${PERSONAL_TOKENS.unsubscribeUrl}">Unsubscribe</a> ${PERSONAL_TOKENS.unsubscribeUrl}`;

describe('personalize', () => {
  it('fills every greeting and unsubscribe token in html, escaped', () => {
    // Act
    const out = personalize(
      template,
      { unsubscribeUrl: 'https://x.test/u?t=a&s=1', greeting: 'Hi <b>Ann</b> "& co",' },
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
      { unsubscribeUrl: 'https://x.test/u?t=a&s=1', greeting: 'Hi Ann,' },
      'text',
    );
    expect(out).toContain('Hi Ann,');
    expect(out).toContain('https://x.test/u?t=a&s=1');
    expect(out).not.toContain('%%HB_');
  });

  it('refuses an unsubscribe link that is not http(s)', () => {
    expect(() =>
      personalize(template, { unsubscribeUrl: 'javascript:alert(1)', greeting: 'Hi' }, 'html'),
    ).toThrow(PersonalizeError);
  });

  it('flattens control characters in the greeting', () => {
    const out = personalize(
      PERSONAL_TOKENS.greeting,
      { unsubscribeUrl: 'https://x.test/u', greeting: 'Hi\r\nBcc: x' },
      'text',
    );
    expect(out).toBe('Hi Bcc: x');
  });

  it('imports nothing heavy, so the sender Lambda stays small', () => {
    // Prepare
    const source = readFileSync(new URL('../../../src/render/personalize.ts', import.meta.url), 'utf8');
    const escaper = readFileSync(new URL('../../../src/render/escape.ts', import.meta.url), 'utf8');

    // Assess
    const imports = [...`${source}\n${escaper}`.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
    expect(imports.every((i) => ['./escape', './types'].includes(i ?? ''))).toBe(true);
  });
});
