/**
 * Miner economics: where hashprice stands in history, revenue per MWh and breakeven for each modelled
 * machine type (the efficiency bands a desk reports), and mining against an assumed AI/HPC lease.
 */
import type { Snapshot } from '../../snapshot/schema';
import { longDate, sinceWording } from '../../text/dates';
import { hashpriceBtc, hashpriceUsd, num, pct, pctChange, perKwh, usd } from '../../text/numbers';
import { figureColumns } from '../columns';
import type { Block, Section } from '../model';
import { missingSentence } from './missing';

/** "a record low", "its lowest since March 2025", "in the lowest 8% of the last year", or null. */
function standing(hp: Snapshot['metrics']['hashprice']): string | null {
  if (hp.recordLow === true) return 'a record low';
  if (hp.lowestSince !== null && hp.lowestSinceDays !== null) {
    const since = sinceWording(hp.lowestSince, hp.lowestSinceDays);
    if (since) return `its lowest ${since.text}`;
  }
  if (hp.percentile1y !== null && hp.percentile1y <= 25) {
    return `lower than on ${pct(100 - hp.percentile1y, 0)} of the days in the last year`;
  }
  if (hp.percentile1y !== null && hp.percentile1y >= 75) {
    return `higher than on ${pct(hp.percentile1y, 0)} of the days in the last year`;
  }
  return null;
}

export function minerSection(s: Snapshot): Section {
  const m = s.metrics;
  const hp = m.hashprice;
  const mi = m.miners;
  const ai: number | null = mi.aiHostingUsdPerMwh;
  const missing: string[] = [];
  const intro: string[] = [];
  if (hp.usdPerPhDay !== null) {
    const stand = standing(hp);
    intro.push(
      `Hashprice averaged ${hashpriceUsd(hp.usdPerPhDay)} over the 7 days${hp.btcPerPhDay === null ? '' : ` (${hashpriceBtc(hp.btcPerPhDay)})`}${stand ? `, ${stand}` : ''}.`,
    );
    if (hp.low52wUsdPerPhDay !== null && hp.high52wUsdPerPhDay !== null) {
      intro.push(
        `52-week range: ${hashpriceUsd(hp.low52wUsdPerPhDay)} to ${hashpriceUsd(hp.high52wUsdPerPhDay)}.`,
      );
    }
  } else missing.push('hashprice and every figure built on it');
  const known = mi.breakeven.filter((t) => t.underwater !== null);
  if (known.length > 0) {
    const under = known.filter((t) => t.underwater === true).length;
    const total = known.length;
    const count =
      under === 0
        ? `none of the ${total} modelled machine types is underwater: each earns more than its power costs`
        : under === total
          ? `all ${total} modelled machine types are underwater: their power costs more than they earn`
          : `${under} of ${total} modelled machine types ${under === 1 ? 'is underwater: its power costs more than it earns' : 'are underwater: their power costs more than they earn'}`;
    intro.push(`At an assumed power price of ${perKwh(mi.powerPriceUsdPerKwh)}, ${count}.`);
  }
  if (mi.breakeven.length === 0) {
    intro.push(
      `No machine economics for ${longDate(s.asOf)}: the network then ran on GPUs and FPGAs, with no spec sheet to model.`,
    );
  } else if (mi.fleetBasis === 'dated') {
    intro.push(
      `Modelled machines (assumed): the newest generation shipping on ${longDate(s.asOf)} and the two before it.`,
    );
  }
  const blocks: Block[] = [{ kind: 'paragraphs', paragraphs: intro }];
  if (hp.usdPerPhDay !== null) {
    blocks.push({
      kind: 'chart',
      chart: 'price-hashprice',
      alt: `Line chart, up to the last 12 months: BTC price (left axis) and 7-day hashprice in USD per PH per day (right axis). Latest: price ${usd(m.price.usd, 0)}, hashprice ${hashpriceUsd(hp.usdPerPhDay)}.`,
      caption: 'BTC price and 7-day hashprice',
    });
  }
  if (known.length > 0) {
    blocks.push(
      {
        kind: 'table',
        caption: `Revenue per MWh and breakeven power price by machine type (assumed power price ${perKwh(mi.powerPriceUsdPerKwh)})`,
        columns: figureColumns('Machine', 'J/TH', 'Revenue per MWh', 'Breakeven', 'Status'),
        rows: known.map((t) => ({
          cells: [
            t.availableFrom ? `${t.model} (${t.availableFrom.slice(0, 4)})` : t.model,
            num(t.jPerTh, 1),
            usd((t.breakevenUsdPerKwh ?? 0) * 1000, 0),
            perKwh(t.breakevenUsdPerKwh),
            t.underwater ? 'underwater' : 'profitable',
          ],
          tone: t.underwater ? 'bad' : 'good',
        })),
      },
      {
        kind: 'chart',
        chart: 'breakeven',
        alt: `Bar chart: breakeven power price in USD per kWh for ${known.length} modelled machine types, against the assumed power price of ${perKwh(mi.powerPriceUsdPerKwh)}.`,
        caption: 'Breakeven by machine type vs the assumed power price',
      },
    );
  }
  if (mi.miningRevenueUsdPerMwh !== null && ai !== null) {
    blocks.push({
      kind: 'table',
      caption: 'Mining vs AI/HPC hosting, revenue per MWh',
      columns: figureColumns('Use of a megawatt-hour', 'USD/MWh'),
      rows: [
        { cells: ['Mining, most efficient machine', usd(mi.miningRevenueUsdPerMwh, 0)] },
        { cells: ['AI/HPC hosting lease (assumed)', usd(ai, 0)] },
        ...(mi.aiPremiumPct === null
          ? []
          : [
              {
                cells: ['AI/HPC premium over mining', pctChange(mi.aiPremiumPct, 0)],
                tone: 'neutral' as const,
              },
            ]),
      ],
    });
  } else if (ai === null) {
    blocks.push({
      kind: 'paragraphs',
      paragraphs: [
        `No AI/HPC comparison: hosting leases for bitcoin mining sites were not on offer as of ${longDate(s.asOf)}.`,
      ],
    });
  }
  const sentence = missingSentence(missing);
  if (sentence) blocks.push({ kind: 'paragraphs', paragraphs: [sentence] });
  return { id: 'miner-economics', title: 'Miner economics', blocks };
}
