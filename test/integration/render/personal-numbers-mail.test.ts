/**
 * "Your numbers" from render to a reader's mail: the fixture issue rendered once (MJML once), stored as
 * email.json, then one message per reader built by the sender's code, which works the block out from the
 * stored figures and the reader's preferences and fills it in like the links.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { buildIssueMessage, type LoadedEmail } from '../../../src/delivery/email';
import { renderIssue } from '../../../src/render/render-issue';
import { fixtureRenderInput, fixtureSnapshot } from '../../fixtures/render/fixture';
import { decodeQuotedPrintable, TEST_SETTINGS } from '../../support/delivery-fixtures';
import { loadedEmailOf } from '../../support/rendered-mail';

let loaded: LoadedEmail;

beforeAll(async () => {
  const rendered = await renderIssue(fixtureRenderInput());
  loaded = await loadedEmailOf(rendered);
}, 60_000);

async function mailFor(choices?: { powerPriceUsdPerKwh: number | null; fleet: (string | number)[] }) {
  const raw = await buildIssueMessage({
    loaded,
    settings: TEST_SETTINGS,
    to: 'reader@example.com',
    subscriberHash: 'a'.repeat(64),
    now: new Date('2026-11-24T06:00:00Z'),
    ...(choices ? { choices } : {}),
  });
  // The message is CRLF on the wire (RFC 5322); read it with plain line ends.
  const body = decodeQuotedPrintable(raw).replace(/\r\n/g, '\n');
  const [text = '', html = ''] = body.split(/Content-Type: text\/html/i);
  return { text, html };
}

describe('"Your numbers" in a reader’s mail', () => {
  it('stores the figures it is worked out from with the issue’s email', () => {
    expect(loaded.email.personal).toEqual({
      asOf: fixtureSnapshot().asOf,
      hashpriceUsdPerPhDay: fixtureSnapshot().metrics.hashprice.usdPerPhDay,
      machines: fixtureSnapshot().metrics.miners.breakeven.map((t) =>
        expect.objectContaining({ jPerTh: t.jPerTh }),
      ),
    });
  });

  it('gives a reader with a power price the block in both parts, right after the headline', async () => {
    const { text, html } = await mailFor({ powerPriceUsdPerKwh: 0.05, fleet: ['antminer-s21', 25] });

    expect(html).toContain('>Your numbers</h2>');
    expect(html).toContain('At your power price of $0.05/kWh');
    expect(html.indexOf('>Your numbers</h2>')).toBeLessThan(html.indexOf('id="headline"') >>> 0);
    expect(text).toContain('Your numbers\n------------');
    expect(text.indexOf('Your numbers')).toBeLessThan(text.indexOf('Archive and downloads') >>> 0);
    // At $27.268/PH/day and $0.05/kWh: an S21 (17.5 J/TH) makes 0.027268 − 0.021 = $0.0063 per TH/day.
    expect(text).toContain('Antminer S21 (17.5 J/TH): margin $0.0063 per TH/day');
    expect(text).toContain('Your machine at 25 J/TH: UNDERWATER');
    for (const part of [text, html]) expect(part).not.toContain('%%HB_');
  });

  it('gives a reader without a power price no block, and leaves no placeholder behind', async () => {
    const without = await mailFor({ powerPriceUsdPerKwh: null, fleet: [] });
    const testSend = await mailFor();

    for (const { text, html } of [without, testSend]) {
      expect(text).not.toContain('Your numbers');
      expect(html).not.toContain('Your numbers');
      expect(html).not.toContain('%%HB_');
      expect(text).not.toContain('%%HB_');
    }
  });

  it('changes nothing else between two readers but their links and their block', async () => {
    const a = await mailFor({ powerPriceUsdPerKwh: 0.05, fleet: [] });
    const b = await mailFor({ powerPriceUsdPerKwh: null, fleet: [] });
    // MIME boundaries are random per message; the block is one <div> the sender put in.
    const boundaries = (part: string) => part.replace(/----_NmP-[0-9a-f]+-Part_\d+/g, 'BOUNDARY');
    const withoutBlock = (html: string) =>
      html.replace(
        /<div style="padding:14px 24px 6px;border-top:1px solid #e6e9ee;background:#ffffff">.*?<\/div>/s,
        '',
      );

    expect(boundaries(withoutBlock(a.html))).toBe(boundaries(b.html));
  });
});
