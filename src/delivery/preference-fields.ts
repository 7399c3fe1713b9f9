/**
 * Reading and writing reader preferences as text: the CLI's flags (`--power-price`, `--fleet`) and the
 * columns of a subscriber import or export. Each problem names the field and never echoes an address.
 */
import { type FleetEntry, FleetError, formatFleet, parseFleet } from '../metrics/machines';
import { MAX_POWER_PRICE_USD_PER_KWH, MIN_POWER_PRICE_USD_PER_KWH, type Preferences } from './subscribers';

/** A preference value that cannot be used; `field` names the flag or column. */
export class PreferenceValueError extends Error {
  override name = 'PreferenceValueError';
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

/** A power price in USD/kWh (`0.06`, `$0.06`); throws PreferenceValueError naming `field`. */
export function parsePowerPrice(text: string, field = 'power price'): number {
  const raw = text.trim().replace(/^\$\s*/, '');
  const value = /^[0-9]*\.?[0-9]+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isFinite(value) || value < MIN_POWER_PRICE_USD_PER_KWH || value > MAX_POWER_PRICE_USD_PER_KWH) {
    throw new PreferenceValueError(
      field,
      `must be US dollars per kWh between ${MIN_POWER_PRICE_USD_PER_KWH} and ${MAX_POWER_PRICE_USD_PER_KWH}, such as 0.06`,
    );
  }
  return value;
}

/** A fleet list (`antminer-s21,25`); throws PreferenceValueError naming `field`. */
export function parseFleetField(text: string, field = 'fleet'): FleetEntry[] {
  try {
    return parseFleet(text);
  } catch (error) {
    if (error instanceof FleetError) {
      throw new PreferenceValueError(field, error.message.replace(/^fleet: /, ''));
    }
    throw error;
  }
}

/** yes/no, true/false, 1/0, on/off (any case); throws PreferenceValueError naming `field`. */
export function parseYesNo(text: string, field: string): boolean {
  const value = text.trim().toLowerCase();
  if (['yes', 'y', 'true', '1', 'on'].includes(value)) return true;
  if (['no', 'n', 'false', '0', 'off'].includes(value)) return false;
  throw new PreferenceValueError(field, 'must be yes or no');
}

/** The import columns that carry preferences, by the header names accepted for each. */
export const PREFERENCE_COLUMNS: Record<keyof Preferences, readonly string[]> = {
  weekly: ['weekly'],
  alerts: ['alerts'],
  powerPriceUsdPerKwh: ['powerpriceusdperkwh', 'power_price_usd_per_kwh', 'power_price', 'powerprice'],
  fleet: ['fleet'],
};

/**
 * The preferences one import row sets: only the columns present and non-empty (an empty cell leaves the
 * preference as it is, or at its default for a new subscriber).
 */
export function preferencesFromCells(cells: Readonly<Record<string, string>>): Partial<Preferences> {
  const out: Partial<Preferences> = {};
  const cell = (key: keyof Preferences): string | undefined => {
    for (const name of PREFERENCE_COLUMNS[key]) {
      const value = cells[name]?.trim();
      if (value) return value;
    }
    return undefined;
  };
  const weekly = cell('weekly');
  if (weekly !== undefined) out.weekly = parseYesNo(weekly, 'weekly');
  const alerts = cell('alerts');
  if (alerts !== undefined) out.alerts = parseYesNo(alerts, 'alerts');
  const price = cell('powerPriceUsdPerKwh');
  if (price !== undefined) out.powerPriceUsdPerKwh = parsePowerPrice(price, 'powerPriceUsdPerKwh');
  const fleet = cell('fleet');
  if (fleet !== undefined) out.fleet = parseFleetField(fleet);
  return out;
}

/** The export columns after address,status,source,createdAt,updatedAt. */
export const PREFERENCE_EXPORT_HEADER = ['weekly', 'alerts', 'powerPriceUsdPerKwh', 'fleet'] as const;

/** One subscriber's preference cells for the export (fleet `;`-separated, which import reads back). */
export function preferenceCells(p: Preferences): string[] {
  return [
    p.weekly ? 'yes' : 'no',
    p.alerts ? 'yes' : 'no',
    p.powerPriceUsdPerKwh === null ? '' : String(p.powerPriceUsdPerKwh),
    formatFleet(p.fleet).replace(/,/g, ';'),
  ];
}

/** Preferences in one short line for `subscribers list`: `weekly alerts $0.06/kWh fleet=…`. */
export function describePreferences(p: Preferences): string {
  return [
    p.weekly ? 'weekly' : 'no-weekly',
    p.alerts ? 'alerts' : 'no-alerts',
    ...(p.powerPriceUsdPerKwh === null ? [] : [`$${p.powerPriceUsdPerKwh}/kWh`]),
    ...(p.fleet.length === 0 ? [] : [`fleet=${formatFleet(p.fleet)}`]),
  ].join(' ');
}

/**
 * Splits one CSV line into cells (RFC 4180 quoting: `"a,b"` is one cell, `""` inside quotes is a quote).
 * Lines are split beforehand: a quoted cell spanning lines is not supported in imports.
 */
export function csvCells(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"' && cell.trim() === '') {
      quoted = true;
      cell = '';
    } else if (c === ',') {
      cells.push(cell.trim());
      cell = '';
    } else cell += c;
  }
  cells.push(cell.trim());
  return cells;
}
