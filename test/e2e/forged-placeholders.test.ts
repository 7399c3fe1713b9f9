/**
 * Upstream data must not be able to add per-recipient substitutions: a pool name spelling a placeholder
 * travels through the report, email.json and the sender and reaches the reader as the text it is.
 */
import { describe, expect, it } from 'vitest';
import { addDays, utcDay } from '../../src/days';
import type { Dataset } from '../../src/emulator/dataset';
import { runReportJob } from '../../src/pipeline/report-job';
import { liveLikeDataset } from '../support/datasets';
import { decodeQuotedPrintable, TEST_LINKS } from '../support/delivery-fixtures';
import { createWorld, reportSettings } from '../support/e2e-world';

const DATA_END = addDays(utcDay(new Date()), -2);

/** Pool names that spell the placeholders of the code before the fix (and a guess at a nonce). */
const FORGED = [
  '%%HB_UNSUBSCRIBE_URL%%',
  '%%HB_GREETING%%',
  'X%%HB_UNSUBSCRIBE_URL_0123456789abcdef0123456789abcdef%%',
];

function forgingDataset(): Dataset {
  const base = liveLikeDataset({ endDate: DATA_END });
  if (!base.mempool) throw new Error('sample has no mempool state');
  const pools = base.mempool.pools.map((p, i) => (FORGED[i] ? { ...p, name: FORGED[i] } : p));
  return { ...base, mempool: { ...base.mempool, pools } };
}

const count = (haystack: string, needle: string) => haystack.split(needle).length - 1;

describe('placeholders spelled by upstream data', () => {
  it('are neither stored as placeholders nor substituted in the mail a reader gets', async () => {
    // Arrange
    const world = await createWorld({ dataset: forgingDataset() });

    // Act
    const result = await runReportJob({}, world.deps, reportSettings());
    await world.deliver(world.drain());

    // Assert: email.json holds exactly the renderer's own placeholders ...
    const stored = JSON.parse(
      (await world.archive.get(`issues/${result.issueId}/email.json`))?.body.toString() ?? '{}',
    ) as { html: string; text: string };
    const placeholders = (part: string) => part.match(/%%HB_[A-Z_]+(_[0-9a-f]+)?%%/g) ?? [];
    // greeting, "Your numbers", unsubscribe and preferences links: lines in text, hrefs in html
    expect(placeholders(stored.text)).toHaveLength(4);
    expect(placeholders(stored.html)).toHaveLength(4);
    // ... and each mail carries the unsubscribe link only where the renderer put it.
    const mail = world.mailer.sent.find((m) => m.kind === 'issue');
    const body = decodeQuotedPrintable(mail?.raw ?? '');
    const [textPart = '', htmlPart = ''] = body.split(/Content-Type: text\/html/i);
    expect(count(textPart, `${TEST_LINKS}/unsubscribe?token=`)).toBe(2); // List-Unsubscribe + footer
    expect(count(htmlPart, `${TEST_LINKS}/unsubscribe?token=`)).toBe(1); // footer href
    // The names are still shown, as text.
    expect(htmlPart).toContain('HB_UNSUBSCRIBE_URL');
    expect(textPart).toContain('HB_GREETING');
  });
});
