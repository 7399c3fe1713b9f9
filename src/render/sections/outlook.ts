/** The halving and fee outlook, and the stress scenario beside what this cycle has done so far. */
import type { Snapshot } from '../../snapshot/schema';
import { longDate } from '../../text/dates';
import { btc, hashpriceUsd, num, pct, pctAbs, usdCompact } from '../../text/numbers';
import { figureColumns } from '../columns';
import type { Block, Section } from '../model';
import { maybe, missingSentence, presentRows } from './missing';

type Table = Extract<Block, { kind: 'table' }>;

/** Both outlook sections: their paragraphs, their table when it has rows, then what is missing. */
function outlookBlocks(paragraphs: string[], table: Table, missing: string[]): Block[] {
  const blocks: Block[] = [];
  if (paragraphs.length) blocks.push({ kind: 'paragraphs', paragraphs });
  if (table.rows.length) blocks.push(table);
  const sentence = missingSentence(missing);
  if (sentence) blocks.push({ kind: 'paragraphs', paragraphs: [sentence] });
  return blocks;
}

export function halvingSection(s: Snapshot): Section {
  const h = s.metrics.halving;
  const paragraphs: string[] = [];
  if (
    h.blocksToHalving !== null &&
    h.nextHalvingHeight !== null &&
    h.currentSubsidyBtc !== null &&
    h.nextSubsidyBtc !== null
  ) {
    paragraphs.push(
      `The next halving, at height ${num(h.nextHalvingHeight)}, is ${h.heightSource === 'block-counts' ? 'about ' : ''}${num(h.blocksToHalving)} blocks away${h.estimatedDate ? ` (around ${longDate(h.estimatedDate)} at 144 blocks a day)` : ''}. The subsidy then drops from ${btc(h.currentSubsidyBtc)} to ${btc(h.nextSubsidyBtc)} per block.`,
    );
  }
  if (h.projectedHashpriceUsdPerPhDay !== null && h.projectedHashpriceChangePct !== null) {
    paragraphs.push(
      `With this week's price, hashrate and fees, hashprice would fall ${pctAbs(h.projectedHashpriceChangePct)} to ${hashpriceUsd(h.projectedHashpriceUsdPerPhDay)} the day after.`,
    );
  }
  const { rows, missing } = presentRows([
    {
      cells: ['Current height', maybe(h.currentHeight, num)],
      missingAs: 'the block height',
    },
    {
      cells: ['Fee share of revenue', maybe(h.feeSharePct, pct)],
      missingAs: 'the fee share',
    },
    {
      cells: ['Fees per block now', maybe(h.currentFeesPerBlockBtc, btc)],
      missingAs: 'fees per block',
    },
    {
      cells: ['Fees per block that would make up for the halving', maybe(h.feesPerBlockNeededBtc, btc)],
      tone: 'neutral',
      missingAs: 'the fees needed after the halving',
    },
  ]);
  if (paragraphs.length === 0) missing.unshift('the halving countdown');
  const table: Table = {
    kind: 'table',
    caption: 'What fees would have to do',
    columns: figureColumns('Measure', 'Value'),
    rows,
  };
  return {
    id: 'halving',
    title: 'Halving and fee outlook',
    blocks: outlookBlocks(paragraphs, table, missing),
  };
}

/**
 * "This cycle so far", since the halving that opened it: the actual drawdowns of price and 7-day hashrate
 * from their peaks in the cycle, beside the assumed shocks.
 */
function cycleSoFar(s: Snapshot): string | null {
  const st = s.metrics.stress;
  const parts: string[] = [];
  const drop = (pct: number | null | undefined, peakDate: string | null | undefined, what: string) => {
    if (pct === null || pct === undefined || peakDate === null || peakDate === undefined) return;
    parts.push(
      pct > -0.05
        ? `${what} is at its peak of the cycle`
        : `${what} is ${pctAbs(pct)} below its peak of the cycle (${longDate(peakDate)})`,
    );
  };
  drop(st.cyclePriceDrawdownPct, st.cyclePricePeakDate, 'the price');
  drop(st.cycleHashrateDrawdownPct, st.cycleHashratePeakDate, 'the 7-day hashrate');
  if (parts.length === 0) return null;
  const since = st.cycleStartDate ? ` (since the halving of ${longDate(st.cycleStartDate)})` : '';
  return `This cycle so far${since}: ${parts.join(', and ')}.`;
}

export function stressSection(s: Snapshot): Section {
  const m = s.metrics;
  const st = m.stress;
  const underwater = st.breakeven.filter((t) => t.underwater === true).map((t) => t.model);
  const paragraphs: string[] = [];
  if (st.underwaterTiers !== null && st.tiersTotal > 0) {
    paragraphs.push(
      `Stress scenario (assumed, set in the configuration): if the price fell a further ${pct(st.priceDropPct, 0)} and hashrate ${pct(st.hashrateDropPct, 0)}, ${st.underwaterTiers} of ${st.tiersTotal} modelled machine types would be underwater${underwater.length ? ` (${underwater.join(', ')})` : ''}.`,
    );
  }
  const cycle = cycleSoFar(s);
  if (cycle) paragraphs.push(cycle);
  // One row per measure: its value today and under the stress scenario, worded by `format`.
  const row = (
    measure: string,
    today: number | null,
    stressed: number | null,
    format: (v: number) => string,
    missingAs: string,
  ) => ({ cells: [measure, maybe(today, format), maybe(stressed, format)], missingAs });
  const { rows, missing } = presentRows([
    row('Hashprice', m.hashprice.usdPerPhDay, st.hashpriceUsdPerPhDay, hashpriceUsd, 'hashprice'),
    row(
      'Security budget / day',
      m.security.budgetUsdPerDay,
      st.budgetUsdPerDay,
      usdCompact,
      'the security budget',
    ),
    row(
      'Attack cost / hour',
      m.security.attackCostUsdPerHour,
      st.attackCostUsdPerHour,
      usdCompact,
      'the attack cost',
    ),
    row(
      'Attack hardware',
      m.security.capexAttackHardwareUsd,
      st.capexAttackHardwareUsd,
      usdCompact,
      'the hardware cost',
    ),
  ]);
  const table: Table = {
    kind: 'table',
    caption: 'Today vs the stress scenario',
    columns: figureColumns('Measure', 'Today', 'Stressed'),
    rows,
  };
  return { id: 'stress', title: 'Stress scenario', blocks: outlookBlocks(paragraphs, table, missing) };
}
