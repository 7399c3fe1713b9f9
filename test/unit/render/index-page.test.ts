import { describe, expect, it } from 'vitest';
import { renderArchiveIndexPage } from '../../../src/render/index-page';

describe('archive index page', () => {
  it('invites readers to subscribe when a sign-up URL is configured', () => {
    const html = renderArchiveIndexPage([], { subscribeUrl: 'https://briefing.example.com/subscribe' });

    expect(html).toContain(
      'Get hashbrief by email every week: <a href="https://briefing.example.com/subscribe">subscribe</a>.',
    );
  });

  it('shows no sign-up line without a URL, and never a non-http(s) one', () => {
    expect(renderArchiveIndexPage([])).not.toContain('hb-subscribe');
    expect(renderArchiveIndexPage([], { subscribeUrl: 'javascript:alert(1)' })).not.toContain('javascript:');
  });
});
