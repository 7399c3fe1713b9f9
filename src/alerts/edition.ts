/**
 * An alert edition: one alert event (an alert id on its event day) told on its own between issues. Its
 * record, `alerts/<editionId>/alert.json`, holds the alert, the two or three numbers behind it (worded and
 * raw), the levels every rule had that day, and what it was judged against. Built purely from the
 * evaluation; rendered by src/render/alert-edition.ts.
 */

import { z } from 'zod';
import { calendarDay } from '../days';
import type { AlertView } from '../metrics/alerts';
import { top2SharePct } from '../metrics/alerts';
import { type Alert, COINMETRICS_ATTRIBUTION, sourceStatusSchema } from '../snapshot/schema';
import { longDate, onDay } from '../text/dates';
import { hashpriceUsd, hashrateEhs, num, pct, pctAbs, pctChange } from '../text/numbers';
import type { AlertEvaluation } from './evaluate';
import type { AlertBaseline } from './events';

export const ALERT_EDITION_SCHEMA_VERSION = 1;
/** Written last among an edition's objects: its presence marks the edition complete. */
export const ALERT_RECORD_FILE = 'alert.json';

/** The chart an edition carries: the window's hashprice, its hashrate, or the week's pool shares. */
export type AlertChartKind = 'hashprice' | 'hashrate' | 'pools';

export const alertEditionSchema = z.object({
  schemaVersion: z.literal(ALERT_EDITION_SCHEMA_VERSION),
  /** `<asOf>-<alertId>`: one edition per alert event, the idempotency key. */
  editionId: z.string(),
  alertId: z.string(),
  /** The event day: the last complete day of the data the alert was judged on. */
  asOf: calendarDay,
  createdAt: z.string().datetime({ offset: true }),
  /** The UTC day it was made and mailed: readers get at most one alert mail per mail day. */
  mailDay: calendarDay,
  severity: z.enum(['info', 'warning', 'critical']),
  message: z.string().min(1),
  /** Subject line of the alert email, and the feed entry's title. */
  title: z.string().min(1),
  /** The alert in a few words (the email's headline). */
  headline: z.string().min(1),
  /** The numbers behind the alert, as worded, with their metric keys and unrounded values. */
  numbers: z
    .array(
      z.object({
        label: z.string(),
        value: z.string(),
        metricKey: z.string(),
        raw: z.union([z.number(), z.string()]).nullable(),
      }),
    )
    .min(2)
    .max(3),
  chart: z.object({ kind: z.enum(['hashprice', 'hashrate', 'pools']), alt: z.string(), caption: z.string() }),
  /** Every rule's level on the day (see events.ts: a rule held back by its cooldown keeps the baseline's). */
  levels: z.record(z.string(), z.number().int().nonnegative()),
  /** What the levels were compared against. */
  baseline: z.object({ kind: z.enum(['issue', 'alert']), id: z.string(), asOf: calendarDay }),
  /** The weekly issue the reader is pointed to (and the long history came from). */
  latestIssue: z.object({ issueId: z.string(), asOf: calendarDay }),
  sources: z.array(sourceStatusSchema),
  attribution: z.string(),
});

export type AlertEdition = z.infer<typeof alertEditionSchema>;
export type AlertNumber = AlertEdition['numbers'][number];

/** `2026-11-19-hashprice-low`. */
export function editionIdFor(asOf: string, alertId: string): string {
  return `${asOf}-${alertId}`;
}

/** The edition's words and numbers for one alert, from the day's view and that rule's level. */
function content(
  alert: Alert,
  level: number,
  view: AlertView,
  evaluation: AlertEvaluation,
): Pick<AlertEdition, 'headline' | 'numbers' | 'chart'> {
  const h = view.hashprice;
  const r = view.hashrate;
  const d = view.difficulty;
  const p = view.pools;
  switch (alert.id) {
    case 'hashprice-low': {
      const value = hashpriceUsd(h.usdPerPhDay);
      const week = {
        label: 'Change on the week',
        value: h.change7dPct === null ? 'unavailable' : pctChange(h.change7dPct),
        metricKey: 'hashprice.change7dPct',
        raw: h.change7dPct,
      };
      const current = {
        label: 'Hashprice (7-day average)',
        value,
        metricKey: 'hashprice.usdPerPhDay',
        raw: h.usdPerPhDay,
      };
      let low: AlertNumber;
      let headline: string;
      if (level >= 3) {
        const previous = previousLow(evaluation);
        low = {
          label: 'Previous record low',
          value: previous ? `${hashpriceUsd(previous.value)}${onDay(previous.date)}` : 'none before',
          metricKey: 'hashprice.recordLow',
          raw: previous?.value ?? null,
        };
        headline = `Hashprice set a record low: ${value}`;
      } else {
        const four = level === 2;
        low = {
          label: four ? '4-year low' : '1-year low',
          value: `${hashpriceUsd(four ? h.low4yUsdPerPhDay : h.low1yUsdPerPhDay)}${onDay(four ? h.low4yDate : h.low1yDate)}`,
          metricKey: four ? 'hashprice.low4yUsdPerPhDay' : 'hashprice.low1yUsdPerPhDay',
          raw: four ? h.low4yUsdPerPhDay : h.low1yUsdPerPhDay,
        };
        headline = `Hashprice near its ${four ? '4-year' : '1-year'} low: ${value}`;
      }
      return {
        headline,
        numbers: [current, low, week],
        chart: {
          kind: 'hashprice',
          alt: `Line chart of BTC price and the 7-day hashprice over ${evaluation.series.length} days to ${longDate(evaluation.asOf)}; hashprice ends at ${value}.`,
          caption: 'BTC price and 7-day hashprice, daily, the last 13 months.',
        },
      };
    }
    case 'hashrate-drawdown':
      return {
        headline: `Hashrate ${pctAbs(r.fromPeakPct ?? 0)} below its peak`,
        numbers: [
          {
            label: 'Hashrate (7-day average)',
            value: hashrateEhs(r.ehs7d),
            metricKey: 'hashrate.ehs7d',
            raw: r.ehs7d,
          },
          {
            label: 'Peak',
            value: `${hashrateEhs(r.peakEhs7d)}${onDay(r.peakDate)}`,
            metricKey: 'hashrate.peakEhs7d',
            raw: r.peakEhs7d,
          },
          {
            label: 'Below the peak',
            value: pctAbs(r.fromPeakPct ?? 0),
            metricKey: 'hashrate.fromPeakPct',
            raw: r.fromPeakPct,
          },
        ],
        chart: hashrateChart(evaluation, r.ehs7d),
      };
    case 'difficulty-drop':
      return {
        headline: `Difficulty set to fall about ${pctAbs(d.nextAdjustmentPct ?? 0)}`,
        numbers: [
          {
            label: 'Next difficulty adjustment (estimate)',
            value: d.nextAdjustmentPct === null ? 'unavailable' : pctChange(d.nextAdjustmentPct),
            metricKey: 'difficulty.nextAdjustmentPct',
            raw: d.nextAdjustmentPct,
          },
          {
            label: 'Expected around',
            value: d.nextAdjustmentDate ? longDate(d.nextAdjustmentDate) : 'unavailable',
            metricKey: 'difficulty.nextAdjustmentDate',
            raw: d.nextAdjustmentDate,
          },
          {
            label: 'Epoch mined so far',
            value: `${pct(d.epochProgressPct, 0)}${d.nextAdjustmentMarginPct === null ? '' : ` (estimate ±${pctAbs(d.nextAdjustmentMarginPct)} from block luck)`}`,
            metricKey: 'difficulty.epochProgressPct',
            raw: d.epochProgressPct,
          },
        ],
        chart: hashrateChart(evaluation, r.ehs7d),
      };
    default: {
      const largest = p.top[0];
      const top2 = top2SharePct(p);
      const headline =
        alert.id === 'pool-top1'
          ? `${largest?.name ?? 'The largest pool'} mined ${pct(p.topPoolSharePct)} of the week's blocks`
          : alert.id === 'pool-top2'
            ? `Two pools mined ${pct(top2)} of the week's blocks`
            : `${p.nakamotoCoefficient ?? 'Few'} ${p.nakamotoCoefficient === 1 ? 'pool' : 'pools'} mined more than half the week's blocks`;
      return {
        headline,
        numbers: [
          {
            label: 'Largest pool',
            value: largest ? `${largest.name}, ${pct(largest.sharePct)}` : 'unavailable',
            metricKey: 'pools.topPoolSharePct',
            raw: p.topPoolSharePct,
          },
          {
            label: 'Two largest pools',
            value: pct(top2),
            metricKey: 'pools.top',
            raw: top2,
          },
          {
            label: 'Nakamoto coefficient (pools to pass 50%)',
            value: p.nakamotoCoefficient === null ? 'unavailable' : num(p.nakamotoCoefficient),
            metricKey: 'pools.nakamotoCoefficient',
            raw: p.nakamotoCoefficient,
          },
        ],
        chart: {
          kind: 'pools',
          alt: `Bar chart of the pools' shares of the last week's blocks; the largest, ${largest?.name ?? 'unknown'}, mined ${pct(p.topPoolSharePct)}.`,
          caption: 'Pool shares of the last week’s blocks (mempool.space).',
        },
      };
    }
  }
}

function hashrateChart(evaluation: AlertEvaluation, ehs7d: number | null): AlertEdition['chart'] {
  return {
    kind: 'hashrate',
    alt: `Line chart of the 7-day hashrate and the difficulty over ${evaluation.series.length} days to ${longDate(evaluation.asOf)}; hashrate ends at ${hashrateEhs(ehs7d)}.`,
    caption: 'Hashrate (7-day average) and difficulty, daily, the last 13 months.',
  };
}

/** The record low before the as-of day: the lowest earlier 7-day hashprice and its (latest) day. */
function previousLow(evaluation: AlertEvaluation): { value: number; date: string } | null {
  const { hashprice, dates } = evaluation.joined;
  let best: { value: number; date: string } | null = null;
  for (let k = 0; k < hashprice.length - 1; k++) {
    const v = hashprice[k];
    if (v !== null && v !== undefined && (best === null || v <= best.value)) {
      best = { value: v, date: dates[k] as string };
    }
  }
  return best;
}

const SEVERITY_WORD = { critical: 'Alert', warning: 'Alert', info: 'Note' } as const;

/** Builds the record of one alert event's edition. Pure: the clock's reading comes in as `createdAt`. */
export function buildAlertEdition(input: {
  alert: Alert;
  evaluation: AlertEvaluation;
  levels: Record<string, number>;
  baseline: AlertBaseline;
  latestIssue: { issueId: string; asOf: string };
  sources: AlertEdition['sources'];
  createdAt: string;
}): AlertEdition {
  const { alert, evaluation } = input;
  const level = input.levels[alert.id] ?? 1;
  const body = content(alert, level, evaluation.view, evaluation);
  return {
    schemaVersion: ALERT_EDITION_SCHEMA_VERSION,
    editionId: editionIdFor(evaluation.asOf, alert.id),
    alertId: alert.id,
    asOf: evaluation.asOf,
    createdAt: input.createdAt,
    mailDay: input.createdAt.slice(0, 10),
    severity: alert.severity,
    message: alert.message,
    title: `${SEVERITY_WORD[alert.severity]}: ${body.headline} \u2014 hashbrief ${evaluation.asOf}`,
    headline: body.headline,
    numbers: body.numbers,
    chart: body.chart,
    levels: input.levels,
    baseline: { kind: input.baseline.kind, id: input.baseline.id, asOf: input.baseline.asOf },
    latestIssue: input.latestIssue,
    sources: input.sources,
    attribution: COINMETRICS_ATTRIBUTION,
  };
}

/** Severity order for choosing which of a day's editions is mailed: critical, warning, info. */
export const SEVERITY_RANK = { critical: 0, warning: 1, info: 2 } as const;
