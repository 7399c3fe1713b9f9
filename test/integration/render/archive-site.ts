/**
 * Test helper: lays out a temporary folder like the archive (issues/<id>/newsletter.html, charts/…,
 * index.html) from the render fixture, plus the email as mailed: the raw MIME message one subscriber
 * gets, read back strictly, its HTML part with each `cid:` image replaced by the attached PNG as a mail
 * client shows it.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { IssueIndexEntry } from '../../../src/contracts/index-entry';
import { renderArchiveIndexPage } from '../../../src/render/index-page';
import { renderIssue } from '../../../src/render/render-issue';
import type { RenderedIssue } from '../../../src/render/types';
import { fixtureRenderInput, fixtureSnapshot } from '../../fixtures/render/fixture';
import { mailedMessage } from '../../support/rendered-mail';
import { header, leaves, parseMimeStrict, textOf } from '../../support/strict-mime';

const HASH = 'a'.repeat(64);

function entry(issueId: string, sample: boolean, files: string[]): IssueIndexEntry {
  return {
    issueId,
    asOf: issueId.slice(0, 10),
    generatedAt: `${issueId.slice(0, 10)}T06:00:00.000Z`,
    sample,
    headline: {
      hashpriceUsdPerPhDay: 27.268,
      hashpriceChange7dPct: -6.1,
      priceUsd: 61842.17,
      hashrateEhs7d: 1043.6,
    },
    files: Object.fromEntries(
      files.map((f) => [
        f,
        { key: `issues/${issueId}/${f}`, bytes: 12_345, sha256: HASH, contentType: 'text/plain' },
      ]),
    ),
  };
}

export interface Site {
  root: string;
  issueId: string;
  rendered: RenderedIssue;
  /** The raw message one subscriber gets. */
  mailed: Buffer;
}

/**
 * The HTML part of a raw message as a mail client shows it: every `cid:` reference replaced by its
 * attached image as a data: URL. Throws when the message has defects or a reference has no attachment.
 */
export function mailedHtml(raw: Buffer): string {
  const { root, defects } = parseMimeStrict(raw);
  if (defects.length > 0) throw new Error(`the mailed message has defects: ${defects.join('; ')}`);
  const parts = leaves(root);
  const html = parts.find((p) => p.type === 'text/html');
  if (!html) throw new Error('the mailed message has no HTML part');
  const images = new Map(
    parts
      .filter((p) => p.type.startsWith('image/'))
      .map((p) => [(header(p, 'Content-ID') ?? '').replace(/^<|>$/g, ''), p]),
  );
  return textOf(html).replace(/src="cid:([^"]+)"/g, (_m, cid: string) => {
    const image = images.get(cid);
    if (!image) throw new Error(`cid:${cid} has no attached image`);
    return `src="data:${image.type};base64,${image.body.toString('base64')}"`;
  });
}

/** Writes the site into `root` (a new temporary folder when absent). */
export async function writeSite(root?: string): Promise<Site> {
  const dir = root ?? (await mkdtemp(path.join(tmpdir(), 'hashbrief-site-')));
  const snapshot = fixtureSnapshot();
  // Inline images, as a local run without a public base URL mails them.
  const rendered = await renderIssue(fixtureRenderInput({ snapshot }));
  const issueDir = path.join(dir, 'issues', snapshot.issueId);
  await mkdir(path.join(issueDir, 'charts'), { recursive: true });
  await writeFile(path.join(issueDir, 'newsletter.html'), rendered.webHtml);
  await writeFile(path.join(issueDir, 'newsletter.txt'), rendered.webText);
  await writeFile(path.join(issueDir, 'snapshot.json'), JSON.stringify(snapshot, null, 2));
  await writeFile(path.join(issueDir, 'metrics.csv'), 'date,priceUsd\n2026-11-23,61842.17\n');
  for (const image of rendered.images) {
    await writeFile(path.join(issueDir, 'charts', image.filename), image.png);
    await writeFile(path.join(issueDir, 'charts', image.svgFilename), image.svg);
  }
  const mailed = await mailedMessage(rendered, {
    to: 'satoshi@example.com',
    subscriberHash: 'cd'.repeat(32),
  });
  await writeFile(path.join(dir, 'email.eml'), mailed);
  await writeFile(path.join(dir, 'email.html'), mailedHtml(mailed));
  const files = ['newsletter.html', 'newsletter.txt', 'snapshot.json', 'metrics.csv'];
  const entries = [
    entry(snapshot.issueId, false, files),
    entry('2026-11-16', false, files),
    entry('2026-11-09-adhoc-<b>x</b>', true, ['snapshot.json']),
  ];
  await writeFile(path.join(dir, 'index.html'), renderArchiveIndexPage(entries));
  return { root: dir, issueId: snapshot.issueId, rendered, mailed };
}
