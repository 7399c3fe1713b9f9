/**
 * The one page shell of the public site: the web version and the archive index are both drawn
 * through it, so they share head, styles, masthead and the Coin Metrics credit.
 */
import { COINMETRICS_ATTRIBUTION } from '../../snapshot/schema';
import { escapeHtml } from '../../text/escape';
import { chartThemeCss } from '../charts/svg';
import { STACK_BELOW_PX } from '../stacked';

const CSS = `
:root{color-scheme:light dark;--bg:#eef1f4;--card:#fff;--text:#1f2328;--muted:#57606a;--line:#e6e9ee;--brand:#0f2540;--link:#1f4e8c;--good:#1a7f37;--bad:#b42318;--soft:#f6f8fa;--warn-bg:#fff4d6;--warn-text:#6b3f00;--warn-bar:#b26a00;--crit-bg:#fdecea;--crit-text:#3b0d0a;--crit-bar:#b42318;--info-bg:#eaf1fb;--info-text:#0f2540;--info-bar:#1f4e8c}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--card:#161b22;--text:#e6edf3;--muted:#9aa4ae;--line:#30363d;--brand:#0b1a2e;--link:#7fb0ff;--good:#4ac26b;--bad:#ff7b72;--soft:#1c222b;--warn-bg:#3a2a00;--warn-text:#f5e0a3;--warn-bar:#d29922;--crit-bg:#3b1a17;--crit-text:#ffdcd7;--crit-bar:#ff7b72;--info-bg:#132339;--info-text:#dbe7f7;--info-bar:#7fb0ff}${chartThemeCss('.hb-fig')}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--text);font:16px/1.55 -apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;-webkit-text-size-adjust:100%}
a{color:var(--link)}
.hb{max-width:680px;margin:0 auto;padding:12px 0 32px}
.hb-mast{background:var(--brand);color:#fff;padding:18px 20px 14px}
.hb-mast a{color:#fff;text-decoration:none}
.hb-brand{font-size:22px;font-weight:700;letter-spacing:.5px;margin:0}
.hb-tag{color:#c9d6e8;font-size:13px;margin:2px 0 0}
.hb-banner{background:var(--warn-bg);color:var(--warn-text);border-left:4px solid var(--warn-bar);padding:12px 20px;font-weight:700;font-size:14px}
.hb-card{background:var(--card);padding:16px 20px 8px;border-top:1px solid var(--line)}
.hb-card h1{font-size:24px;line-height:1.25;margin:0 0 10px}
.hb-card h2{font-size:18px;line-height:1.3;margin:0 0 10px;color:var(--text)}
.hb-card p{margin:0 0 10px;overflow-wrap:anywhere}
.hb-muted{color:var(--muted)}
.hb-cap{font-size:13px;font-weight:700;color:var(--muted);margin:4px 0}
table.hb-t{width:100%;border-collapse:collapse;font-size:14px;margin:0 0 14px}
.hb-t th{font-size:12px;color:var(--muted);font-weight:600;text-align:left}
.hb-t td,.hb-t th{padding:6px 4px;border-bottom:1px solid var(--line);vertical-align:top;overflow-wrap:break-word}
.hb-t td.l{overflow-wrap:anywhere}
.hb-t .r{text-align:right;white-space:nowrap}
.hb-t .b{font-weight:600}
.hb-k{display:none}
.good{color:var(--good)}.bad{color:var(--bad)}.muted{color:var(--muted)}
.hb-fig{margin:4px 0 14px}
.hb-fig svg,.hb-fig img{display:block;width:100%;height:auto;border-radius:8px}
figcaption{font-size:12px;color:var(--muted);margin-top:4px}
.hb-alert{padding:10px 12px;margin:0 0 8px;border-left:4px solid;font-size:15px}
.hb-alert.critical{background:var(--crit-bg);border-color:var(--crit-bar);color:var(--crit-text)}
.hb-alert.warning{background:var(--warn-bg);border-color:var(--warn-bar);color:var(--warn-text)}
.hb-alert.info{background:var(--info-bg);border-color:var(--info-bar);color:var(--info-text)}
.hb-notes{font-size:13px;color:var(--muted)}
.hb-links{background:var(--soft)}
.hb-links ul{margin:0 0 10px;padding-left:20px}
.hb-foot{padding:16px 20px;font-size:12px;color:var(--muted)}
.hb-foot p{margin:0 0 8px;overflow-wrap:anywhere}
.hb-entry{border-bottom:1px solid var(--line);padding:0 0 12px;margin:0 0 12px}
.hb-entry h2{margin:0 0 4px}
.hb-tagpill{display:inline-block;font-size:12px;font-weight:700;background:var(--warn-bg);color:var(--warn-text);border-radius:4px;padding:1px 6px;vertical-align:middle}
.hb-dl{font-size:14px}
.hb-file{display:inline-block;margin-right:14px;white-space:nowrap}
@media (max-width:${STACK_BELOW_PX}px){.hb{padding:0 0 24px}.hb-card{padding:14px 14px 6px}.hb-mast{padding:16px 14px 12px}.hb-foot{padding:14px}
table.hb-t,.hb-t tbody,.hb-t tr,.hb-t td{display:block;width:auto}
.hb-t tr.hb-h{display:none}
.hb-t tr{padding:7px 0;border-bottom:1px solid var(--line)}
.hb-t td,.hb-t td.l,.hb-t .r{border:0;padding:1px 0;text-align:left;white-space:normal;overflow-wrap:break-word}
.hb-t td:empty{display:none}
.hb-k{display:inline;color:var(--muted);font-size:13px;font-weight:400}}
`;

export interface PageOptions {
  title: string;
  description: string;
  /** Link for the masthead's brand; relative within the archive. */
  homeHref: string;
  tagline: string;
  /** Body HTML between masthead and footer (already escaped). */
  main: string;
  /** Extra footer paragraphs (already escaped HTML). */
  footer?: string[];
  /** Extra attribution lines besides the Coin Metrics credit. */
  attribution?: string[];
  /** Extra <head> elements (already escaped HTML), e.g. the feeds' <link rel="alternate"> tags. */
  head?: string;
}

/** A complete HTML document for the public site. */
export function renderPage(o: PageOptions): string {
  const credits = [
    COINMETRICS_ATTRIBUTION,
    ...(o.attribution ?? []).filter((a) => a !== COINMETRICS_ATTRIBUTION),
  ];
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(o.title)}</title>`,
    `<meta name="description" content="${escapeHtml(o.description)}">`,
    ...(o.head ? [o.head] : []),
    `<style>${CSS.trim()}</style>`,
    '</head>',
    '<body>',
    '<div class="hb">',
    `<header class="hb-mast"><p class="hb-brand"><a href="${escapeHtml(o.homeHref)}">hashbrief</a></p><p class="hb-tag">${escapeHtml(o.tagline)}</p></header>`,
    `<main>${o.main}</main>`,
    '<footer class="hb-foot">',
    ...credits.map((c) => `<p>Source: ${escapeHtml(c)}</p>`),
    ...(o.footer ?? []).map((f) => `<p>${f}</p>`),
    '</footer>',
    '</div>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
