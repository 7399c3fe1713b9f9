/**
 * Does an archived issue come back byte for byte from its own raw/ files? Replays the stored responses
 * into a scratch archive, the way `hashbrief report --replay` does, and lists the files that differ.
 */
import { createMemoryArchiveStore } from '../../src/archive/memory-store';
import { readSnapshot } from '../../src/archive/read';
import type { ArchiveStore } from '../../src/archive/store';
import { produceIssue } from '../../src/pipeline/produce-issue';
import {
  placeholderNonceOf,
  previousFromArchived,
  recordedBaseUrls,
  requestedAsOf,
} from '../../src/pipeline/replay-snapshot';
import type { ReportJobSettings } from '../../src/pipeline/report-job';
import { silentReporter } from '../../src/ports';
import { decodeRecording } from '../../src/sources/recording-fs';
import { createReplay } from '../../src/sources/replay';

const COMPARED = ['snapshot.json', 'newsletter.txt', 'newsletter.html', 'email.json', 'metrics.csv'];

export async function replayDiffers(
  archive: ArchiveStore,
  issueId: string,
  settings: Pick<ReportJobSettings, 'coinMetricsUrl' | 'mempoolUrl' | 'assumptions' | 'postalAddress'> &
    Partial<Pick<ReportJobSettings, 'publicBaseUrl' | 'linksBaseUrl'>>,
): Promise<string[]> {
  const recordings = [];
  for (const key of await archive.list(`issues/${issueId}/raw/`)) {
    const object = await archive.get(key);
    if (object) recordings.push(decodeRecording(object.body, key));
  }
  const original = await readSnapshot(archive, issueId);
  // The placeholder nonce is drawn once per issue, not derived from the inputs: the replay reuses it.
  const email = await archive.get(`issues/${issueId}/email.json`);
  const placeholderNonce = email ? placeholderNonceOf(email.body.toString('utf8'), 'email.json') : undefined;
  const replay = createReplay(recordings);
  const scratch = createMemoryArchiveStore();
  await produceIssue(
    {
      fetch: replay.fetch,
      clock: () => new Date(),
      sleep: async () => {},
      random: () => 0.5,
      reporter: silentReporter,
      archive: scratch,
      replay,
    },
    {
      ...settings,
      ...recordedBaseUrls(recordings),
      asOf: requestedAsOf(recordings),
      sample: original.sample,
      issueId,
      previous: previousFromArchived(original),
      ...(placeholderNonce ? { placeholderNonce } : {}),
    },
  );
  const differing: string[] = [];
  for (const name of COMPARED) {
    const stored = await archive.get(`issues/${issueId}/${name}`);
    const again = await scratch.get(`issues/${issueId}/${name}`);
    if (!stored || !again || !stored.body.equals(again.body)) differing.push(name);
  }
  return differing;
}
