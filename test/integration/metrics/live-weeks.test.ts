/**
 * Weeks as the live weekly run would have seen them: the emulator serves the real history cut at the
 * as-of day (Coin Metrics plus the mempool.space state derived from it), fetched through the real sources
 * stage. On 2023-05-08 and 2025-10-06 the old rule raised a "difficulty drop" alert from an estimate made
 * early in the epoch; block luck alone moved such estimates by ±7% or more.
 */
import { describe, expect, it } from 'vitest';
import { defaultAssumptions } from '../../../src/metrics/assumptions';
import { candidateStories } from '../../../src/metrics/narrative';
import { buildSnapshot } from '../../../src/metrics/snapshot';
import { liveInputsAt, noteIfAbsent, realDataPresent } from '../../support/real-history';

noteIfAbsent('live-week tests');

describe.runIf(realDataPresent)('live weeks from real history', () => {
  it.each(['2023-05-08', '2025-10-06'])(
    '%s: an early-epoch forecast is told with its caveat and raises no alert',
    async (day) => {
      // Arrange
      const inputs = await liveInputsAt(day);
      expect(inputs.difficultyAdjustment.status).toBe('ok');

      // Act
      const { snapshot } = buildSnapshot(inputs, defaultAssumptions(), {
        issueId: day,
        generatedAt: `${day}T23:59:59Z`,
      });

      // Assert
      const d = snapshot.metrics.difficulty;
      expect(d.nextAdjustmentSource).toBe('mempool');
      expect(d.nextAdjustmentEarly).toBe(true);
      expect(d.nextAdjustmentMarginPct).toBeGreaterThan(5);
      expect(snapshot.alerts.map((a) => a.id)).not.toContain('difficulty-drop');
      const difficultyStory = candidateStories(snapshot.metrics, day).find((c) =>
        c.story.startsWith('difficulty'),
      );
      expect(difficultyStory?.text).toMatch(
        /early in the epoch \(\d+% of its blocks mined\).*block luck alone could move that by ±\d+\.\d%/i,
      );
    },
    60_000,
  );
});
