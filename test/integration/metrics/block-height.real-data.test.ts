/**
 * How good is a block height counted from Coin Metrics BlkCnt? Measured on the shared CSV (read at run
 * time, never copied into the repo). Each built-in anchor is predicted from the others (leave one out),
 * and from the genesis block alone; the errors are printed and must stay within a few blocks.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createBlockHeights, KNOWN_DAY_END_HEIGHTS } from '../../../src/metrics/block-height';
import { createMetricsHistory } from '../../../src/metrics/history';
import { seriesFromCsv } from '../../fixtures/metrics/builders';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const csvPath = path.resolve(repoRoot, '../shared/data/coinmetrics/btc.csv');
const present = existsSync(csvPath);
if (!present) console.warn(`block-height real-data tests skipped: ${csvPath} not found`);

/** Stated tolerance: a height counted from another anchor lands within this many blocks. */
const FEW_BLOCKS = 10;

describe('block heights counted from Coin Metrics BlkCnt', () => {
  const load = () => createMetricsHistory(seriesFromCsv(readFileSync(csvPath, 'utf8')));

  it.runIf(present)('predict each halving anchor from the earlier ones within a few blocks', () => {
    const history = load();
    const rows: string[] = [];
    for (const [k, target] of KNOWN_DAY_END_HEIGHTS.entries()) {
      if (k === 0) continue;
      const i = history.indexOf(target.day);
      const others = KNOWN_DAY_END_HEIGHTS.filter((_, j) => j !== k);
      const fromOthers = createBlockHeights(history, [], { sample: false, known: others }).at(i);
      const fromGenesis = createBlockHeights(history, [], {
        sample: false,
        known: KNOWN_DAY_END_HEIGHTS.slice(0, 1),
      }).at(i);
      const e1 = (fromOthers?.height as number) - target.height;
      const e2 = (fromGenesis?.height as number) - target.height;
      rows.push(
        `${target.day}: from previous anchor ${e1 >= 0 ? '+' : ''}${e1}, from genesis ${e2 >= 0 ? '+' : ''}${e2}`,
      );
      expect(Math.abs(e1), target.day).toBeLessThanOrEqual(FEW_BLOCKS);
      expect(Math.abs(e2), target.day).toBeLessThanOrEqual(FEW_BLOCKS);
    }
    console.info(
      `block-count height error at the end of the day before each halving:\n  ${rows.join('\n  ')}`,
    );
  });

  it.runIf(present)(
    'place the retarget before the 2024 halving on its day (block 838 656, 2024-04-10 21:17:33 UTC)',
    () => {
      const history = load();
      const heights = createBlockHeights(history, [], { sample: false });
      const day = history.indexOf('2024-04-10');
      const before = heights.at(day - 1)?.height as number;
      const end = heights.at(day)?.height as number;
      expect(before).toBeLessThan(838_656);
      expect(end).toBeGreaterThanOrEqual(838_656);
      // 21:17:33 is 0.887 of the day: of the day's other blocks, about 11% came after it.
      const blocks = history.column('BlkCnt')[day] as number;
      const expected = 838_656 + (blocks - 1) - Math.round((blocks - 1) * (76_653 / 86_400));
      console.info(`end of 2024-04-10: counted ${end}, expected from the retarget's time ${expected}`);
      expect(Math.abs(end - expected)).toBeLessThanOrEqual(FEW_BLOCKS);
    },
  );
});
