import { describe, expect, it } from 'vitest';
import { buildIssueModel } from '../../../src/render/model';
import { fixtureFooter, fixtureLinks, fixtureSnapshot } from '../../fixtures/render/fixture';

function model(mutate: (s: ReturnType<typeof fixtureSnapshot>) => void = () => {}) {
  const snapshot = fixtureSnapshot();
  mutate(snapshot);
  return buildIssueModel({ snapshot, links: fixtureLinks, footer: fixtureFooter });
}

describe('buildIssueModel', () => {
  it('puts the headline hashprice and its weekly change in the subject', () => {
    // Act
    const m = model();

    // Assess
    expect(m.subject).toBe('Hashprice $27.3/PH/day, \u22126.1% w/w \u2014 hashbrief 2026-11-23');
    expect(m.preheader).toContain('BTC $61,842 (\u22124.8% w/w)');
    expect(m.preheader).toContain('2 alerts');
    expect(m.sampleNotice).toBeNull();
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
    expect(m.subject).toBe('BTC $61,842, \u22124.8% w/w; hashprice unavailable \u2014 hashbrief 2026-11-23');
  });

  it('shows null metrics as "unavailable", never 0 or NaN', () => {
    // Act
    const m = model((s) => {
      s.metrics.revenue.feeSharePct7d = null;
    });
    const json = JSON.stringify(m);

    // Assess
    const keyFigures = m.sections.find((s) => s.id === 'key-figures');
    const figures = keyFigures?.blocks[0]?.kind === 'figures' ? keyFigures.blocks[0].figures : [];
    expect(figures.find((f) => f.label === 'Fee share of revenue')?.value).toBe('unavailable');
    expect(figures.find((f) => f.label === 'Next difficulty adjustment')?.value).toBe('unavailable');
    expect(json).not.toMatch(/NaN|Infinity/);
  });

  it('says plainly which sources failed and why', () => {
    // Act
    const m = model();

    // Assess
    const notes = m.sections.find((s) => s.id === 'sources')?.blocks.find((b) => b.kind === 'notes');
    expect(notes?.kind === 'notes' && notes.notes.join('\n')).toContain(
      'mempool difficulty-adjustment failed: HTTP 503',
    );
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
