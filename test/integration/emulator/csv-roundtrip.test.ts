import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { datasetFromCsv } from '../../../src/emulator/dataset';
import { type RunningEmulator, startEmulator } from '../../../src/emulator/server';

const REAL_CSV = path.resolve(import.meta.dirname, '../../../../shared/data/coinmetrics/btc.csv');
const FIXTURE_CSV = path.resolve(import.meta.dirname, '../../fixtures/emulator/tiny-btc.csv');
const hasRealCsv = existsSync(REAL_CSV);
if (!hasRealCsv) {
  console.warn(`csv-roundtrip: ${REAL_CSV} is absent, so the real-data round trip is not run`);
}

const pageSchema = z.object({
  data: z.array(z.object({ time: z.string(), asset: z.literal('btc') }).catchall(z.string().nullable())),
  next_page_url: z.string().optional(),
});

/** Fetches every row, paging as the community CSV generator does (page_size 10000, from the start). */
async function fetchAll(
  emulator: RunningEmulator,
  metrics: string[],
): Promise<Map<string, Record<string, string | null>>> {
  const rows = new Map<string, Record<string, string | null>>();
  let url: string | undefined =
    `${emulator.coinMetricsUrl}/timeseries/asset-metrics?assets=btc&metrics=${metrics.join(',')}` +
    '&frequency=1d&page_size=10000&paging_from=start';
  while (url) {
    const page = pageSchema.parse(await (await fetch(url)).json());
    for (const { time, asset: _asset, ...values } of page.data) rows.set(time.split('T')[0] ?? time, values);
    url = page.next_page_url;
  }
  return rows;
}

/** Every field the file holds for the requested columns, as strings: [day, column, value]. */
function fileFields(text: string, metrics: string[]): [string, string, string][] {
  const [headerLine = '', ...lines] = text.split('\n');
  const header = headerLine.split(',');
  const fields: [string, string, string][] = [];
  for (const line of lines) {
    if (line === '') continue;
    const cells = line.split(',');
    for (const metric of metrics) {
      const value = cells[header.indexOf(metric)] ?? '';
      if (value !== '') fields.push([cells[0] ?? '', metric, value]);
    }
  }
  return fields;
}

async function roundTrip(file: string) {
  const text = await readFile(file, 'utf8');
  const metrics = (text.split('\n')[0] ?? '')
    .split(',')
    .slice(1)
    .filter((m) => m !== 'ExtraColumn');
  const emulator = await startEmulator({ dataset: await datasetFromCsv(file) });
  try {
    return { served: await fetchAll(emulator, metrics), expected: fileFields(text, metrics), metrics };
  } finally {
    await emulator.close();
  }
}

describe('Coin Metrics CSV served through the emulator', () => {
  it('reproduces every field of a small CSV byte for byte, with null for gaps', async () => {
    const { served, expected } = await roundTrip(FIXTURE_CSV);
    for (const [day, metric, value] of expected) expect(served.get(day)?.[metric]).toBe(value);
    expect(served.get('2020-01-02')?.PriceUSD).toBeNull();
    expect(served.has('2020-01-03')).toBe(false); // no value at all that day
    expect(served.get('2020-01-01')?.HashRate).toBe('100000000.123456789012345678901234567890');
  });

  describe('the shared btc.csv', () => {
    let result: Awaited<ReturnType<typeof roundTrip>>;
    beforeAll(async () => {
      if (hasRealCsv) result = await roundTrip(REAL_CSV);
    });

    it.runIf(hasRealCsv)('serves every row and value exactly as the file writes it', async () => {
      const mismatches = result.expected.filter(
        ([day, metric, value]) => result.served.get(day)?.[metric] !== value,
      );
      expect(mismatches.slice(0, 5)).toEqual([]);
      const days = new Set(result.expected.map(([day]) => day));
      expect(result.served.size).toBe(days.size);
      expect(result.served.size).toBeGreaterThan(6000);
      // and nothing the file leaves empty is invented
      let nonNull = 0;
      for (const values of result.served.values())
        nonNull += Object.values(values).filter((v) => v !== null).length;
      expect(nonNull).toBe(result.expected.length);
    });
  });
});
