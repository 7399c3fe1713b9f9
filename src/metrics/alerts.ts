/**
 * Alerts that mean something. Each rule gives a level on the as-of day (0 = not tripped, higher = rarer)
 * in a window that fits it; an alert fires only when its level rises above the previous issue's, so a
 * condition that persists is told once. A record low is the one repeat: each new record is news.
 */
import type { Alert, Metrics } from '../snapshot/schema';
import { longDate, monthYear, onDay } from '../text/dates';
import { hashpriceUsd, hashrateEhs, pct, pctAbs } from '../text/numbers';
import type { Assumptions } from './assumptions';
import { FOUR_YEAR_DAYS, YEAR_DAYS } from './hashprice';

/** What the rules read: the groups whose figures they judge. */
export type AlertView = Pick<Metrics, 'hashprice' | 'hashrate' | 'difficulty' | 'pools'>;
type Thresholds = Assumptions['alerts'];
type Severity = Alert['severity'];

interface AlertRule {
  id: string;
  metricKeys: string[];
  /** The level on D; `before` is the previous issue's, for rules that only clear with a margin. */
  level(v: AlertView, t: Thresholds, before: number): number;
  severity(level: number): Severity;
  message(v: AlertView, level: number, t: Thresholds): string;
  /** Fires again at the same level (a new record low). */
  refires?(v: AlertView): boolean;
}

/** Share of the two largest identified pools, %, or null without pool data. */
export function top2SharePct(pools: Metrics['pools']): number | null {
  if (pools.top.length === 0) return null;
  return pools.top.slice(0, 2).reduce((s, p) => s + p.sharePct, 0);
}

/**
 * Hashprice within 5% above its 1-year (4-year) low counts as at that low; once there, it stays there until
 * it is more than 15% above it, so a price that hovers near the low is told once, not every other week.
 */
export const NEAR_LOW_PCT = 5;
export const CLEAR_LOW_PCT = 15;

const within = (value: number, low: number | null, pct: number): boolean =>
  low !== null && value <= low * (1 + pct / 100);

const hashpriceLow: AlertRule = {
  id: 'hashprice-low',
  metricKeys: [
    'hashprice.usdPerPhDay',
    'hashprice.recordLow',
    'hashprice.low1yUsdPerPhDay',
    'hashprice.low4yUsdPerPhDay',
    'hashprice.lowestSince',
  ],
  level: ({ hashprice: h }, _t, before) => {
    const value = h.usdPerPhDay;
    if (value === null) return 0;
    if (h.recordLow === true) return 3;
    const band = (level: number) => (before >= level ? CLEAR_LOW_PCT : NEAR_LOW_PCT);
    if (within(value, h.low4yUsdPerPhDay, band(2))) return 2;
    return within(value, h.low1yUsdPerPhDay, band(1)) ? 1 : 0;
  },
  severity: (level) => (level >= 3 ? 'critical' : level === 2 ? 'warning' : 'info'),
  message: ({ hashprice: h }, level) => {
    const value = hashpriceUsd(h.usdPerPhDay);
    if (level >= 3) return `Hashprice set a record low: ${value} (7-day average).`;
    const window = level === 2 ? '4-year' : '1-year';
    const low = level === 2 ? h.low4yUsdPerPhDay : h.low1yUsdPerPhDay;
    const lowDate = level === 2 ? h.low4yDate : h.low1yDate;
    if (h.lowestSince !== null && (h.lowestSinceDays ?? 0) >= (level === 2 ? FOUR_YEAR_DAYS : YEAR_DAYS)) {
      return `Hashprice fell to ${value} (7-day average), its lowest since ${monthYear(h.lowestSince)}: a ${window} low.`;
    }
    const above = low === null || h.usdPerPhDay === null ? 0 : (h.usdPerPhDay / low - 1) * 100;
    return `Hashprice (${value}, 7-day average) is within ${pctAbs(Math.max(above, 0.05))} of its ${window} low of ${hashpriceUsd(low)}${onDay(lowDate)}.`;
  },
  refires: ({ hashprice: h }) => h.recordLow === true,
};

const hashrateDrawdown: AlertRule = {
  id: 'hashrate-drawdown',
  metricKeys: ['hashrate.fromPeakPct', 'hashrate.ehs7d', 'hashrate.peakDate'],
  level: ({ hashrate: h }, t, before) => {
    const d = h.fromPeakPct;
    if (d === null) return 0;
    const step = t.hashrateFromPeakPctAtMost;
    // Cleared only when the drawdown is back within 30% of a step (−7% for the default −10%).
    const line = (level: number) => step * level * (before >= level ? 0.7 : 1);
    return d <= line(3) ? 3 : d <= line(2) ? 2 : d <= line(1) ? 1 : 0;
  },
  severity: (level) => (level >= 3 ? 'critical' : 'warning'),
  message: ({ hashrate: h }) =>
    `Hashrate (7-day average, ${hashrateEhs(h.ehs7d)}) is ${pctAbs(h.fromPeakPct ?? 0)} below its peak of ${hashrateEhs(h.peakEhs7d)}${onDay(h.peakDate)}.`,
};

const poolTop1: AlertRule = {
  id: 'pool-top1',
  metricKeys: ['pools.topPoolSharePct', 'pools.top'],
  level: ({ pools }, t) =>
    pools.topPoolSharePct !== null && pools.topPoolSharePct > t.topPoolSharePctAbove ? 1 : 0,
  severity: () => 'warning',
  message: ({ pools }, _level, t) =>
    `${pools.top[0]?.name ?? 'The largest pool'} mined ${pct(pools.topPoolSharePct)} of the week's blocks, more than ${pct(t.topPoolSharePctAbove, 0)}.`,
};

const poolTop2: AlertRule = {
  id: 'pool-top2',
  metricKeys: ['pools.top'],
  level: ({ pools }, t) => {
    const share = top2SharePct(pools);
    return share !== null && share > t.top2SharePctAbove ? 1 : 0;
  },
  severity: () => 'critical',
  message: ({ pools }) => `The two largest pools mined ${pct(top2SharePct(pools))} of the week's blocks.`,
};

const nakamotoLow: AlertRule = {
  id: 'nakamoto-low',
  metricKeys: ['pools.nakamotoCoefficient'],
  level: ({ pools }, t) => {
    const nc = pools.nakamotoCoefficient;
    return nc === null || nc > t.nakamotoCoefficientAtMost ? 0 : nc === 1 ? 2 : 1;
  },
  severity: () => 'critical',
  message: ({ pools }) => {
    const nc = pools.nakamotoCoefficient ?? 0;
    return `${nc} ${nc === 1 ? 'pool' : 'pools'} mined more than half of the week's blocks.`;
  },
};

const difficultyDrop: AlertRule = {
  id: 'difficulty-drop',
  metricKeys: [
    'difficulty.nextAdjustmentPct',
    'difficulty.nextAdjustmentEarly',
    'difficulty.epochProgressPct',
  ],
  level: ({ difficulty: d }, t) => {
    // An estimate early in the epoch is mostly block luck: it never raises an alert.
    if (d.nextAdjustmentPct === null || d.nextAdjustmentEarly !== false) return 0;
    const line = t.difficultyAdjustmentPctAtMost;
    return d.nextAdjustmentPct <= line * 2 ? 2 : d.nextAdjustmentPct <= line ? 1 : 0;
  },
  severity: (level) => (level >= 2 ? 'warning' : 'info'),
  message: ({ difficulty: d }) =>
    `Difficulty is set to fall about ${pctAbs(d.nextAdjustmentPct ?? 0)} at the next adjustment${d.nextAdjustmentDate ? `, around ${longDate(d.nextAdjustmentDate)}` : ''} (${pct(d.epochProgressPct, 0)} of the epoch mined${d.nextAdjustmentMarginPct === null ? '' : `; ±${pctAbs(d.nextAdjustmentMarginPct)} from block luck`}).`,
};

/** Every rule, in the order alerts are listed at equal severity. */
export const ALERT_RULES: readonly AlertRule[] = [
  hashpriceLow,
  hashrateDrawdown,
  difficultyDrop,
  poolTop2,
  nakamotoLow,
  poolTop1,
];

/** Each rule's level for these figures (0 = not tripped), given the previous issue's levels. */
export function alertLevels(
  view: AlertView,
  assumptions: Assumptions,
  previous: Readonly<Record<string, number>>,
): Record<string, number> {
  return Object.fromEntries(
    ALERT_RULES.map((rule) => [rule.id, rule.level(view, assumptions.alerts, previous[rule.id] ?? 0)]),
  );
}

/**
 * The alerts of an issue: each rule whose level rose above the previous issue's (`previous`, 0 when
 * absent), plus a new record low. Null metrics raise no alert.
 */
export function buildAlerts(
  view: AlertView,
  assumptions: Assumptions,
  previous: Readonly<Record<string, number>>,
): Alert[] {
  const t = assumptions.alerts;
  const alerts: Alert[] = [];
  for (const rule of ALERT_RULES) {
    const before = previous[rule.id] ?? 0;
    const level = rule.level(view, t, before);
    if (level === 0) continue;
    if (level <= before && !rule.refires?.(view)) continue;
    alerts.push({
      id: rule.id,
      severity: rule.severity(level),
      message: rule.message(view, level, t),
      metricKeys: rule.metricKeys,
    });
  }
  return alerts;
}
