/**
 * Dated defaults for the economic assumptions: which ASIC generations were shipping on a day, what a
 * terahash of new hardware cost, and what AI/HPC hosting paid per MWh. A report for any day uses the rows
 * in force on that day, so a 2017 issue models 2017 machines and prices. Sources: docs/metrics.md
 * ("Assumptions by date"). All values are approximate and are reported as assumptions.
 */

/** One ASIC generation: its best-known air- or hydro-cooled model and its efficiency at the wall. */
export interface AsicGeneration {
  model: string;
  /** First customer shipments (month, as the 1st, when only the month is known), `YYYY-MM-DD`. */
  availableFrom: string;
  /** Joules per terahash at the wall, from the manufacturer's spec sheet. */
  jPerTh: number;
  note: string;
}

/**
 * Bitcoin ASIC generations, oldest first (Bitmain's line, which set the pace; MicroBT and Canaan models
 * of the same years are within a few J/TH). Before the first ASIC (Avalon, 2013-01-31) the network ran on
 * GPUs and FPGAs of widely varying efficiency and no spec sheet stands for it, so no fleet is modelled.
 */
export const ASIC_GENERATIONS: readonly AsicGeneration[] = [
  {
    model: 'Avalon (batch 1)',
    availableFrom: '2013-01-31',
    jPerTh: 9400,
    note: 'Avalon batch 1, the first ASIC miner shipped: 66 GH/s at about 620 W',
  },
  {
    model: 'Antminer S1',
    availableFrom: '2013-12-01',
    jPerTh: 2000,
    note: 'Bitmain spec: 180 GH/s at about 360 W',
  },
  {
    model: 'Antminer S3',
    availableFrom: '2014-07-01',
    jPerTh: 780,
    note: 'Bitmain spec: 441 GH/s at about 0.78 W per GH/s',
  },
  {
    model: 'Antminer S5',
    availableFrom: '2014-12-01',
    jPerTh: 510,
    note: 'Bitmain spec: 1155 GH/s at 590 W',
  },
  {
    model: 'Antminer S7',
    availableFrom: '2015-09-01',
    jPerTh: 273,
    note: 'Bitmain spec: 4.73 TH/s at 1293 W',
  },
  {
    model: 'Antminer S9',
    availableFrom: '2016-06-01',
    jPerTh: 98,
    note: 'Bitmain spec: 13.5 TH/s at 1323 W',
  },
  {
    model: 'Antminer S15',
    availableFrom: '2018-12-01',
    jPerTh: 57,
    note: 'Bitmain spec: 28 TH/s at 1596 W (first 7 nm generation)',
  },
  {
    model: 'Antminer S17',
    availableFrom: '2019-04-01',
    jPerTh: 45,
    note: 'Bitmain spec: 56 TH/s at 2520 W',
  },
  {
    model: 'Antminer S19',
    availableFrom: '2020-05-01',
    jPerTh: 34.5,
    note: 'Bitmain spec: 95 TH/s at 3250 W, 34.5 J/TH (S19 Pro 29.5 J/TH)',
  },
  {
    model: 'Antminer S19 XP',
    availableFrom: '2022-07-01',
    jPerTh: 21.5,
    note: 'Bitmain spec: 140 TH/s at 3010 W; first shipments Q3 2022',
  },
  {
    model: 'Antminer S21',
    availableFrom: '2024-01-01',
    jPerTh: 17.5,
    note: 'Bitmain spec: 200 TH/s at 3500 W; ordered from October 2023, delivered from January 2024',
  },
  {
    model: 'Antminer S21 XP',
    availableFrom: '2024-10-01',
    jPerTh: 13.5,
    note: 'Bitmain spec: 270 TH/s at 3645 W (air); shipping from late 2024',
  },
  {
    model: 'Antminer S21 XP Hydro',
    availableFrom: '2025-01-01',
    jPerTh: 12,
    note: 'Bitmain spec: 473 TH/s at 5676 W (hydro); shipping in volume in 2025',
  },
  {
    model: 'Antminer S23 Hydro',
    availableFrom: '2026-01-01',
    jPerTh: 9.5,
    note: 'Bitmain spec: 580 TH/s at 5510 W (hydro); announced late 2024, release scheduled for early 2026',
  },
];

/** How many generations an as-of day's fleet lists: the newest shipping and the two before it. */
export const FLEET_GENERATIONS = 3;

/** A value in force from `from` until the next row; null = no such figure existed then. */
export interface DatedValue {
  from: string;
  value: number | null;
  note: string;
}

/**
 * New-generation ASIC price, USD per TH/s, for the capex attack: the price of the newest machines when
 * they shipped, rounded. Before the S9 no price is modelled: 2013–2015 prices fell tenfold within months.
 */
export const ASIC_PRICE_USD_PER_TH: readonly DatedValue[] = [
  {
    from: '2009-01-03',
    value: null,
    note: 'no ASIC price is modelled before mid-2016: early ASIC prices fell tenfold within months',
  },
  { from: '2016-06-01', value: 150, note: 'Antminer S9 first batches, about $2,100 for 13.5–14 TH/s' },
  { from: '2019-04-01', value: 40, note: 'Antminer S17 generation at launch, about $2,000 for 50–56 TH/s' },
  { from: '2020-05-01', value: 22, note: 'Antminer S19 Pro at launch, $2,407 for 110 TH/s' },
  {
    from: '2021-01-01',
    value: 60,
    note: '2021 boom: orders at roughly $45–100 per TH/s (Riot, December 2021: S19 XP at about $80/TH)',
  },
  {
    from: '2022-07-01',
    value: 40,
    note: '2022 crash: S19-class prices falling from about $60 to $20 per TH/s',
  },
  { from: '2023-01-01', value: 20, note: '2023: S19 XP-class machines at about $20 per TH/s' },
  {
    from: '2023-10-01',
    value: 14,
    note: 'Antminer S21/T21 orders at about $14 per TH/s (Iris Energy, October and December 2023)',
  },
  { from: '2025-01-01', value: 15, note: 'S21-class market quotes, about $15 per TH/s' },
];

/**
 * AI/HPC hosting revenue per MWh of critical IT load: announced leases of bitcoin-mining sites to
 * AI/HPC tenants, contract value ÷ MW of critical IT ÷ years ÷ 8 760 h. Such leases started in June 2024;
 * before that there is nothing to compare mining with.
 */
export const AI_HOSTING_USD_PER_MWH: readonly DatedValue[] = [
  {
    from: '2009-01-03',
    value: null,
    note: 'no AI/HPC hosting leases by bitcoin miners before June 2024',
  },
  {
    from: '2024-06-03',
    value: 166,
    note: 'Core Scientific–CoreWeave (2024-06-03): about 200 MW of critical IT, about $3.5 billion over 12 years ≈ $1.46 million per MW-year ÷ 8,760 h',
  },
  {
    from: '2025-08-14',
    value: 190,
    note: 'leases of $1.45–1.85 million per MW-year of critical IT (Core Scientific–CoreWeave 2024; TeraWulf–Fluidstack 2025-08-14: over 200 MW, about $3.7 billion over 10 years); midpoint $1.65 million ÷ 8,760 h ≈ $188, rounded to 190',
  },
];

/** The row of `table` in force on `day` (the last row with `from` ≤ day), or null before the first. */
export function valueOn(table: readonly DatedValue[], day: string): DatedValue | null {
  let found: DatedValue | null = null;
  for (const row of table) if (row.from <= day) found = row;
  return found;
}

/** The fleet on `day`: the newest generation shipping by then and up to two before it, newest first. */
export function fleetOn(day: string): AsicGeneration[] {
  return ASIC_GENERATIONS.filter((g) => g.availableFrom <= day)
    .slice(-FLEET_GENERATIONS)
    .reverse();
}
