/**
 * Where readers find an issue. With a public base URL (the CDN) every link is absolute; without one
 * (a local run) links are relative to the issue's web version, which is how the local archive and
 * `hashbrief preview` serve it.
 */
import type { ManifestDeps } from '../archive/manifest';
import type { Clock } from '../ports';
import { renderFeeds } from '../render/feeds';
import type { IssueLinks } from '../render/render-issue';

/** The feeds of an archive served under `publicBaseUrl` (relative links without one). */
export function archiveFeeds(
  publicBaseUrl: string | undefined,
  clock: Clock,
): NonNullable<ManifestDeps['renderFeeds']> {
  return (issues, alerts) =>
    renderFeeds(issues, alerts, { ...(publicBaseUrl ? { publicBaseUrl } : {}), now: clock() });
}

/** The sign-up page (GET shows the form) under the links base URL, when one is configured. */
export function subscribeUrlFor(linksBaseUrl: string | undefined): string | undefined {
  return linksBaseUrl ? `${linksBaseUrl}/subscribe` : undefined;
}

export function issueLinks(
  issueId: string,
  publicBaseUrl: string | undefined,
  linksBaseUrl?: string,
): IssueLinks {
  const subscribeUrl = subscribeUrlFor(linksBaseUrl);
  const subscribe = subscribeUrl ? { subscribeUrl } : {};
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
