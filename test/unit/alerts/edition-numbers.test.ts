/**
 * The numbers an alert edition shows beside its message (src/alerts/edition.ts): a low or a peak carries
 * its day when the metrics know it, and no blank date when they do not.
 */
import { describe, expect, it } from 'vitest';
import { buildAlertEdition } from '../../../src/alerts/edition';
import type { AlertEvaluation } from '../../../src/alerts/evaluate';
import { type AlertView, buildAlerts } from '../../../src/metrics/alerts';
import { defaultAssumptions } from '../../../src/metrics/assumptions';
import { calmAlertView } from '../../fixtures/metrics/alert-view';

/** The calm view (no alert tripped) with `change` applied. */
function viewWith(change: (view: AlertView) => void): AlertView {
  const view = calmAlertView();
  change(view);
  return view;
}

/** The edition of the one alert `view` trips, and the number labelled `label` in it. */
function numberOf(view: AlertView, alertId: string, label: string): string | undefined {
  const alert = buildAlerts(view, defaultAssumptions(), {}).find((a) => a.id === alertId);
  if (!alert) throw new Error(`${alertId} did not trip`);
  const evaluation: AlertEvaluation = {
    asOf: '2026-11-25',
    view,
    series: [],
    joined: { dates: [], hashprice: [], hashrate: [] },
  };
  const edition = buildAlertEdition({
    alert,
    evaluation,
    levels: { [alertId]: 1 },
    baseline: { kind: 'issue', id: '2026-11-23', asOf: '2026-11-23', levels: {} },
    latestIssue: { issueId: '2026-11-23', asOf: '2026-11-23' },
    sources: [],
    createdAt: '2026-11-25T09:00:00Z',
  });
  return edition.numbers.find((n) => n.label === label)?.value;
}

describe('alert edition numbers', () => {
  const nearYearLow = (low1yDate: string | null) => (v: AlertView) =>
    Object.assign(v.hashprice, { usdPerPhDay: 30.5, low1yDate });
  const belowPeak = (peakDate: string | null) => (v: AlertView) =>
    Object.assign(v.hashrate, { fromPeakPct: -15, ehs7d: 850, peakEhs7d: 1000, peakDate });

  it.each([
    [
      'the 1-year low with its day',
      'hashprice-low',
      '1-year low',
      nearYearLow('2026-05-01'),
      '$30.00/PH/day (1 May 2026)',
    ],
    ['the 1-year low without a known day', 'hashprice-low', '1-year low', nearYearLow(null), '$30.00/PH/day'],
    [
      'the hashrate peak with its day',
      'hashrate-drawdown',
      'Peak',
      belowPeak('2026-10-02'),
      '1,000 EH/s (2 October 2026)',
    ],
    ['the hashrate peak without a known day', 'hashrate-drawdown', 'Peak', belowPeak(null), '1,000 EH/s'],
  ])('show %s', (_, alertId, label, change, expected) => {
    expect(numberOf(viewWith(change), alertId, label)).toBe(expected);
  });
});
