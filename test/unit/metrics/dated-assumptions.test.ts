import { describe, expect, it } from 'vitest';
import {
  AI_HOSTING_USD_PER_MWH,
  ASIC_GENERATIONS,
  ASIC_PRICE_USD_PER_TH,
  fleetOn,
  valueOn,
} from '../../../src/metrics/assumption-tables';
import { assumptionsOn, defaultAssumptions, parseAssumptions } from '../../../src/metrics/assumptions';

const models = (day: string) => fleetOn(day).map((g) => g.model);

describe('dated ASIC fleet', () => {
  it('is the newest generation shipping on the day and the two before it, newest first', () => {
    expect(models('2017-06-30')).toEqual(['Antminer S9', 'Antminer S7', 'Antminer S5']);
    expect(models('2020-03-13')).toEqual(['Antminer S17', 'Antminer S15', 'Antminer S9']);
    expect(models('2023-06-01')).toEqual(['Antminer S19 XP', 'Antminer S19', 'Antminer S17']);
    expect(models('2025-11-22')).toEqual(['Antminer S21 XP Hydro', 'Antminer S21 XP', 'Antminer S21']);
  });

  it('switches generation on the first-shipment day, not before', () => {
    expect(models('2016-05-31')[0]).toBe('Antminer S7');
    expect(models('2016-06-01')[0]).toBe('Antminer S9');
  });

  it('has fewer tiers in the first ASIC year and none before the first ASIC shipped', () => {
    expect(models('2013-06-01')).toEqual(['Avalon (batch 1)']);
    expect(models('2013-01-30')).toEqual([]);
  });

  it('lists generations in shipping order, each more efficient than the last, with a spec note', () => {
    for (let k = 1; k < ASIC_GENERATIONS.length; k++) {
      const [prev, next] = [ASIC_GENERATIONS[k - 1], ASIC_GENERATIONS[k]];
      expect((prev?.availableFrom as string) < (next?.availableFrom as string), next?.model).toBe(true);
      expect((prev?.jPerTh as number) > (next?.jPerTh as number), next?.model).toBe(true);
      expect(next?.note, next?.model).toMatch(/\d/);
    }
  });
});

describe('dated ASIC price and AI/HPC rate', () => {
  it('has no AI/HPC rate before the first miner lease (June 2024), then the leases’ rate', () => {
    expect(valueOn(AI_HOSTING_USD_PER_MWH, '2024-06-02')?.value).toBeNull();
    expect(valueOn(AI_HOSTING_USD_PER_MWH, '2024-06-03')?.value).toBe(166);
    expect(valueOn(AI_HOSTING_USD_PER_MWH, '2025-11-22')?.value).toBe(190);
  });

  it('matches the stated basis: USD per MW-year of critical IT ÷ 8760 h', () => {
    // Core Scientific–CoreWeave: $3.5 billion ÷ 12 years ÷ 200 MW ÷ 8760 h = $166.5/MWh.
    expect(Math.floor(3.5e9 / 12 / 200 / 8760)).toBe(166);
    // 2025: midpoint of $1.45–1.85 million per MW-year ÷ 8760 h = $188, rounded to 190.
    expect(Math.round((1.45e6 + 1.85e6) / 2 / 8760 / 10) * 10).toBe(190);
    // Within the published 2025–26 range of roughly $160–210 per MWh of IT load.
    for (const row of AI_HOSTING_USD_PER_MWH) {
      if (row.value !== null) {
        expect(row.value).toBeGreaterThanOrEqual(160);
        expect(row.value).toBeLessThanOrEqual(210);
      }
    }
  });

  it('prices ASICs from mid-2016 only, at the level of the newest machines', () => {
    expect(valueOn(ASIC_PRICE_USD_PER_TH, '2015-06-01')?.value).toBeNull();
    expect(valueOn(ASIC_PRICE_USD_PER_TH, '2017-06-30')?.value).toBe(150);
    expect(valueOn(ASIC_PRICE_USD_PER_TH, '2020-05-11')?.value).toBe(22);
    expect(valueOn(ASIC_PRICE_USD_PER_TH, '2025-11-22')?.value).toBe(15);
    for (const row of [...ASIC_PRICE_USD_PER_TH, ...AI_HOSTING_USD_PER_MWH])
      expect(row.note.length).toBeGreaterThan(20);
  });
});

describe('assumptionsOn', () => {
  it('resolves the dated defaults with their basis', () => {
    const a = assumptionsOn(defaultAssumptions(), '2020-03-13');
    expect(a.fleetBasis).toBe('dated');
    expect(a.asicTiers.map((t) => [t.model, t.availableFrom])).toEqual([
      ['Antminer S17', '2019-04-01'],
      ['Antminer S15', '2018-12-01'],
      ['Antminer S9', '2016-06-01'],
    ]);
    expect(a.aiHostingUsdPerMwh).toBeNull();
    expect(a.aiHostingBasis).toMatch(/before June 2024/);
    expect(a.asicPriceUsdPerTh).toBe(40);
    expect(a.fleetUnavailableReason).toBeNull();
  });

  it('says why there is no fleet before the first ASIC', () => {
    const a = assumptionsOn(defaultAssumptions(), '2011-06-01');
    expect(a.asicTiers).toEqual([]);
    expect(a.fleetUnavailableReason).toMatch(/no ASIC fleet is modelled before 2013-01-31.*GPUs and FPGAs/);
    expect(a.asicPriceUsdPerTh).toBeNull();
  });

  it('has no ASIC price or AI rate, each with its reason, for a day before the tables begin', () => {
    // The dated tables start on the genesis day, 2009-01-03: no row is in force the day before.
    const a = assumptionsOn(defaultAssumptions(), '2009-01-02');
    expect(a.asicPriceUsdPerTh).toBeNull();
    expect(a.asicPriceBasis).toBe('no ASIC price is modelled for this day');
    expect(a.aiHostingUsdPerMwh).toBeNull();
    expect(a.aiHostingBasis).toBe('no AI/HPC hosting leases by bitcoin miners on this day');
  });

  it('keeps a configured fleet, ASIC price and AI rate for every day', () => {
    const configured = parseAssumptions(
      JSON.stringify({
        asicTiers: [{ model: 'My S19j Pro', jPerTh: 29.5 }],
        asicPriceUsdPerTh: 12,
        aiHostingUsdPerMwh: 150,
      }),
    );
    for (const day of ['2011-06-01', '2017-06-30', '2025-11-22']) {
      const a = assumptionsOn(configured, day);
      expect(a.fleetBasis).toBe('configured');
      expect(a.asicTiers).toEqual([{ model: 'My S19j Pro', jPerTh: 29.5 }]);
      expect(a.asicPriceUsdPerTh).toBe(12);
      expect(a.aiHostingUsdPerMwh).toBe(150);
      expect(a.aiHostingBasis).toMatch(/configured/);
    }
  });

  it('gives each dated figure the note of the table row in force, and a configured one its source', () => {
    for (const day of ['2015-06-01', '2020-03-13', '2025-11-22']) {
      const a = assumptionsOn(defaultAssumptions(), day);
      const price = valueOn(ASIC_PRICE_USD_PER_TH, day);
      const ai = valueOn(AI_HOSTING_USD_PER_MWH, day);
      expect(a.asicPriceUsdPerTh).toBe(price?.value);
      expect(a.asicPriceBasis).toBe(price?.note);
      expect(a.aiHostingUsdPerMwh).toBe(ai?.value);
      expect(a.aiHostingBasis).toBe(ai?.note);
    }
    expect(assumptionsOn(defaultAssumptions(), '2015-06-01').asicPriceBasis).toMatch(
      /^no ASIC price is modelled/,
    );
    expect(assumptionsOn(defaultAssumptions(), '2025-11-22').aiHostingUsdPerMwh).toBe(190);

    const configured = assumptionsOn(
      parseAssumptions('{"asicPriceUsdPerTh":12,"aiHostingUsdPerMwh":150}'),
      '2025-11-22',
    );
    expect(configured.asicPriceBasis).toBe('configured in HASHBRIEF_ASSUMPTIONS_JSON');
    expect(configured.aiHostingBasis).toBe('configured in HASHBRIEF_ASSUMPTIONS_JSON');
  });

  it('turns the AI/HPC comparison off when the rate is configured as null', () => {
    const a = assumptionsOn(parseAssumptions('{"aiHostingUsdPerMwh":null}'), '2025-11-22');
    expect(a.aiHostingUsdPerMwh).toBeNull();
    expect(a.aiHostingBasis).toMatch(/turned off/);
  });

  it('names the field of a bad override', () => {
    expect(() => parseAssumptions('{"aiHostingUsdPerMwh":-5}')).toThrow('aiHostingUsdPerMwh: must be > 0');
    expect(() => parseAssumptions('{"asicPriceUsdPerTh":0}')).toThrow('asicPriceUsdPerTh: must be > 0');
    expect(() => parseAssumptions('{"asicTiers":[]}')).toThrow('asicTiers: must list at least one tier');
  });
});
