/**
 * Economic assumptions behind the derived metrics: the ASIC fleet, the power price, the AI/HPC hosting
 * rate, the ASIC price for the capex attack, the stress scenario, alert thresholds and double-spend
 * attacker shares. Every field has a default with its source note (`.describe`), and operators override
 * any subset with HASHBRIEF_ASSUMPTIONS_JSON. Unknown keys are rejected so a typo never silently falls
 * back to a default.
 */
import { z } from 'zod';
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

/** Default fleet: one tier per generation still hashing in 2025–2026. */
export const DEFAULT_ASIC_TIERS = [
  {
    model: 'Antminer S21 XP',
    jPerTh: 13.5,
    note: 'Bitmain spec sheet: 270 TH/s at 3645 W (air), 13.5 J/TH',
  },
  {
    model: 'Antminer S21',
    jPerTh: 17.5,
    note: 'Bitmain spec sheet: 200 TH/s at 3500 W, 17.5 J/TH (S21 Pro: 15 J/TH)',
  },
  {
    model: 'Antminer S19 XP',
    jPerTh: 21.5,
    note: 'Bitmain spec sheet: 140 TH/s at 3010 W, 21.5 J/TH',
  },
  {
    model: 'Antminer S19j Pro',
    jPerTh: 29.5,
    note: 'Bitmain spec sheet: 100 TH/s at 2950 W, 29.5 J/TH',
  },
] as const;

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
    .default(() => DEFAULT_ASIC_TIERS.map((t) => ({ ...t })))
    .describe('ASIC fleet tiers, J/TH at the wall from manufacturer spec sheets'),
  powerPriceUsdPerKwh: positive
    .default(0.06)
    .describe(
      'All-in power price, USD/kWh. 0.06 is a common mid-range figure for industrial US miners (public miners report roughly 0.03–0.08).',
    ),
  aiHostingUsdPerMwh: positive
    .default(140)
    .describe(
      'AI/HPC colocation revenue per MWh of power. Basis: announced hosting deals of roughly USD 1.0–1.5M per MW of critical IT load per year; 1.2M ÷ 8760 h ≈ 137 USD/MWh, rounded to 140.',
    ),
  asicPriceUsdPerTh: positive
    .default(15)
    .describe(
      'New-generation ASIC price, USD per TH/s (hashrate-index style market quotes for S21-class units, ~USD 15/TH).',
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
