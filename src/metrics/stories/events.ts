/** Event stories: a halving within two weeks either side, and a fee spike in the week. */
import { longDate, weekday } from '../../text/dates';
import { btc, hashpriceUsd, num, pct, pctAbs, pctChange } from '../../text/numbers';
import type { Story, StoryBuilder } from './types';

/** Halvings are told from this many days before to this many after. */
export const HALVING_STORY_DAYS = 14;

/** "Halving within a day", "Halving in about a day", "Halving in about 14 days". */
export function halvingCountdown(blocks: number): string {
  const days = Math.round(blocks / 144);
  return days === 0
    ? 'Halving within a day'
    : days === 1
      ? 'Halving in about a day'
      : `Halving in about ${days} days`;
}

/** Before a halving: the countdown and what it would do to hashprice at this week's fees. */
function halvingAhead(m: Parameters<StoryBuilder>[0]): Story | null {
  const h = m.halving;
  if (
    h.blocksToHalving === null ||
    h.estimatedDate === null ||
    h.currentSubsidyBtc === null ||
    h.nextSubsidyBtc === null
  ) {
    return null;
  }
  if (h.blocksToHalving > HALVING_STORY_DAYS * 144) return null;
  const keys = [
    'halving.blocksToHalving',
    'halving.estimatedDate',
    'halving.currentSubsidyBtc',
    'halving.nextSubsidyBtc',
  ];
  let text = `The halving is ${h.heightSource === 'block-counts' ? 'about ' : ''}${num(h.blocksToHalving)} blocks away (around ${longDate(h.estimatedDate)}): the subsidy drops from ${btc(h.currentSubsidyBtc)} to ${btc(h.nextSubsidyBtc)} per block.`;
  if (
    h.projectedHashpriceUsdPerPhDay !== null &&
    h.projectedHashpriceChangePct !== null &&
    h.currentFeesPerBlockBtc !== null
  ) {
    text += ` At this week's fees (${btc(h.currentFeesPerBlockBtc)} per block) and with price and hashrate unchanged, hashprice would fall ${pctAbs(h.projectedHashpriceChangePct)} to ${hashpriceUsd(h.projectedHashpriceUsdPerPhDay)}.`;
    keys.push(
      'halving.currentFeesPerBlockBtc',
      'halving.projectedHashpriceChangePct',
      'halving.projectedHashpriceUsdPerPhDay',
    );
  }
  return {
    story: 'halving',
    score: 92,
    headline: halvingCountdown(h.blocksToHalving),
    text,
    metricKeys: keys,
  };
}

/** After a halving: the cut in revenue, the step in hashprice, and the fees that would make up for it. */
function halvingBehind(m: Parameters<StoryBuilder>[0]): Story | null {
  const h = m.halving;
  const a = h.afterPrevious;
  if (
    h.previousDate === null ||
    h.daysSincePrevious === null ||
    a === null ||
    h.daysSincePrevious > HALVING_STORY_DAYS
  ) {
    return null;
  }
  const keys = ['halving.previousDate', 'halving.afterPrevious'];
  let text = `The halving on ${longDate(h.previousDate)} cut the subsidy from ${btc(a.subsidyBeforeBtc)} to ${btc(a.subsidyAfterBtc)} per block.`;
  const measured = a.revenueBtcPerBlockAfter !== null && a.daysMeasured > 0;
  if (measured && a.revenueBtcPerBlockAfter !== null) {
    const cut = (a.revenueBtcPerBlockAfter / a.revenueBtcPerBlockBefore - 1) * 100;
    const when = a.daysMeasured === 1 ? 'On its first full day' : `Over the ${a.daysMeasured} days after it`;
    text += ` ${when}, miners earned ${btc(a.revenueBtcPerBlockAfter)} per block, against ${btc(a.revenueBtcPerBlockBefore)} in the week before (${pctChange(cut)})`;
    if (a.hashpriceBeforeUsdPerPhDay !== null && a.hashpriceAfterUsdPerPhDay !== null) {
      text += `, and hashprice went from ${hashpriceUsd(a.hashpriceBeforeUsdPerPhDay)} to ${hashpriceUsd(a.hashpriceAfterUsdPerPhDay)}`;
    }
    text += '.';
  } else {
    text += ` Miners earned ${btc(a.revenueBtcPerBlockBefore)} per block in the week before; the first full day after it is in next week's figures.`;
  }
  text += ` Fees would have to average ${btc(a.feesPerBlockToOffsetBtc)} per block to make up for the cut`;
  text +=
    measured && a.feesPerBlockAfterBtc !== null ? `; they averaged ${btc(a.feesPerBlockAfterBtc)}.` : '.';
  return {
    story: 'halving',
    score: h.daysSincePrevious <= 6 ? 98 : 90,
    headline: `Halving: subsidy now ${btc(a.subsidyAfterBtc)}`,
    text,
    metricKeys: keys,
  };
}

/** A halving from 14 days before to 14 days after. */
export const halvingStory: StoryBuilder = (m) => halvingBehind(m) ?? halvingAhead(m);

/** A fee day far above the 90-day norm, named. */
export const feeSpikeStory: StoryBuilder = (m): Story | null => {
  const f = m.fees;
  if (
    f.spike !== true ||
    f.peakDay === null ||
    f.peakDaySharePct === null ||
    f.peakDayBtcPerBlock === null ||
    f.norm90dBtcPerBlock === null ||
    f.peakMultipleOfNorm === null
  ) {
    return null;
  }
  const multiple = f.peakMultipleOfNorm;
  return {
    story: 'fee-spike',
    score: 60 + Math.min(30, multiple * 2),
    headline: `Fee spike: ${pct(f.peakDaySharePct, 0)} of revenue on ${longDate(f.peakDay)}`,
    text: `Fees spiked on ${weekday(f.peakDay)} ${longDate(f.peakDay)}: ${pct(f.peakDaySharePct)} of miners' revenue that day, ${btc(f.peakDayBtcPerBlock)} per block, ${num(multiple, multiple >= 10 ? 0 : 1)} times the 90-day median of ${btc(f.norm90dBtcPerBlock)}.`,
    metricKeys: [
      'fees.peakDay',
      'fees.peakDaySharePct',
      'fees.peakDayBtcPerBlock',
      'fees.norm90dBtcPerBlock',
      'fees.peakMultipleOfNorm',
    ],
  };
};
