import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { PersonalData } from '../../../src/contracts/stored-email';
import {
  machineNumbers,
  usdPerMwh,
  usdPerTh,
  yourNumbers,
  yourNumbersHtml,
  yourNumbersText,
} from '../../../src/delivery/personal-numbers';
import { breakevenUsdPerKwh } from '../../../src/metrics/miners';
import { personalDataOf } from '../../../src/render/render-issue';
import { fixtureSnapshot } from '../../fixtures/render/fixture';

const S21 = { id: 'antminer-s21', model: 'Antminer S21', jPerTh: 17.5 };
const S19 = { id: 'antminer-s19', model: 'Antminer S19', jPerTh: 34.5 };
const DATA: PersonalData = { asOf: '2026-11-23', hashpriceUsdPerPhDay: 45, machines: [S21, S19] };

describe('your numbers, worked out per reader', () => {
  it('gives margin per TH/day and per MWh, breakeven hashprice and underwater, by plain arithmetic', () => {
    // At $45/PH/day and $0.06/kWh: an S21 (17.5 J/TH) earns 0.045 and pays 0.024 × 17.5 × 0.06 = 0.0252
    // per TH/day; per MWh it earns 45 ÷ 0.42 = 107.14 and pays 60; it breaks even at 24 × 17.5 × 0.06.
    const s21 = machineNumbers(S21, 45, 0.06);
    const s19 = machineNumbers(S19, 45, 0.06);

    expect(s21.marginUsdPerThDay).toBeCloseTo(0.0198, 10);
    expect(s21.marginUsdPerMwh).toBeCloseTo(45 / 0.42 - 60, 10);
    expect(s21.breakevenUsdPerPhDay).toBeCloseTo(25.2, 10);
    expect(s21.underwater).toBe(false);
    expect(s19.marginUsdPerThDay).toBeCloseTo(0.045 - 0.04968, 10);
    expect(s19.breakevenUsdPerPhDay).toBeCloseTo(49.68, 10);
    expect(s19.underwater).toBe(true);
  });

  it('agrees with the issue on which machines are underwater at the issue’s own power price', () => {
    const snapshot = fixtureSnapshot();
    const { breakeven, powerPriceUsdPerKwh } = snapshot.metrics.miners;

    const numbers = yourNumbers(personalDataOf(snapshot), { powerPriceUsdPerKwh, fleet: [] });

    expect(numbers?.rows.map((r) => r.underwater)).toEqual(breakeven.map((t) => t.underwater));
    for (const row of numbers?.rows ?? []) {
      const hp = snapshot.metrics.hashprice.usdPerPhDay ?? 0;
      // The breakeven hashprice at P is the hashprice whose breakeven power price is P.
      expect(breakevenUsdPerKwh(row.breakevenUsdPerPhDay, row.machine.jPerTh)).toBeCloseTo(
        powerPriceUsdPerKwh,
        12,
      );
      expect(row.underwater).toBe(breakevenUsdPerKwh(hp, row.machine.jPerTh) < powerPriceUsdPerKwh);
    }
  });

  it('uses the reader’s fleet (machine ids and J/TH values) and gives the most efficient one’s breakeven', () => {
    const numbers = yourNumbers(DATA, { powerPriceUsdPerKwh: 0.05, fleet: ['antminer-s19-xp', 30] });

    expect(numbers?.modelledFleet).toBe(false);
    expect(numbers?.rows.map((r) => [r.machine.model, r.machine.jPerTh])).toEqual([
      ['Antminer S19 XP', 21.5],
      ['Your machine at 30 J/TH', 30],
    ]);
    expect(numbers?.breakeven?.machine.jPerTh).toBe(21.5);
    expect(numbers?.breakeven?.breakevenUsdPerPhDay).toBeCloseTo(24 * 21.5 * 0.05, 10);
  });

  it('falls back to the issue’s machines, and says so, when none of the fleet is known', () => {
    const numbers = yourNumbers(DATA, { powerPriceUsdPerKwh: 0.05, fleet: ['retired-model'] });

    expect(numbers?.modelledFleet).toBe(true);
    expect(numbers?.rows.map((r) => r.machine.id)).toEqual(['antminer-s21', 'antminer-s19']);
    expect(yourNumbersText(numbers)).toContain('None of your machines is in this issue’s list');
  });

  it('gives no block at all to a reader without a power price', () => {
    const numbers = yourNumbers(DATA, { powerPriceUsdPerKwh: null, fleet: ['antminer-s21'] });

    expect(numbers).toBeNull();
    expect(yourNumbersHtml(numbers)).toBe('');
    expect(yourNumbersText(numbers)).toBe('');
  });

  it('says the numbers cannot be worked out when the issue has no hashprice, instead of printing zeros', () => {
    const numbers = yourNumbers(
      { ...DATA, hashpriceUsdPerPhDay: null },
      { powerPriceUsdPerKwh: 0.05, fleet: [] },
    );

    expect(yourNumbersText(numbers)).toContain('This issue has no hashprice');
    expect(yourNumbersHtml(numbers)).not.toMatch(/\$0\.0000|NaN/);
  });

  it('writes the block for both parts: a table in html, wrapped lines in text, underwater machines named', () => {
    const numbers = yourNumbers(DATA, { powerPriceUsdPerKwh: 0.06, fleet: [] });

    const html = yourNumbersHtml(numbers);
    const text = yourNumbersText(numbers);
    const flowed = text.replace(/\n {2}/g, ' ').replace(/([^\n])\n(?=[^\n-])/g, '$1 ');

    expect(html).toContain(
      '<h2 style="margin:0 0 10px;font-size:18px;line-height:1.3;color:#0f2540;">Your numbers</h2>',
    );
    expect(html).toContain('At your power price of $0.06/kWh and this week&#39;s hashprice of $45.00/PH/day');
    expect(html).toContain('>$0.0198<');
    expect(html).toContain('>\u2212$0.0047<');
    expect(html).toContain('>$25.20/PH/day<');
    expect(flowed).toContain(
      '- Antminer S19 (34.5 J/TH): UNDERWATER, margin \u2212$0.0047 per TH/day, \u2212$6 per MWh; breakeven hashprice $49.68/PH/day',
    );
    expect(flowed).toContain('Underwater at your price: Antminer S19.');
    expect(flowed).toContain(
      'Your breakeven hashprice: $25.20/PH/day (most efficient machine listed: Antminer S21 (17.5 J/TH))',
    );
    expect(text.startsWith('Your numbers\n------------\n\n')).toBe(true);
    expect(text.split('\n').every((line) => [...line].length <= 72)).toBe(true);
  });

  it('formats small and negative amounts with their sign and enough digits', () => {
    expect(usdPerTh(0.01984)).toBe('$0.0198');
    expect(usdPerTh(-0.00468)).toBe('\u2212$0.0047');
    expect(usdPerMwh(1234.4)).toBe('$1,234');
    expect(usdPerMwh(-5.65)).toBe('\u2212$6');
  });

  it('imports nothing heavy, so the sender can work it out for every reader', () => {
    const source = readFileSync(
      new URL('../../../src/delivery/personal-numbers.ts', import.meta.url),
      'utf8',
    );
    // Type-only imports (the stored email's shape) are erased: only the others reach the bundle.
    const imports = [...source.matchAll(/^import (?!type )[^;]*from '([^']+)'/gm)].map((m) => m[1]);

    expect(imports.sort()).toEqual([
      '../metrics/machines',
      '../text/escape',
      '../text/numbers',
      '../text/wrap',
    ]);
  });
});
