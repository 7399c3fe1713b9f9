/** "This week": the narrative's stories, lead first, then the alerts that newly tripped. */
import type { Snapshot } from '../../snapshot/schema';
import type { Section } from '../model';

function severityRank(severity: 'info' | 'warning' | 'critical'): number {
  return severity === 'critical' ? 2 : severity === 'warning' ? 1 : 0;
}

export function headlineSection(s: Snapshot): Section {
  const paragraphs = s.narrative.map((n) => n.text);
  return {
    id: 'headline',
    title: 'This week',
    blocks: [
      {
        kind: 'paragraphs',
        paragraphs: paragraphs.length
          ? paragraphs
          : ['The market and network data for this week did not arrive, so there is no story to tell.'],
      },
      ...(s.alerts.length
        ? [
            {
              kind: 'alerts' as const,
              alerts: [...s.alerts]
                .sort((a, b) => severityRank(b.severity) - severityRank(a.severity))
                .map((a) => ({ severity: a.severity, message: a.message })),
            },
          ]
        : []),
    ],
  };
}
