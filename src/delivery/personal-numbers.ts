/**
 * "Your numbers": one reader's economics at their own power price, worked out per recipient at send time
 * from the issue's stored figures (the 7-day hashprice and the modelled machines, email.json `personal`)
 * with plain arithmetic, and substituted into the pre-rendered email like the unsubscribe link. MJML is
 * never run per recipient. The sender imports this: it stays dependency-free (no mjml, d3, resvg, zod).
 *
 * At a hashprice H (USD per PH/s per day) and a power price P (USD/kWh), a machine of E J/TH:
 * - earns H ÷ 1000 per TH/s per day and draws E W per TH/s, 24 × E Wh = 0.024 × E kWh a day, so its
 *   margin per TH/s per day is H ÷ 1000 − 0.024 × E × P;
 * - uses 0.024 × E MWh per PH/s per day, so it earns H ÷ (0.024 × E) per MWh and its margin per MWh is
 *   H ÷ (0.024 × E) − 1000 × P;
 * - breaks even at the hashprice 24 × E × P (margin 0); below it the machine is underwater.
 */

import type { PersonalData } from '../contracts/stored-email';
import { type FleetEntry, type Machine, resolveFleetEntry } from '../metrics/machines';
import { escapeHtml } from '../text/escape';
import { MINUS } from '../text/numbers';
import { wrap } from '../text/wrap';

/** What a reader chose (subscriber preferences). */
export interface PersonalChoices {
  powerPriceUsdPerKwh: number | null;
  fleet: readonly FleetEntry[];
}

/** One machine's numbers at the reader's price. */
export interface MachineNumbers {
  machine: Machine;
  marginUsdPerThDay: number;
  marginUsdPerMwh: number;
  breakevenUsdPerPhDay: number;
  underwater: boolean;
}

/** The reader's numbers, or null when they gave no power price. */
export interface YourNumbers {
  powerPriceUsdPerKwh: number;
  hashpriceUsdPerPhDay: number | null;
  rows: MachineNumbers[];
  /** The most efficient machine's breakeven hashprice: below it, every machine listed loses money. */
  breakeven: MachineNumbers | null;
  /** True when the rows are the issue's modelled fleet (the reader named no machine, or none we know). */
  modelledFleet: boolean;
  /** True when the reader named machines, none of which is known. */
  fleetUnknown: boolean;
}

/** Works one machine out (see the module comment). */
export function machineNumbers(
  machine: Machine,
  hashpriceUsdPerPhDay: number,
  powerUsdPerKwh: number,
): MachineNumbers {
  const e = machine.jPerTh;
  const marginUsdPerThDay = hashpriceUsdPerPhDay / 1000 - 0.024 * e * powerUsdPerKwh;
  const marginUsdPerMwh = hashpriceUsdPerPhDay / (0.024 * e) - 1000 * powerUsdPerKwh;
  const breakevenUsdPerPhDay = 24 * e * powerUsdPerKwh;
  return {
    machine,
    marginUsdPerThDay,
    marginUsdPerMwh,
    breakevenUsdPerPhDay,
    underwater: marginUsdPerThDay < 0,
  };
}

/** The reader's numbers from the issue's data and their choices; null without a power price. */
export function yourNumbers(data: PersonalData, choices: PersonalChoices): YourNumbers | null {
  const price = choices.powerPriceUsdPerKwh;
  if (price === null || !(price > 0)) return null;
  const named = choices.fleet
    .map((entry) => resolveFleetEntry(entry, data.machines))
    .filter((m): m is Machine => m !== null);
  const machines = named.length > 0 ? named : data.machines;
  const hp = data.hashpriceUsdPerPhDay;
  const rows = hp === null ? [] : machines.map((m) => machineNumbers(m, hp, price));
  const breakeven = rows.reduce<MachineNumbers | null>(
    (best, r) => (best === null || r.machine.jPerTh < best.machine.jPerTh ? r : best),
    null,
  );
  return {
    powerPriceUsdPerKwh: price,
    hashpriceUsdPerPhDay: hp,
    rows,
    breakeven,
    modelledFleet: named.length === 0,
    fleetUnknown: named.length === 0 && choices.fleet.length > 0,
  };
}

/**
 * `$1,234.56`: dollars with thousands separators, as src/text/numbers.ts writes them, without Intl (the
 * sender formats these for every recipient, and Intl formatting costs more than the rest of the block).
 */
function dollars(value: number, digits: number): string {
  const [whole = '0', fraction] = Math.abs(value).toFixed(digits).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `$${grouped}${fraction === undefined ? '' : `.${fraction}`}`;
}

/** A hashprice as the issue writes it: `$37.25/PH/day`. */
export function hashpriceUsd(value: number | null): string {
  return value === null ? 'unavailable' : `${value < 0 ? MINUS : ''}${dollars(value, 2)}/PH/day`;
}

/** `$0.0198` / `−$0.0050` per TH/s per day: four decimals, since a terahash earns cents. */
export function usdPerTh(value: number): string {
  const r = Number(value.toFixed(4));
  const text = `$${Math.abs(r).toFixed(4)}`;
  return r < 0 ? `${MINUS}${text}` : text;
}

/** `$117` / `−$24` per MWh: whole dollars with the sign. */
export function usdPerMwh(value: number): string {
  const r = Math.round(value);
  const text = dollars(r, 0);
  return r < 0 ? `${MINUS}${text}` : text;
}

/** `$0.06` at two decimals, more when the price needs them (`$0.045`). */
function powerPrice(value: number): string {
  const digits = Number(value.toFixed(2)) === value ? 2 : Math.min(4, `${value}`.split('.')[1]?.length ?? 3);
  return `$${value.toFixed(digits)}/kWh`;
}

/** `Antminer S21 (17.5 J/TH)`; a name that already gives its J/TH is left as it is. */
function label(machine: Machine): string {
  return /J\/TH/i.test(machine.model) ? machine.model : `${machine.model} (${machine.jPerTh} J/TH)`;
}

function intro(n: YourNumbers): string {
  return `At your power price of ${powerPrice(n.powerPriceUsdPerKwh)} and this week's hashprice of ${hashpriceUsd(n.hashpriceUsdPerPhDay)} (7-day average), after power alone:`;
}

function verdict(n: YourNumbers): string[] {
  const under = n.rows.filter((r) => r.underwater).map((r) => r.machine.model);
  const lines = [
    under.length === 0
      ? 'None of these machines is underwater at your price.'
      : under.length === n.rows.length
        ? `All ${n.rows.length === 1 ? 'of it is' : `${n.rows.length} are`} underwater at your price: ${under.join(', ')}.`
        : `Underwater at your price: ${under.join(', ')}.`,
  ];
  if (n.breakeven) {
    const b = n.breakeven;
    lines.push(
      `Your breakeven hashprice: ${hashpriceUsd(b.breakevenUsdPerPhDay)} (most efficient machine listed: ${label(b.machine)}); below it, every machine listed loses money on power.`,
    );
  }
  if (n.fleetUnknown) {
    lines.push('None of your machines is in this issue’s list, so these are the machines the issue models.');
  } else if (n.modelledFleet) lines.push('Machines: the ones this issue models.');
  lines.push('Power only: no pool fees, hosting, hardware or financing.');
  return lines;
}

const TH = 'padding:6px 4px;border-bottom:1px solid #e6e9ee;font-size:12px;color:#57606a;font-weight:600';
const TD = 'padding:6px 4px;border-bottom:1px solid #e6e9ee;vertical-align:top';

/** The HTML block for the email (inline styles, like the rest of it); '' without a power price. */
export function yourNumbersHtml(n: YourNumbers | null): string {
  if (n === null) return '';
  const head = `<div style="padding:14px 24px 6px;border-top:1px solid #e6e9ee;background:#ffffff"><h2 style="margin:0 0 10px;font-size:18px;line-height:1.3;color:#0f2540;">Your numbers</h2>`;
  if (n.hashpriceUsdPerPhDay === null || n.rows.length === 0) {
    return `${head}<p style="margin:0 0 10px">This issue has no hashprice, so your numbers at ${escapeHtml(powerPrice(n.powerPriceUsdPerKwh))} cannot be worked out this week.</p></div>`;
  }
  const right = 'text-align:right;white-space:nowrap';
  const rows = n.rows
    .map((r) => {
      const tone = r.underwater ? 'color:#b42318;' : 'color:#1a7f37;';
      return `<tr><td style="${TD}">${escapeHtml(label(r.machine))}</td><td style="${TD};${right};${tone}">${escapeHtml(usdPerTh(r.marginUsdPerThDay))}</td><td style="${TD};${right};${tone}">${escapeHtml(usdPerMwh(r.marginUsdPerMwh))}</td><td style="${TD};${right}">${escapeHtml(hashpriceUsd(r.breakevenUsdPerPhDay))}</td></tr>`;
    })
    .join('');
  const table = `<table role="presentation" cellpadding="0" cellspacing="0" style="width:100%;border-collapse:collapse;font-size:14px;line-height:1.4;margin:0 0 12px"><tr><th style="${TH};text-align:left">Machine</th><th style="${TH};${right}">Margin per TH/day</th><th style="${TH};${right}">Margin per MWh</th><th style="${TH};${right}">Breakeven hashprice</th></tr>${rows}</table>`;
  const after = verdict(n)
    .map((line) => `<p style="margin:0 0 8px">${escapeHtml(line)}</p>`)
    .join('');
  return `${head}<p style="margin:0 0 10px">${escapeHtml(intro(n))}</p>${table}${after}</div>`;
}

/**
 * The plain-text block (wrapped at 72 columns), ending with two blank lines, as it goes in front of the
 * first section's heading; '' without a power price.
 */
export function yourNumbersText(n: YourNumbers | null): string {
  if (n === null) return '';
  const lines = ['Your numbers', '------------', ''];
  if (n.hashpriceUsdPerPhDay === null || n.rows.length === 0) {
    lines.push(
      ...wrap(
        `This issue has no hashprice, so your numbers at ${powerPrice(n.powerPriceUsdPerKwh)} cannot be worked out this week.`,
      ),
    );
    return `${lines.join('\n')}\n\n\n`;
  }
  lines.push(...wrap(intro(n)), '');
  for (const r of n.rows) {
    lines.push(
      ...wrap(
        `- ${label(r.machine)}: ${r.underwater ? 'UNDERWATER, ' : ''}margin ${usdPerTh(r.marginUsdPerThDay)} per TH/day, ${usdPerMwh(r.marginUsdPerMwh)} per MWh; breakeven hashprice ${hashpriceUsd(r.breakevenUsdPerPhDay)}`,
        72,
        '  ',
      ),
    );
  }
  lines.push('');
  for (const line of verdict(n)) lines.push(...wrap(line));
  return `${lines.join('\n')}\n\n\n`;
}
