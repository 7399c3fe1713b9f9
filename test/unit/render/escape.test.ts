import { describe, expect, it } from 'vitest';
import { escapeHtml, safeHttpUrl, safeLink } from '../../../src/text/escape';

describe('escapeHtml', () => {
  it('neutralises markup and both quote styles', () => {
    // Act
    const out = escapeHtml(`<script>alert("x")</script> 'a' & \`b\``);

    // Assess
    expect(out).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &#39;a&#39; &amp; &#96;b&#96;');
  });
});

describe('safeHttpUrl', () => {
  it('keeps absolute http and https URLs', () => {
    expect(safeHttpUrl('https://brief.example.org/a?b=1')).toBe('https://brief.example.org/a?b=1');
    expect(safeHttpUrl(' http://x.test/ ')).toBe('http://x.test/');
  });

  it.each([
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    'data:text/html,x',
    '//evil.test/x',
    'relative/path',
    '',
    'https://',
  ])('refuses %s', (value) => {
    expect(safeHttpUrl(value)).toBeNull();
  });
});

describe('safeLink', () => {
  it('allows plain relative paths and refuses schemes and quotes', () => {
    expect(safeLink('issues/2026-11-23/newsletter.html')).toBe('issues/2026-11-23/newsletter.html');
    expect(safeLink('javascript:alert(1)')).toBeNull();
    expect(safeLink('a" onclick="x')).toBeNull();
  });
});
