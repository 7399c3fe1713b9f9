/**
 * Which alerts are news on a day between issues. An alert has newly tripped when its rule's level rose
 * above the level recorded by the latest of the last weekly issue and the last alert edition (a new record
 * low is news again, as in the weekly issue). Each alert type has a cooldown: after an edition of it,
 * another comes no sooner than that many days later. Pure.
 */
import { z } from 'zod';
import type { AlertIndexEntry } from '../contracts/index-entry';
import { daysBetween } from '../days';
import { ALERT_RULES, type AlertView, alertLevels, buildAlerts } from '../metrics/alerts';
import type { Assumptions } from '../metrics/assumptions';
import type { Alert } from '../snapshot/schema';

/**
 * Days after an edition of one alert type before another edition of it may come. A record low can be news
 * every day for a week; the reader hears of it once a week at most. Pool concentration and the Nakamoto
 * coefficient move slowly and each week's figure covers the whole week: once a month.
 */
export const DEFAULT_ALERT_COOLDOWN_DAYS: Readonly<Record<string, number>> = {
  'hashprice-low': 7,
  'hashrate-drawdown': 14,
  'difficulty-drop': 14,
  'pool-top2': 30,
  'nakamoto-low': 30,
  'pool-top1': 30,
};

export const MAX_ALERT_COOLDOWN_DAYS = 365;

/** A cooldown setting that cannot be used; the message names the key. */
export class AlertCooldownError extends Error {
  override name = 'AlertCooldownError';
}

const ruleIds = ALERT_RULES.map((r) => r.id);

/**
 * Parses HASHBRIEF_ALERT_COOLDOWN_DAYS: a JSON object of alert id → days (0 to 365), any subset; the rest
 * keep their defaults. Throws AlertCooldownError naming an unknown alert id or a bad value.
 */
export function parseAlertCooldowns(json: string | undefined): Record<string, number> {
  const defaults = { ...DEFAULT_ALERT_COOLDOWN_DAYS };
  if (json === undefined || json.trim() === '') return defaults;
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    throw new AlertCooldownError('is not valid JSON', { cause: error });
  }
  const object = z.record(z.string(), z.unknown()).safeParse(raw);
  if (!object.success || Array.isArray(raw)) {
    throw new AlertCooldownError('must be a JSON object of alert id to days, e.g. {"hashprice-low":3}');
  }
  const days = z.number().int('must be whole days').min(0, 'must be >= 0').max(MAX_ALERT_COOLDOWN_DAYS);
  for (const [id, value] of Object.entries(object.data)) {
    if (!ruleIds.includes(id))
      throw new AlertCooldownError(`${id}: unknown alert (known: ${ruleIds.join(', ')})`);
    const parsed = days.safeParse(value);
    if (!parsed.success) {
      throw new AlertCooldownError(`${id}: ${parsed.error.issues[0]?.message ?? 'must be whole days'}`);
    }
    defaults[id] = parsed.data;
  }
  return defaults;
}

/** The levels the next alert run compares against, and where they were recorded. */
export interface AlertBaseline {
  kind: 'issue' | 'alert';
  id: string;
  asOf: string;
  levels: Record<string, number>;
}

/**
 * The latest of the last weekly issue (on or before `asOf`) and the last alert edition (before `asOf`;
 * editions of `asOf` itself are this day's own). Ties on the day take each rule's highest level, so a
 * condition either told is not told again. Null when there is neither.
 */
export function alertBaseline(
  issue: { issueId: string; asOf: string; levels: Record<string, number> } | null,
  editions: readonly AlertIndexEntry[],
  asOf: string,
): AlertBaseline | null {
  const candidates: AlertBaseline[] = [
    ...(issue && issue.asOf <= asOf
      ? [{ kind: 'issue' as const, id: issue.issueId, asOf: issue.asOf, levels: issue.levels }]
      : []),
    ...editions
      .filter((e) => e.asOf < asOf)
      .map((e) => ({ kind: 'alert' as const, id: e.editionId, asOf: e.asOf, levels: e.levels })),
  ];
  const latestDay = candidates.reduce<string | null>((d, c) => (d === null || c.asOf > d ? c.asOf : d), null);
  if (latestDay === null) return null;
  const tied = candidates.filter((c) => c.asOf === latestDay);
  const levels: Record<string, number> = {};
  for (const c of tied) {
    for (const [id, level] of Object.entries(c.levels)) levels[id] = Math.max(levels[id] ?? 0, level);
  }
  const first = tied.find((c) => c.kind === 'alert') ?? tied[0];
  return { kind: first?.kind ?? 'issue', id: first?.id ?? '', asOf: latestDay, levels };
}

/** An alert held back by its type's cooldown. */
export interface SuppressedAlert {
  alert: Alert;
  /** The edition of the same type that started the cooldown. */
  lastEditionId: string;
  cooldownDays: number;
}

/** The day's alerts: those to make editions of, those held back, and the levels an edition records. */
export interface AlertEvents {
  fired: Alert[];
  suppressed: SuppressedAlert[];
  /**
   * Each rule's level on the day, except a rule held back by its cooldown, which keeps the baseline's
   * level so it fires once the cooldown is over (if it is still news then).
   */
  levels: Record<string, number>;
}

/**
 * The alerts newly tripped on `asOf` against `baseline`, with cooldowns applied against `editions` (earlier
 * editions of the same alert type). Nothing is news on a day the baseline already covers.
 */
export function alertEvents(input: {
  view: AlertView;
  assumptions: Assumptions;
  baseline: AlertBaseline;
  asOf: string;
  editions: readonly AlertIndexEntry[];
  cooldownDays: Readonly<Record<string, number>>;
}): AlertEvents {
  const { view, assumptions, baseline, asOf } = input;
  const current = alertLevels(view, assumptions, baseline.levels);
  if (baseline.asOf >= asOf) return { fired: [], suppressed: [], levels: current };
  const fired: Alert[] = [];
  const suppressed: SuppressedAlert[] = [];
  const levels = { ...current };
  for (const alert of buildAlerts(view, assumptions, baseline.levels)) {
    const cooldownDays = input.cooldownDays[alert.id] ?? DEFAULT_ALERT_COOLDOWN_DAYS[alert.id] ?? 0;
    const last = input.editions
      .filter((e) => e.alertId === alert.id && e.asOf < asOf)
      .reduce<AlertIndexEntry | null>((best, e) => (best === null || e.asOf > best.asOf ? e : best), null);
    if (last && daysBetween(last.asOf, asOf) < cooldownDays) {
      suppressed.push({ alert, lastEditionId: last.editionId, cooldownDays });
      levels[alert.id] = baseline.levels[alert.id] ?? 0;
      continue;
    }
    fired.push(alert);
  }
  return { fired, suppressed, levels };
}
