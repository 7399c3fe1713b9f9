/**
 * Where readers find an issue. With a public base URL (the CDN) every link is absolute; without one
 * (a local run) links are relative to the issue's web version, which is how the local archive and
 * `hashbrief preview` serve it.
 */
import type { IssueLinks } from '../render/render-issue';

export function issueLinks(
  issueId: string,
  publicBaseUrl: string | undefined,
  linksBaseUrl?: string,
): IssueLinks {
  const subscribe = linksBaseUrl ? { subscribeUrl: `${linksBaseUrl}/subscribe` } : {};
  if (!publicBaseUrl) {
    return {
      issueUrl: 'newsletter.html',
      snapshotUrl: 'snapshot.json',
      csvUrl: 'metrics.csv',
      archiveIndexUrl: '../../index.html',
      ...subscribe,
    };
  }
  const issue = `${publicBaseUrl}/issues/${encodeURIComponent(issueId)}`;
  return {
    issueUrl: `${issue}/newsletter.html`,
    snapshotUrl: `${issue}/snapshot.json`,
    csvUrl: `${issue}/metrics.csv`,
    archiveIndexUrl: `${publicBaseUrl}/index.html`,
    ...subscribe,
  };
}
