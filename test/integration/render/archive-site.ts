/**
 * Test helper: lays out a temporary folder like the archive (issues/<id>/newsletter.html, charts/…,
 * index.html) from the render fixture, plus the email HTML with hosted images pointing at the server.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { IssueIndexEntry } from '../../../src/archive/index-entry';
import { renderArchiveIndexPage } from '../../../src/render/index-page';
import { personalize } from '../../../src/render/personalize';
import { placeholderTokens } from '../../../src/render/placeholders';
import { renderIssue } from '../../../src/render/render-issue';
import type { RenderedIssue } from '../../../src/render/types';
import {
  fixtureFooter,
  fixtureLinks,
  fixtureNonce,
  fixtureSeries,
  fixtureSnapshot,
} from '../../fixtures/render/fixture';

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
}

/** Writes the site; `emailBaseUrl` is where the email's hosted images will be fetched from. */
export async function writeSite(emailBaseUrl: string, root?: string): Promise<Site> {
  const dir = root ?? (await mkdtemp(path.join(tmpdir(), 'hashbrief-site-')));
  const snapshot = fixtureSnapshot();
  const rendered = await renderIssue({
    snapshot,
    series: fixtureSeries(),
    links: fixtureLinks,
    footer: fixtureFooter,
    imageMode: 'hosted',
    publicBaseUrl: emailBaseUrl,
    placeholderNonce: fixtureNonce,
  });
  const issueDir = path.join(dir, 'issues', snapshot.issueId);
  await mkdir(path.join(issueDir, 'charts'), { recursive: true });
  await writeFile(path.join(issueDir, 'newsletter.html'), rendered.webHtml);
  await writeFile(path.join(issueDir, 'newsletter.txt'), rendered.webText);
  await writeFile(path.join(issueDir, 'snapshot.json'), JSON.stringify(snapshot, null, 2));
  await writeFile(path.join(issueDir, 'metrics.csv'), 'date,priceUsd\n2026-11-23,61842.17\n');
  for (const image of rendered.images)
    await writeFile(path.join(issueDir, 'charts', image.filename), image.png);
  const email = personalize(
    rendered.emailHtml,
    {
      unsubscribeUrl: 'https://brief.example.org/u?t=abc&s=1',
      preferencesUrl: 'https://brief.example.org/p?t=abc',
      greeting: 'Hi Satoshi,',
    },
    'html',
    placeholderTokens(fixtureNonce),
  );
  await writeFile(path.join(dir, 'email.html'), email);
  const files = ['newsletter.html', 'newsletter.txt', 'snapshot.json', 'metrics.csv'];
  const entries = [
    entry(snapshot.issueId, false, files),
    entry('2026-11-16', false, files),
    entry('2026-11-09-adhoc-<b>x</b>', true, ['snapshot.json']),
  ];
  await writeFile(path.join(dir, 'index.html'), renderArchiveIndexPage(entries));
  return { root: dir, issueId: snapshot.issueId, rendered };
}
