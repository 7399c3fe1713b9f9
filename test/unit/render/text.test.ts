import { describe, expect, it } from 'vitest';
import { PERSONAL_TOKENS } from '../../../src/contracts/placeholders';
import { buildIssueModel } from '../../../src/render/model';
import { renderText, TEXT_COLUMNS } from '../../../src/render/text';
import { wrap } from '../../../src/text/wrap';
import {
  fixtureFooter,
  fixtureLinks,
  fixtureLocalLinks,
  fixtureSnapshot,
} from '../../fixtures/render/fixture';

const model = () =>
  buildIssueModel({ snapshot: fixtureSnapshot(), links: fixtureLinks, footer: fixtureFooter });

describe('plain-text part', () => {
  it('keeps every line within 72 columns except unbreakable URLs', () => {
    // Act
    const text = renderText(model(), 'email');

    // Assess
    const long = text
      .split('\n')
      .filter((l) => [...l].length > TEXT_COLUMNS && !/^\s*\S*https?:\/\/\S+$/.test(l));
    expect(long).toEqual([]);
  });

  it('carries the personal tokens in the email variant only', () => {
    const email = renderText(model(), 'email');
    const web = renderText(model(), 'web');
    expect(email).toContain(PERSONAL_TOKENS.greeting);
    expect(email).toContain(PERSONAL_TOKENS.unsubscribeUrl);
    expect(web).not.toContain('%%HB_');
    expect(web).toContain('Hello,');
    expect(web).toContain(fixtureLinks.subscribeUrl);
  });

  it('credits Coin Metrics and says what is missing in plain sentences', () => {
    const text = renderText(model(), 'web');
    expect(text).toContain('Coin Metrics');
    expect(text).toContain('CC BY-NC 4.0');
    expect(text).toContain('Not available for this issue: the next difficulty estimate.');
    expect(text).not.toMatch(/NaN|undefined|null|unavailable/);
  });

  it('leaves out the archive section when no link is absolute (a local run)', () => {
    // Prepare
    const local = buildIssueModel({
      snapshot: fixtureSnapshot(),
      links: fixtureLocalLinks,
      footer: fixtureFooter,
    });

    // Act
    const texts = [renderText(local, 'email'), renderText(local, 'web')];

    // Assess
    for (const text of texts) {
      expect(text).not.toMatch(/archive and downloads/i);
      expect(text).not.toMatch(/snapshot\.json|metrics\.csv|index\.html/);
      // The footer still follows the last section directly.
      expect(text).toContain('Coin Metrics');
    }
    expect(renderText(model(), 'email')).toContain('ARCHIVE AND DOWNLOADS');
  });

  it('prints the archive section with only the links that survive', () => {
    // Prepare
    const mixed = buildIssueModel({
      snapshot: fixtureSnapshot(),
      links: { ...fixtureLocalLinks, csvUrl: fixtureLinks.csvUrl },
      footer: fixtureFooter,
    });

    // Act
    const text = renderText(mixed, 'email');

    // Assess
    const section = text.slice(text.indexOf('ARCHIVE AND DOWNLOADS'), text.indexOf('Source:'));
    expect(section).toContain(fixtureLinks.csvUrl);
    expect(section).not.toMatch(/newsletter\.html|snapshot\.json|index\.html/);
  });

  it('matches the stored text of the fixture issue', async () => {
    const text = renderText(model(), 'email');

    // What the stored text stands for, checked on its own: the headline with the week's figures, the
    // sections as underlined headings in reading order, both alerts, the fixture's key numbers.
    expect(text.split('\n')[0]).toBe('hashbrief: Issue 2026-11-23 · data to 2026-11-23 (UTC)');
    expect(text).toContain('HASHPRICE $27.27/PH/DAY (7-DAY AVERAGE), −6.1% W/W');
    // The reader's own numbers, when they gave a power price, are substituted just before "This week".
    const headings = [...text.matchAll(/^(?:%%HB_PERSONAL%%)?([A-Z][A-Z ]+)\n-+$/gm)].map((m) => m[1]);
    expect(headings).toEqual([
      'THIS WEEK',
      'KEY FIGURES',
      'MINER ECONOMICS',
      'NETWORK SECURITY',
      'HALVING AND FEE OUTLOOK',
      'STRESS SCENARIO',
      'DATA SOURCES',
      'ARCHIVE AND DOWNLOADS',
    ]);
    expect(text).toContain('!! CRITICAL: Hashprice set a record low: $27.27/PH/day (7-day average).');
    expect(text).toContain("!! WARNING: Foundry USA mined 31.2% of the week's blocks, more than 30%.");
    expect(text).toMatch(/^BTC price, close of 2026-11-23 +\$61,842 +▼ −4\.8%$/m);
    await expect(text).toMatchFileSnapshot('./__snapshots__/newsletter.email.txt');
  });
});

describe('wrap', () => {
  it('puts a word longer than the width on its own line', () => {
    const url = `https://example.org/${'x'.repeat(80)}`;
    expect(wrap(`see ${url} now`, 20)).toEqual(['see', url, 'now']);
  });
});
