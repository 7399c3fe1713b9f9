/**
 * Turns one report's products into the archive's issue files (docs/architecture.md, "Archive layout").
 */
import { metricsCsv } from '../archive/metrics-csv';
import { toStoredEmail } from '../render/render-issue';
import type { RenderedIssue } from '../render/types';
import type { ChartRow, Snapshot } from '../snapshot/schema';
import { type RecordedResponse, recordingsToArchiveFiles } from '../sources/recording';

export interface IssueFile {
  name: string;
  body: Buffer | string;
  contentType: string;
  contentEncoding?: string;
}

/** Every object of one issue; snapshot.json is listed last because its presence marks completion. */
export function issueFiles(input: {
  snapshot: Snapshot;
  series: ChartRow[];
  rendered: RenderedIssue;
  recordings: readonly RecordedResponse[];
}): IssueFile[] {
  const { snapshot, series, rendered, recordings } = input;
  return [
    ...recordingsToArchiveFiles(recordings),
    ...rendered.images.flatMap((image) => [
      { name: `charts/${image.filename}`, body: image.png, contentType: 'image/png' },
      { name: `charts/${image.svgFilename}`, body: image.svg, contentType: 'image/svg+xml' },
    ]),
    { name: 'metrics.csv', body: metricsCsv(series), contentType: 'text/csv; charset=utf-8' },
    { name: 'newsletter.html', body: rendered.webHtml, contentType: 'text/html; charset=utf-8' },
    { name: 'newsletter.txt', body: rendered.webText, contentType: 'text/plain; charset=utf-8' },
    {
      name: 'email.json',
      body: `${JSON.stringify(toStoredEmail(rendered), null, 2)}\n`,
      contentType: 'application/json',
    },
    {
      name: 'snapshot.json',
      body: `${JSON.stringify(snapshot, null, 2)}\n`,
      contentType: 'application/json',
    },
  ];
}
