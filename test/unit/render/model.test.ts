import { describe, expect, it } from 'vitest';
import { buildIssueModel } from '../../../src/render/model';
import { fixtureFooter, fixtureLinks, fixtureSnapshot } from '../../fixtures/render/fixture';

function model(mutate: (s: ReturnType<typeof fixtureSnapshot>) => void = () => {}) {
  const snapshot = fixtureSnapshot();
  mutate(snapshot);
  return buildIssueModel({ snapshot, links: fixtureLinks, footer: fixtureFooter });
}

describe('buildIssueModel', () => {
  it('puts the lead story and the 7-day hashprice, labelled as one, in the subject', () => {
    // Act
    const m = model();

    // Assess
    expect(m.subject).toBe(
      'Hashprice at a record low: $27.27/PH/day (7-day avg), \u22126.1% w/w \u2014 hashbrief 2026-11-23',
    );
    expect(m.headline).toBe(
      'Hashprice $27.27/PH/day (7-day average), \u22126.1% w/w; latest day $25.91/PH/day',
    );
    expect(m.preheader).toContain('BTC $61,842 (\u22124.8% w/w)');
    expect(m.preheader).toContain('2 alerts');
    expect(m.sampleNotice).toBeNull();
  });

  it('puts another lead story first and keeps the hashprice after it', () => {
    const m = model((s) => {
      s.narrative.unshift({
        story: 'halving',
        headline: 'Halving: subsidy now 1.5625 BTC',
        text: 'The halving on 20 November 2026 cut the subsidy.',
        metricKeys: ['halving.previousDate'],
      });
    });
    expect(m.subject).toBe(
      'Halving: subsidy now 1.5625 BTC; hashprice $27.27/PH/day (7-day avg) \u2014 hashbrief 2026-11-23',
    );
  });

  it('labels sample data in subject, preheader and banner', () => {
    // Act
    const m = model((s) => {
      s.sample = true;
    });

    // Assess
    expect(m.subject.startsWith('[SAMPLE DATA, not live] ')).toBe(true);
    expect(m.preheader.startsWith('[SAMPLE DATA, not live] ')).toBe(true);
    expect(m.sampleNotice).toMatch(/SAMPLE DATA, not live/);
  });

  it('falls back to the price when hashprice is unavailable', () => {
    // Act
    const m = model((s) => {
      s.metrics.hashprice.usdPerPhDay = null;
    });

    // Assess
    expect(m.headline).toBe('BTC $61,842, \u22124.8% w/w; no hashprice this week');
  });

  it('leaves null metrics out of the tables and says once, plainly, what is missing', () => {
    // Act
    const m = model((s) => {
      s.metrics.revenue.feeSharePct7d = null;
    });
    const json = JSON.stringify(m);

    // Assess
    const keyFigures = m.sections.find((s) => s.id === 'key-figures');
    const figures = keyFigures?.blocks[0]?.kind === 'figures' ? keyFigures.blocks[0].figures : [];
    expect(figures.some((f) => f.label.startsWith('Fees, share'))).toBe(false);
    expect(figures.some((f) => f.label.startsWith('Next difficulty'))).toBe(false);
    const said = keyFigures?.blocks.find((b) => b.kind === 'paragraphs');
    expect(said?.kind === 'paragraphs' && said.paragraphs).toContain(
      'Not available for this issue: the fee share and the next difficulty estimate.',
    );
    expect(json).not.toMatch(/NaN|Infinity|unavailable/);
  });

  it('names sources as a reader knows them and says once why one failed', () => {
    // Act
    const m = model();

    // Assess
    const sources = m.sections.find((s) => s.id === 'sources');
    const table = sources?.blocks.find((b) => b.kind === 'table');
    expect(table?.kind === 'table' && table.rows.map((r) => r.cells.slice(0, 2))).toEqual([
      ['Coin Metrics daily network data', 'received'],
      ['mempool.space mining pools (7 days)', 'received'],
      ['mempool.space difficulty adjustment', 'failed'],
      ['mempool.space difficulty history', 'received'],
    ]);
    const notes = sources?.blocks.find((b) => b.kind === 'notes');
    const text = notes?.kind === 'notes' ? notes.notes.join('\n') : '';
    expect(text).toMatch(/^mempool\.space difficulty adjustment failed \(HTTP 503/);
    expect(text).toContain('so the next adjustment is estimated here from block times.');
    expect(JSON.stringify(m)).not.toMatch(/mempool-difficulty-adjustment|coinmetrics-asset-metrics/);
  });

  it('labels each double-spend row once, with the share', () => {
    const m = model();
    const table = m.sections
      .find((s) => s.id === 'network-security')
      ?.blocks.find((b) => b.kind === 'table' && b.caption.startsWith('Double-spend'));
    const labels = table?.kind === 'table' ? table.rows.map((r) => r.cells[0]) : [];
    expect(labels.length).toBeGreaterThan(0);
    for (const label of labels) expect(label).not.toMatch(/attacker \(/);
  });

  it('drops links that are not http(s)', () => {
    // Act
    const m = buildIssueModel({
      snapshot: fixtureSnapshot(),
      links: { ...fixtureLinks, issueUrl: 'javascript:alert(1)', subscribeUrl: 'data:text/html,x' },
      footer: fixtureFooter,
    });

    // Assess
    expect(m.links.issueUrl).toBeNull();
    expect(m.links.subscribeUrl).toBeNull();
    expect(m.links.csvUrl).toBe(fixtureLinks.csvUrl);
  });

  it('orders alerts by severity, critical first', () => {
    const alerts = model().sections[0]?.blocks.find((b) => b.kind === 'alerts');
    expect(alerts?.kind === 'alerts' && alerts.alerts.map((a) => a.severity)).toEqual([
      'critical',
      'warning',
    ]);
  });
});

describe('miner economics wording', () => {
  const intro = (underwater: boolean[]) => {
    const m = model((s) => {
      s.metrics.miners.breakeven = underwater.map((u, i) => ({
        model: `M${i}`,
        jPerTh: 15 + i,
        breakevenUsdPerKwh: 0.05,
        underwater: u,
      }));
    });
    const section = m.sections.find((s) => s.id === 'miner-economics');
    const first = section?.blocks[0];
    return first?.kind === 'paragraphs' ? first.paragraphs.join(' ') : '';
  };

  it('counts machine types with the right words for none, some and all', () => {
    expect(intro([false, false, false])).toContain(
      'none of the 3 modelled machine types is underwater: each earns more than its power costs.',
    );
    expect(intro([false, true, false])).toContain(
      '1 of 3 modelled machine types is underwater: its power costs more than it earns.',
    );
    expect(intro([true, true, false])).toContain('2 of 3 modelled machine types are underwater');
    expect(intro([true, true, true])).toContain('all 3 modelled machine types are underwater');
  });
});
