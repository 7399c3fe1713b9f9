/**
 * The whole render stage on the fixture issue: strict MJML, size budgets, escaping of hostile data,
 * image modes, the web version's neutrality, and a structure snapshot of the MJML.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { placeholderTokens } from '../../../src/contracts/placeholders';
import { buildIssueMessage } from '../../../src/delivery/email';
import { personalize } from '../../../src/delivery/personalize';
import { issueLinks } from '../../../src/pipeline/links';
import { buildEmailMjml } from '../../../src/render/email';
import { compileMjml, MjmlRenderError } from '../../../src/render/mjml-compile';
import { buildIssueModel } from '../../../src/render/model';
import { RenderInputError, renderIssue, toStoredEmail } from '../../../src/render/render-issue';
import { fill } from '../../../src/render/template';
import type { RenderedIssue } from '../../../src/render/types';
import { snapshotSchema } from '../../../src/snapshot/schema';
import {
  fixtureFooter,
  fixtureLinks,
  fixtureLocalLinks,
  fixtureNonce,
  fixtureRenderInput,
  fixtureSnapshot,
} from '../../fixtures/render/fixture';

const TOKENS = placeholderTokens(fixtureNonce);

const GMAIL_CLIP_BYTES = 102 * 1024;
/** SES SendRawEmail limit (v1 API; v2 allows 40 MB). */
const SES_MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

/** Tag outline of an MJML document: one line per element, indented by depth. */
function mjmlOutline(mjml: string): string {
  const lines: string[] = [];
  let depth = 0;
  for (const m of mjml.matchAll(/<(\/?)(mj[a-z-]*|mjml)\b[^>]*?(\/?)>/g)) {
    const [, closing, tag, selfClosing] = m;
    if (closing) {
      depth--;
      continue;
    }
    lines.push(`${'  '.repeat(depth)}${tag}`);
    if (!selfClosing) depth++;
  }
  return `${lines.join('\n')}\n`;
}

describe('renderIssue on the fixture issue', () => {
  let cid: RenderedIssue;
  let hosted: RenderedIssue;

  beforeAll(async () => {
    cid = await renderIssue(fixtureRenderInput());
    hosted = await renderIssue(
      fixtureRenderInput({ imageMode: 'hosted', publicBaseUrl: 'https://cdn.example.org/' }),
    );
  });

  it('keeps the email HTML part under the Gmail clipping limit, in both image modes', () => {
    expect(Buffer.byteLength(cid.emailHtml)).toBeLessThan(GMAIL_CLIP_BYTES);
    expect(Buffer.byteLength(hosted.emailHtml)).toBeLessThan(GMAIL_CLIP_BYTES);
  });

  it('keeps the whole MIME message with inline images within the SES limit', async () => {
    // Arrange: the stored email and its charts, as the sender loads them.
    const stored = toStoredEmail(cid);
    const images = cid.images.map((i) => ({
      cid: i.cid,
      filename: i.filename,
      content: i.png,
      contentType: 'image/png' as const,
    }));
    // Act: one recipient's message, built by the sender's own code.
    const raw = await buildIssueMessage({
      loaded: { email: stored, images },
      settings: {
        from: 'hashbrief <briefing@example.com>',
        linksBaseUrl: 'https://links.example.com',
        tokenSecret: 'a-test-secret-of-enough-length',
      },
      to: 'reader@example.com',
      subscriberHash: 'a'.repeat(64),
      now: new Date('2026-11-24T07:00:00Z'),
    });
    // Assert: under the limit, and really carrying the four charts (base64 is 4/3 of their bytes).
    const message = raw.toString('latin1');
    const pngBytes = cid.images.reduce((sum, i) => sum + i.png.length, 0);
    expect(raw.length).toBeLessThan(SES_MAX_MESSAGE_BYTES);
    expect(raw.length).toBeGreaterThan((pngBytes * 4) / 3 + Buffer.byteLength(cid.emailHtml));
    expect(message.match(/^Content-ID: <[^>]+@hashbrief>\r$/gm)).toHaveLength(4);
    expect(message).toMatch(
      /^List-Unsubscribe:\s+<https:\/\/links\.example\.com\/unsubscribe\?token=u\.[^>]+>\r$/m,
    );
  });

  it('escapes the hostile pool name everywhere it appears', () => {
    for (const html of [cid.emailHtml, cid.webHtml]) {
      expect(html).not.toContain('<script>alert');
      expect(html).not.toContain('<img src=x');
      expect(html).toContain('&lt;script&gt;alert(&quot;pwn&quot;)&lt;/script&gt;');
    }
    expect(cid.emailHtml).not.toMatch(/href="javascript:/i);
  });

  it('drops javascript: links instead of printing them', async () => {
    // Act
    const rendered = await renderIssue(
      fixtureRenderInput({
        links: { ...fixtureLinks, issueUrl: 'javascript:alert(1)', snapshotUrl: '" onmouseover="x' },
      }),
    );

    // Assess
    for (const part of [rendered.emailHtml, rendered.webHtml, rendered.emailText]) {
      expect(part).not.toMatch(/javascript:/i);
      expect(part).not.toContain('onmouseover');
    }
    expect(rendered.emailHtml).toContain(fixtureLinks.csvUrl);
  });

  it('references charts by content id in cid mode and by absolute URL in hosted mode', () => {
    expect(cid.emailHtml).toContain('src="cid:price-hashprice.2026-11-23@hashbrief"');
    expect(toStoredEmail(cid).images.map((i) => i.cid)).toContain('pools.2026-11-23@hashbrief');
    expect(hosted.emailHtml).toContain('src="https://cdn.example.org/issues/2026-11-23/charts/pools.png"');
    expect(hosted.emailHtml).not.toContain('cid:');
  });

  it('refuses hosted mode without an http(s) base URL', async () => {
    await expect(
      renderIssue(fixtureRenderInput({ imageMode: 'hosted', publicBaseUrl: 'javascript:x' })),
    ).rejects.toThrow(RenderInputError);
  });

  it('inlines every chart in the web version as one image named by its alt text, sized by its viewBox', () => {
    const svgs = [...cid.webHtml.matchAll(/<svg [^>]+>/g)].map((m) => m[0]);
    expect(svgs).toHaveLength(4);
    expect(cid.webHtml).not.toMatch(/<img\b/);
    for (const svg of svgs) {
      expect(svg).toMatch(/ role="img" aria-label="[^"]{20,}"/);
      expect(svg).toMatch(/ viewBox="0 0 600 \d+"/);
      expect(svg).not.toMatch(/ width=/);
    }
  });

  it('gives every email <img> alt text and a fixed numeric width and height, in both image modes', () => {
    // 552 px display width, each height from its own PNG's aspect ratio (1200×720 → 331).
    const heights = new Map(
      cid.images.map((i) => [
        i.filename,
        Math.round((552 * i.png.readUInt32BE(20)) / i.png.readUInt32BE(16)),
      ]),
    );
    expect(heights.get('price-hashprice.png')).toBe(331);
    for (const rendered of [cid, hosted]) {
      const imgs = [...rendered.emailHtml.matchAll(/<img\b[^>]*>/g)].map((m) => m[0]);
      expect(imgs).toHaveLength(4);
      for (const img of imgs) {
        const file = /src="[^"]*?([a-z-]+)(?:\.[^"]*@hashbrief|\.png)"/.exec(img)?.[1] ?? '';
        expect(img).toMatch(/\salt="[^"]{20,}"/);
        expect(img).toMatch(/\swidth="552"/);
        expect(img).toMatch(new RegExp(`\\sheight="${heights.get(`${file}.png`)}"`));
        expect(img).not.toMatch(/="auto"/);
      }
    }
  });

  it('declares light and dark colour schemes in the email and styles the dark one', () => {
    for (const rendered of [cid, hosted]) {
      expect(rendered.emailHtml).toContain('<meta name="color-scheme" content="light dark">');
      expect(rendered.emailHtml).toContain('<meta name="supported-color-schemes" content="light dark">');
      const dark =
        /@media \(prefers-color-scheme: dark\) \{([\s\S]*?)\n\s*\}\n/.exec(rendered.emailHtml)?.[1] ?? '';
      for (const hook of ['.hb-sec', '.hb-foot', '.hb-alert-critical', '.hb-good', '.hb-bad', '.hb-body a'])
        expect(dark).toContain(hook);
    }
  });

  it('themes the web alert boxes and charts for dark mode instead of fixed light colours', () => {
    const css = /<style>([\s\S]*?)<\/style>/.exec(cid.webHtml)?.[1] ?? '';
    const dark = /@media \(prefers-color-scheme:dark\)\{(.*)\}$/m.exec(css)?.[1] ?? '';

    expect(css).toMatch(/\.hb-alert\.critical\{background:var\(--crit-bg\)/);
    expect(dark).toContain('--crit-bg:');
    expect(dark).toContain('.hb-fig .f-card{fill:#161b22}');
  });

  it('loads no web font or other external stylesheet in the email', () => {
    for (const rendered of [cid, hosted]) {
      const html = rendered.emailHtml;
      // The template's font stack names Roboto, which MJML would otherwise fetch from Google Fonts.
      expect(html).toMatch(/font-family:[^;"]*Roboto/);
      expect(html).not.toContain('fonts.googleapis.com');
      expect(html).not.toMatch(/@import/i);
      expect(html).not.toMatch(/<link\b/i);
    }
  });

  it("puts the issue's placeholders in the email only; the web version is neutral", () => {
    expect(cid.emailHtml).toContain(TOKENS.greeting);
    expect(cid.emailHtml).toContain(`href="${TOKENS.unsubscribeUrl}"`);
    expect(cid.emailText).toContain(TOKENS.unsubscribeUrl);
    expect(toStoredEmail(cid).placeholderNonce).toBe(fixtureNonce);
    for (const part of [cid.webHtml, cid.webText]) expect(part).not.toContain('%%HB_');
    expect(cid.webHtml).toContain('Hello,');
    expect(cid.webHtml).not.toContain('Unsubscribe');
  });

  it('personalises the rendered email without MJML', () => {
    // Act
    const html = personalize(
      cid.emailHtml,
      {
        unsubscribeUrl: 'https://x.test/u?t=1&s=2',
        preferencesUrl: 'https://x.test/p?t=1',
        greeting: 'Hi Ann,',
      },
      'html',
      TOKENS,
    );

    // Assess
    expect(html).toContain('href="https://x.test/u?t=1&amp;s=2"');
    expect(html).toContain('Hi Ann,');
    expect(html).not.toContain('%%HB_');
  });

  it('credits Coin Metrics and prints the postal address in every part', () => {
    for (const part of [cid.emailHtml, cid.emailText, cid.webHtml, cid.webText]) {
      expect(part).toContain('Coin Metrics');
      expect(part).toContain('CC BY-NC 4.0');
      expect(part).toContain('1 Example Street');
    }
  });

  it('carries subject and preheader in the email', () => {
    expect(cid.subject).toBe(
      'Hashprice at a record low: $27.27/PH/day (7-day avg), \u22126.1% w/w \u2014 hashbrief 2026-11-23',
    );
    expect(cid.emailHtml).toContain(`<title>${cid.subject}</title>`);
    expect(cid.emailHtml).toContain(cid.preheader);
  });

  it('shows the sample banner and subject prefix for sample data', async () => {
    // Prepare
    const snapshot = fixtureSnapshot();
    snapshot.sample = true;

    // Act
    const rendered = await renderIssue(fixtureRenderInput({ snapshot }));

    // Assess
    expect(rendered.subject.startsWith('[SAMPLE DATA, not live]')).toBe(true);
    for (const part of [rendered.emailHtml, rendered.webHtml, rendered.emailText, rendered.webText])
      expect(part).toContain('SAMPLE DATA, not live');
  });

  it('renders a snapshot with every metric null and an empty series without crashing', async () => {
    // Prepare
    const snapshot = fixtureSnapshot();
    // Keys the schema does not allow to be null (configured assumptions).
    const required = [
      'powerPriceUsdPerKwh',
      'aiHostingUsdPerMwh',
      'jPerTh',
      'priceDropPct',
      'hashrateDropPct',
      'tiersTotal',
    ];
    const nullify = (o: Record<string, unknown>) => {
      for (const [k, v] of Object.entries(o)) {
        if (typeof v === 'number' && !required.includes(k)) o[k] = null;
        else if (v && typeof v === 'object' && !Array.isArray(v)) nullify(v as Record<string, unknown>);
      }
    };
    nullify(snapshot.metrics as unknown as Record<string, unknown>);
    snapshot.metrics.pools.top = [];
    snapshot.metrics.hashprice.drivers = null;
    snapshot.metrics.halving.afterPrevious = null;
    // Without numbers there is no story and no alert.
    snapshot.narrative = [];
    snapshot.alerts = [];

    // Act
    const rendered = await renderIssue(
      fixtureRenderInput({ snapshot: snapshotSchema.parse(snapshot), series: [] }),
    );

    // Assess
    expect(rendered.subject).toBe('No hashprice this week \u2014 hashbrief 2026-11-23');
    expect(rendered.emailText).not.toMatch(/NaN|null|undefined|unavailable/);
    expect(rendered.webHtml).not.toMatch(/NaN|>null<|undefined/);
  });

  it('matches the stored MJML structure of the fixture issue', async () => {
    const model = buildIssueModel({
      snapshot: fixtureSnapshot(),
      links: fixtureLinks,
      footer: fixtureFooter,
    });
    const mjml = buildEmailMjml(model, (c) => `cid:${c}`);

    // What the outline stands for, checked on its own: the sections in reading order, each chart once with
    // its fixed size and alt text, the subject and preheader in the head.
    const headings = [...mjml.matchAll(/<h2\b[^>]*>([^<]*)<\/h2>/g)].map((m) => m[1]);
    expect(headings).toEqual([
      'This week',
      'Key figures',
      'Miner economics',
      'Network security',
      'Halving and fee outlook',
      'Stress scenario',
      'Data sources',
      'Archive and downloads',
    ]);
    const charts = [
      ...mjml.matchAll(/<mj-image src="cid:([a-z-]+)" alt="([^"]{40,})" width="552px" height="\d+px"/g),
    ];
    expect(charts.map((m) => m[1])).toEqual(['price-hashprice', 'breakeven', 'hashrate-difficulty', 'pools']);
    expect(mjml).toContain(`<mj-title>${model.subject}</mj-title>`);
    expect(mjml).toContain(`<mj-preview>${model.preheader}</mj-preview>`);
    await expect(mjmlOutline(mjml)).toMatchFileSnapshot('./__snapshots__/email.mjml-outline.txt');
  });
});

describe('a local run without a public base URL (relative links)', () => {
  let local: RenderedIssue;

  beforeAll(async () => {
    local = await renderIssue(fixtureRenderInput({ links: fixtureLocalLinks }));
  });

  it('uses the links the pipeline passes for a local run', () => {
    expect(issueLinks('2026-11-23', undefined)).toEqual(fixtureLocalLinks);
  });

  it('leaves the archive section out of the email and its text part instead of an empty heading', () => {
    for (const part of [local.emailHtml, local.emailText]) {
      expect(part).not.toMatch(/archive and downloads/i);
      expect(part).not.toMatch(/snapshot\.json|metrics\.csv|index\.html/);
    }
    expect(local.emailHtml).not.toMatch(/href="(?!https?:|%%HB_)/);
    // The rest of the email is still there.
    expect(local.emailHtml).toContain('Data sources');
    expect(local.emailHtml).toContain('1 Example Street');
  });

  it('keeps the archive section in the email when at least one link is absolute', async () => {
    // Act
    const mixed = await renderIssue(
      fixtureRenderInput({ links: { ...fixtureLocalLinks, csvUrl: fixtureLinks.csvUrl } }),
    );

    // Assess
    const html = mixed.emailHtml;
    const section = html.slice(html.indexOf('Archive and downloads'));
    expect(html).toContain('Archive and downloads');
    expect(section).toContain(`href="${fixtureLinks.csvUrl}"`);
    expect(section).not.toMatch(/href="(newsletter\.html|snapshot\.json|\.\.\/\.\.\/index\.html)"/);
  });

  it('keeps the relative links to the files beside newsletter.html in the web version', () => {
    const web = local.webHtml;
    const section = web.slice(web.indexOf('<h2>Archive and downloads</h2>'));
    expect(web).toContain('<h2>Archive and downloads</h2>');
    for (const href of ['snapshot.json', 'metrics.csv', 'newsletter.txt', '../../index.html'])
      expect(section).toContain(`href="${href}"`);
    // A permanent link is only printed when it is absolute (here it would point at the page itself).
    expect(web).not.toContain('Permanent link');
  });

  it('still drops scripted links from the web version and the email', async () => {
    // Act
    const rendered = await renderIssue(
      fixtureRenderInput({
        links: {
          ...fixtureLocalLinks,
          issueUrl: 'javascript:alert(1)',
          archiveIndexUrl: 'JaVaScRiPt:alert(2)',
          subscribeUrl: 'data:text/html,<b>x</b>',
        },
      }),
    );

    // Assess
    for (const part of [rendered.emailHtml, rendered.emailText, rendered.webHtml, rendered.webText]) {
      expect(part).not.toMatch(/javascript:|data:text/i);
    }
    expect(rendered.webHtml).toContain('href="snapshot.json"');
  });
});

describe('strict MJML validation', () => {
  it('fails on an invalid template instead of rendering it', async () => {
    const invalid =
      '<mjml><mj-body><mj-section><mj-text>text outside a column</mj-text></mj-section></mj-body></mjml>';
    await expect(compileMjml(invalid)).rejects.toThrow(MjmlRenderError);
  });

  it('fails on an unknown attribute', async () => {
    const invalid =
      '<mjml><mj-body><mj-section><mj-column><mj-text colour="red">x</mj-text></mj-column></mj-section></mj-body></mjml>';
    await expect(compileMjml(invalid)).rejects.toThrow(/MJML invalid/);
  });

  it('refuses a template placeholder without a value', () => {
    expect(() => fill('<mj-text>{{missing}}</mj-text>', {}, 't')).toThrow(/no value for \{\{missing\}\}/);
  });
});
