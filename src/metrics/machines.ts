/**
 * The machines a reader can name in their fleet: every ASIC generation of the dated tables, by an id made
 * from its model name (`Antminer S21 XP` → `antminer-s21-xp`), or any efficiency in J/TH. Dependency-free
 * (the sender resolves fleets when it personalises an email).
 */
import { ASIC_GENERATIONS } from './assumption-tables';

/** A fleet entry as stored: a machine id, or an efficiency in J/TH at the wall. */
export type FleetEntry = string | number;

/** A machine with its efficiency, as the personal numbers use it. */
export interface Machine {
  id: string;
  model: string;
  jPerTh: number;
}

/** The id of a model name: lower case, runs of anything but letters and digits as one `-`. */
export function machineId(model: string): string {
  return model
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** Every named machine, oldest generation first. */
export const MACHINES: readonly Machine[] = ASIC_GENERATIONS.map((g) => ({
  id: machineId(g.model),
  model: g.model,
  jPerTh: g.jPerTh,
}));

/** Most machines one reader's fleet may list. */
export const MAX_FLEET = 12;
/** Highest efficiency accepted, J/TH: above any ASIC ever shipped (the first one drew about 9,400). */
export const MAX_J_PER_TH = 20_000;

/** A fleet that cannot be used, naming the entry. */
export class FleetError extends Error {
  override name = 'FleetError';
}

/** The machine a fleet entry stands for; a J/TH value becomes "Your machine at N J/TH". */
export function resolveFleetEntry(entry: FleetEntry, extra: readonly Machine[] = []): Machine | null {
  if (typeof entry === 'number') {
    if (!Number.isFinite(entry) || entry <= 0 || entry > MAX_J_PER_TH) return null;
    return { id: String(entry), model: `Your machine at ${entry} J/TH`, jPerTh: entry };
  }
  return MACHINES.find((m) => m.id === entry) ?? extra.find((m) => m.id === entry) ?? null;
}

/**
 * Parses `antminer-s21,antminer-s19-xp,25` (ids or J/TH values, comma-separated; spaces and `;` also
 * separate). Throws FleetError naming an unknown id or a bad value, with the known ids.
 */
export function parseFleet(text: string): FleetEntry[] {
  const parts = text
    .split(/[,;\s]+/)
    .map((p) => p.trim().toLowerCase())
    .filter((p) => p !== '');
  if (parts.length > MAX_FLEET) throw new FleetError(`a fleet lists at most ${MAX_FLEET} machines`);
  const entries: FleetEntry[] = [];
  for (const part of parts) {
    if (/^[0-9]+(\.[0-9]+)?$/.test(part)) {
      const value = Number(part);
      if (value <= 0 || value > MAX_J_PER_TH) {
        throw new FleetError(`fleet: ${part} J/TH is out of range (0 to ${MAX_J_PER_TH})`);
      }
      entries.push(value);
      continue;
    }
    if (!MACHINES.some((m) => m.id === part)) {
      throw new FleetError(
        `fleet: unknown machine "${part.slice(0, 40)}"; use a J/TH value or one of ${MACHINES.map((m) => m.id).join(', ')}`,
      );
    }
    entries.push(part);
  }
  return [...new Set(entries)];
}

/** A fleet as one line: ids and J/TH values, comma-separated (the form `parseFleet` reads). */
export function formatFleet(fleet: readonly FleetEntry[]): string {
  return fleet.map(String).join(',');
}
