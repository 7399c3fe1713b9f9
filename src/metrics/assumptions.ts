/**
 * Economic assumptions behind the derived metrics: the ASIC fleet, the power price, the AI/HPC hosting
 * rate, the ASIC price for the capex attack, the stress scenario, alert thresholds and double-spend
 * attacker shares. Every field has a default with its source note (`.describe`), and operators override
 * any subset with HASHBRIEF_ASSUMPTIONS_JSON. Unknown keys are rejected so a typo never silently falls
 * back to a default. The fleet, ASIC price and AI rate default to dated tables (the values in force on
 * the as-of day, see assumption-tables.ts); `assumptionsOn` resolves them for one day.
 */
import { z } from 'zod';
import {
  AI_HOSTING_USD_PER_MWH,
  ASIC_GENERATIONS,
  ASIC_PRICE_USD_PER_TH,
  fleetOn,
  valueOn,
} from './assumption-tables';
import { AssumptionsError } from './errors';

const positive = z.number().finite('must be a finite number').gt(0, 'must be > 0');
const pct0to100 = z
  .number()
  .finite('must be a finite number')
  .min(0, 'must be >= 0')
  .max(100, 'must be <= 100');

const asicTierSchema = z.strictObject({
  model: z.string().min(1, 'must not be empty'),
  /** Efficiency at the wall, joules per terahash (J/TH). */
  jPerTh: positive,
  note: z.string().optional(),
});

const DEFAULT_STRESS = { priceDropPct: 38, hashrateDropPct: 12 };

const DEFAULT_ALERTS = {
  hashrateFromPeakPctAtMost: -10,
  topPoolSharePctAbove: 30,
  top2SharePctAbove: 50,
  nakamotoCoefficientAtMost: 2,
  difficultyAdjustmentPctAtMost: -5,
};

export const assumptionsSchema = z.strictObject({
  asicTiers: z
    .array(asicTierSchema)
    .min(1, 'must list at least one tier')
    .optional()
    .describe(
      'Your ASIC fleet, J/TH at the wall, used for every as-of day. Absent: the dated default fleet, the newest generation shipping on the as-of day and the two before it (see assumption-tables.ts).',
    ),
  powerPriceUsdPerKwh: positive
    .default(0.06)
    .describe(
      'All-in power price, USD/kWh. 0.06 is a common mid-range figure for industrial US miners (public miners report roughly 0.03–0.08).',
    ),
  aiHostingUsdPerMwh: positive
    .nullable()
    .optional()
    .describe(
      'AI/HPC hosting revenue per MWh of critical IT load, used for every as-of day (null: never compare). Absent: the dated default (none before June 2024; 166 from 2024-06-03, 190 from 2025-08-14, from announced leases of USD 1.45–1.85M per MW-year).',
    ),
  asicPriceUsdPerTh: positive
    .optional()
    .describe(
      'New-generation ASIC price, USD per TH/s, used for every as-of day. Absent: the dated default (launch and order prices of the newest machines, none before mid-2016; 15 from 2025).',
    ),
  stress: z
    .strictObject({
      priceDropPct: pct0to100.default(DEFAULT_STRESS.priceDropPct),
      hashrateDropPct: z
        .number()
        .finite('must be a finite number')
        .min(0, 'must be >= 0')
        .lt(100, 'must be < 100')
        .default(DEFAULT_STRESS.hashrateDropPct),
    })
    .prefault({})
    .describe(
      'Stress scenario: a further fall in price and hashrate, in % (defaults mirror the 2025–2026 bear market: price −38%, hashrate −12%).',
    ),
  alerts: z
    .strictObject({
      hashrateFromPeakPctAtMost: z
        .number()
        .finite()
        .max(0, 'must be <= 0')
        .default(DEFAULT_ALERTS.hashrateFromPeakPctAtMost),
      topPoolSharePctAbove: pct0to100.default(DEFAULT_ALERTS.topPoolSharePctAbove),
      top2SharePctAbove: pct0to100.default(DEFAULT_ALERTS.top2SharePctAbove),
      nakamotoCoefficientAtMost: z
        .number()
        .int('must be an integer')
        .min(1, 'must be >= 1')
        .default(DEFAULT_ALERTS.nakamotoCoefficientAtMost),
      difficultyAdjustmentPctAtMost: z
        .number()
        .finite()
        .max(0, 'must be <= 0')
        .default(DEFAULT_ALERTS.difficultyAdjustmentPctAtMost),
    })
    .prefault({})
    .describe(
      'Alert thresholds (see docs/metrics.md). Hashprice lows need none: they are judged against the last 1 and 4 years and the record.',
    ),
  doubleSpendAttackerSharesPct: z
    .array(z.number().finite().gt(0, 'must be > 0').lt(100, 'must be < 100'))
    .default(() => [10, 25, 40])
    .describe(
      'Attacker hashrate shares, %, for the whitepaper §11 double-spend odds; the largest pool is added.',
    ),
});

export type Assumptions = z.infer<typeof assumptionsSchema>;
export type AsicTier = z.infer<typeof asicTierSchema>;

/** A tier of the fleet used on a day; dated tiers carry their generation's first-shipment day. */
export interface FleetTier extends AsicTier {
  availableFrom?: string;
}

/**
 * The assumptions in force on one as-of day: the configured values where set, else the dated defaults.
 * Each dated or configured figure carries its basis, for the snapshot and the reader.
 */
export type AssumptionsOnDay = Omit<Assumptions, 'asicTiers' | 'aiHostingUsdPerMwh' | 'asicPriceUsdPerTh'> & {
  day: string;
  /** `configured`: HASHBRIEF_ASSUMPTIONS_JSON `asicTiers`, for every day; `dated`: the fleet shipping on `day`. */
  fleetBasis: 'dated' | 'configured';
  /** Newest first for the dated fleet; may be empty (no ASIC fleet before 2013-01-31). */
  asicTiers: FleetTier[];
  /** Why the fleet is empty, else null. */
  fleetUnavailableReason: string | null;
  asicPriceUsdPerTh: number | null;
  asicPriceBasis: string;
  /** Null when no AI/HPC hosting deals existed on `day` (or the operator turned the comparison off). */
  aiHostingUsdPerMwh: number | null;
  aiHostingBasis: string;
};

const CONFIGURED = 'configured in HASHBRIEF_ASSUMPTIONS_JSON';

/** Resolves `assumptions` for the as-of `day` (see AssumptionsOnDay). */
export function assumptionsOn(assumptions: Assumptions, day: string): AssumptionsOnDay {
  const { asicTiers, aiHostingUsdPerMwh, asicPriceUsdPerTh, ...rest } = assumptions;
  const dated = fleetOn(day).map((g) => ({
    model: g.model,
    jPerTh: g.jPerTh,
    note: g.note,
    availableFrom: g.availableFrom,
  }));
  const tiers: FleetTier[] = asicTiers ? asicTiers.map((t) => ({ ...t })) : dated;
  const first = ASIC_GENERATIONS[0];
  const price = valueOn(ASIC_PRICE_USD_PER_TH, day);
  const ai = valueOn(AI_HOSTING_USD_PER_MWH, day);
  return {
    ...rest,
    day,
    fleetBasis: asicTiers ? 'configured' : 'dated',
    asicTiers: tiers,
    fleetUnavailableReason:
      tiers.length > 0
        ? null
        : `no ASIC fleet is modelled before ${first?.availableFrom ?? 'the first ASIC'} (${first?.model ?? 'first ASIC'}); earlier mining ran on GPUs and FPGAs of widely varying efficiency`,
    asicPriceUsdPerTh: asicPriceUsdPerTh ?? price?.value ?? null,
    asicPriceBasis:
      asicPriceUsdPerTh !== undefined
        ? CONFIGURED
        : (price?.note ?? 'no ASIC price is modelled for this day'),
    aiHostingUsdPerMwh: aiHostingUsdPerMwh !== undefined ? aiHostingUsdPerMwh : (ai?.value ?? null),
    aiHostingBasis:
      aiHostingUsdPerMwh !== undefined
        ? aiHostingUsdPerMwh === null
          ? `AI/HPC comparison turned off (${CONFIGURED})`
          : CONFIGURED
        : (ai?.note ?? 'no AI/HPC hosting leases by bitcoin miners on this day'),
  };
}

/** The defaults, as parsed from an empty override. */
export function defaultAssumptions(): Assumptions {
  return assumptionsSchema.parse({});
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(root)';
}

/**
 * Parses HASHBRIEF_ASSUMPTIONS_JSON (undefined or blank = all defaults). Throws AssumptionsError naming
 * each bad field path, e.g. `asicTiers[1].jPerTh: must be > 0`.
 */
export function parseAssumptions(json: string | undefined): Assumptions {
  if (json === undefined || json.trim() === '') return defaultAssumptions();
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    throw new AssumptionsError('HASHBRIEF_ASSUMPTIONS_JSON is not valid JSON', { cause: error });
  }
  const parsed = assumptionsSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((k) => `${formatPath([...issue.path, k])}: unknown key`).join('; ');
    }
    return `${formatPath(issue.path)}: ${issue.message}`;
  });
  throw new AssumptionsError(`Invalid HASHBRIEF_ASSUMPTIONS_JSON: ${problems.join('; ')}`, {
    cause: parsed.error,
  });
}
