/**
 * Key figures: everything a weekly mining desk reports, each label true of its value: the closing price,
 * USD and BTC hashprice (7-day) and the latest day, 7-day hashrate, revenue and rewards, fee share, blocks
 * and block time, the last difficulty adjustment and the next estimate with its caveat.
 */
import type { Snapshot } from '../../snapshot/schema';
import { longDate } from '../../text/dates';
import {
  btc,
  hashpriceBtc,
  hashpriceUsd,
  hashrateEhs,
  minutesSeconds,
  num,
  pct,
  pctAbs,
  pctChange,
  usd,
  usdCompact,
} from '../../text/numbers';
import { change } from '../format';
import type { Block, Section } from '../model';
import { type MaybeFigure, maybe, missingSentence, presentFigures } from './missing';

/** `+6.0% on 1 October 2025`, `at least +1.2% on 20 April 2024`. */
function lastAdjustment(d: Snapshot['metrics']['difficulty']): string | null {
  if (d.lastAdjustmentPct === null || d.lastAdjustmentDate === null) return null;
  return `${d.lastAdjustmentAtLeast ? 'at least ' : ''}${pctChange(d.lastAdjustmentPct)} on ${longDate(d.lastAdjustmentDate)}`;
}

/** `−3.1%, around 12 July 2025`. */
function nextAdjustment(d: Snapshot['metrics']['difficulty']): string | null {
  if (d.nextAdjustmentPct === null) return null;
  return `${pctChange(d.nextAdjustmentPct)}${d.nextAdjustmentDate === null ? '' : `, around ${longDate(d.nextAdjustmentDate)}`}`;
}

/** The caveat that goes with the estimate: how much of the epoch it rests on and what luck can do. */
function nextAdjustmentCaveat(d: Snapshot['metrics']['difficulty']): string | null {
  if (d.nextAdjustmentPct === null || d.epochProgressPct === null || d.nextAdjustmentMarginPct === null)
    return null;
  const source =
    d.nextAdjustmentSource === 'mempool' ? 'The mempool.space estimate' : 'The block-time estimate';
  const early = d.nextAdjustmentEarly ? ', early in the epoch,' : '';
  return `${source} for the next difficulty adjustment rests on ${pct(d.epochProgressPct, 0)} of the epoch's blocks${early}; block luck alone could move it by ±${pctAbs(d.nextAdjustmentMarginPct)}.`;
}

export function keyFiguresSection(s: Snapshot): Section {
  const m = s.metrics;
  const prev = m.pools.previousWeek;
  const topPoolChange =
    prev && prev.topPoolSharePct !== null && m.pools.topPoolSharePct !== null
      ? change(m.pools.topPoolSharePct - prev.topPoolSharePct, 'pp')
      : null;
  const rewards =
    m.revenue.btcTotal7d === null
      ? null
      : `${btc(m.revenue.btcTotal7d)}${m.revenue.usdTotal7d === null ? '' : ` (${usdCompact(m.revenue.usdTotal7d)})`}`;
  const blocks =
    m.blocks.count7d === null
      ? null
      : `${num(m.blocks.count7d)}${m.blocks.meanIntervalSeconds7d === null ? '' : `, one every ${minutesSeconds(m.blocks.meanIntervalSeconds7d)}`}`;
  const candidates: MaybeFigure[] = [
    {
      label: `BTC price, close of ${s.asOf}`,
      value: maybe(m.price.usd, (v) => usd(v)),
      change: change(m.price.change7dPct),
      missingAs: 'the price',
    },
    {
      label: 'Hashprice, 7-day average',
      value: maybe(m.hashprice.usdPerPhDay, hashpriceUsd),
      change: change(m.hashprice.change7dPct),
      missingAs: 'hashprice',
    },
    {
      label: 'Hashprice in BTC, 7-day average',
      value: maybe(m.hashprice.btcPerPhDay, hashpriceBtc),
      change: change(m.hashprice.btcChange7dPct),
      missingAs: 'hashprice in BTC',
    },
    {
      label: `Hashprice on ${s.asOf} alone`,
      value: maybe(m.hashprice.spotUsdPerPhDay, hashpriceUsd),
      change: null,
      missingAs: "the latest day's hashprice",
    },
    {
      label: 'Hashrate, 7-day average',
      value: maybe(m.hashrate.ehs7d, hashrateEhs),
      change: change(m.hashrate.change7dPct),
      missingAs: 'the hashrate',
    },
    {
      label: 'Miner revenue per day, 7-day average',
      value: maybe(m.revenue.usdPerDay7d, usdCompact),
      change: change(m.revenue.change7dPct),
      missingAs: 'miner revenue',
    },
    { label: 'Miner rewards over the 7 days', value: rewards, change: null, missingAs: "the week's rewards" },
    {
      label: 'Fees, share of rewards over the 7 days',
      value: maybe(m.revenue.feeSharePct7d, (v) => pct(v)),
      change: null,
      missingAs: 'the fee share',
    },
    { label: 'Blocks over the 7 days', value: blocks, change: null, missingAs: 'block counts' },
    {
      label: 'Last difficulty adjustment',
      value: lastAdjustment(m.difficulty),
      change: null,
      missingAs: 'the last difficulty adjustment',
    },
    {
      label: 'Next difficulty adjustment (estimate)',
      value: nextAdjustment(m.difficulty),
      change: null,
      missingAs: 'the next difficulty estimate',
    },
    {
      label: "Largest pool's share of the week's blocks",
      value: maybe(m.pools.topPoolSharePct, (v) => pct(v)),
      change: topPoolChange,
      missingAs: 'pool shares',
    },
  ];
  const { figures, missing } = presentFigures(candidates);
  const blocksOut: Block[] = [
    {
      kind: 'figures',
      caption: 'Key figures, with the change from 7 days earlier',
      changeLabel: 'w/w',
      figures,
    },
  ];
  const notes = [nextAdjustmentCaveat(m.difficulty), missingSentence(missing)].filter(
    (t): t is string => t !== null,
  );
  if (notes.length) blocksOut.push({ kind: 'paragraphs', paragraphs: notes });
  return { id: 'key-figures', title: 'Key figures', blocks: blocksOut };
}
