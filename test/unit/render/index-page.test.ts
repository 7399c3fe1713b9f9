import { describe, expect, it } from 'vitest';
import type { IssueIndexEntry } from '../../../src/contracts/index-entry';
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

describe('an issue on the archive index page', () => {
  const entry = (headline: IssueIndexEntry['headline']): IssueIndexEntry => ({
    issueId: '2026-01-05',
    asOf: '2026-01-05',
    generatedAt: '2026-01-05T07:00:00.000Z',
    sample: false,
    headline,
    files: {},
  });

  it('shows its headline figures tersely', () => {
    const html = renderArchiveIndexPage([
      entry({ hashpriceUsdPerPhDay: 48.2, hashpriceChange7dPct: -2, priceUsd: 91_000, hashrateEhs7d: 1_050 }),
    ]);

    expect(html).toContain(
      '<p>Hashprice $48.20/PH/day (7-day avg), \u22122.0% w/w &middot; BTC $91,000 &middot; Hashrate 1,050 EH/s</p>',
    );
  });

  it('says when it has no hashprice, and shows only the figures it has', () => {
    const html = renderArchiveIndexPage([
      entry({
        hashpriceUsdPerPhDay: null,
        hashpriceChange7dPct: null,
        priceUsd: 91_000,
        hashrateEhs7d: null,
      }),
    ]);

    expect(html).toContain('<p>No hashprice &middot; BTC $91,000</p>');
  });
});
