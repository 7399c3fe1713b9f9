/**
 * Render stage costs: MJML per issue (cold, including the mjml import, and warm), the four charts, and
 * personalising one recipient's copy against rendering MJML per recipient (target ≥ 100× cheaper), also
 * with the reader's "Your numbers" block worked out and filled in (a reader with a power price and fleet).
 */
import { performance } from 'node:perf_hooks';
import { yourNumbers, yourNumbersHtml, yourNumbersText } from '../src/delivery/personal-numbers';
import { personalize } from '../src/delivery/personalize';
import { renderCharts } from '../src/render/charts/index';
import { buildEmailMjml } from '../src/render/email';
import { compileMjml } from '../src/render/mjml-compile';
import { buildIssueModel } from '../src/render/model';
import { personalDataOf } from '../src/render/render-issue';
import { renderText } from '../src/render/text';
import { fixtureFooter, fixtureLinks, fixtureSeries, fixtureSnapshot } from '../test/fixtures/render/fixture';
import { type BenchSection, timeIt } from './harness';

export async function run(): Promise<BenchSection> {
  const snapshot = fixtureSnapshot();
  const series = fixtureSeries();
  const model = buildIssueModel({ snapshot, links: fixtureLinks, footer: fixtureFooter });
  const mjml = buildEmailMjml(model, (c) => `cid:${c}`);

  const coldStart = performance.now();
  const html = await compileMjml(mjml);
  const coldMs = performance.now() - coldStart;

  const warm = await timeIt(() => compileMjml(mjml), { iterations: 10, warmup: 2 });
  const charts = await timeIt(() => renderCharts(snapshot, series, {}), { iterations: 5, warmup: 1 });
  const text = renderText(model, 'email');
  const values = {
    unsubscribeUrl: 'https://brief.example.org/u?t=abcdef0123456789',
    preferencesUrl: 'https://brief.example.org/p?t=abcdef0123456789',
    greeting: 'Hi Ann,',
  };
  const perRecipient = await timeIt(
    () => {
      personalize(html, values, 'html');
      personalize(text, values, 'text');
    },
    { iterations: 200, warmup: 20 },
  );
  const ratio = warm.medianMs / perRecipient.medianMs;
  // A reader with a power price and a fleet: the block is worked out from the stored figures and filled in.
  const personalData = personalDataOf(snapshot);
  const choices = { powerPriceUsdPerKwh: 0.055, fleet: ['antminer-s21', 'antminer-s19-xp', 25] };
  const withNumbers = await timeIt(
    () => {
      const numbers = yourNumbers(personalData, choices);
      personalize(html, { ...values, personal: yourNumbersHtml(numbers) }, 'html');
      personalize(text, { ...values, personal: yourNumbersText(numbers) }, 'text');
    },
    { iterations: 200, warmup: 20 },
  );
  const personalRatio = warm.medianMs / withNumbers.medianMs;

  return {
    title: 'Render (newsletter)',
    rows: [
      { name: 'MJML render per issue, cold (incl. import)', value: coldMs, unit: 'ms' },
      { name: 'MJML render per issue, warm (median)', value: warm.medianMs, unit: 'ms' },
      { name: 'charts, 4 PNGs (median)', value: charts.medianMs, unit: 'ms' },
      {
        name: 'personalize one recipient (html + text)',
        value: perRecipient.medianMs,
        unit: 'ms',
        baseline: { name: 'MJML per recipient (warm)', value: warm.medianMs },
        ratio,
        ratioLabel: 'cheaper',
        target: '≥ 100×',
        pass: ratio >= 100,
      },
      {
        name: 'personalize one recipient with "Your numbers" (html + text)',
        value: withNumbers.medianMs,
        unit: 'ms',
        baseline: { name: 'MJML per recipient (warm)', value: warm.medianMs },
        ratio: personalRatio,
        ratioLabel: 'cheaper',
        target: '≥ 100×',
        pass: personalRatio >= 100,
      },
      {
        name: 'email HTML size',
        value: Buffer.byteLength(html) / 1024,
        unit: 'KB',
        target: '< 102 KB',
        pass: Buffer.byteLength(html) < 102 * 1024,
      },
    ],
    notes: [
      'Fixture issue from test/fixtures/render; the sender only runs personalize, never MJML or resvg.',
    ],
  };
}
