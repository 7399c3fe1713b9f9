import { describe, expect, it } from 'vitest';
import { mailDayKey } from '../../src/alerts/mail-day';
import { runDayKey } from '../../src/archive/run-record';
import { addDays, dayOfInstant, dayOfUnixSeconds, daysBetween, isIsoDay } from '../../src/days';
import { sendMessageSchema } from '../../src/delivery/send-message';
import { snapshotSchema } from '../../src/snapshot/schema';
import { makeSnapshot } from '../fixtures/archive/issue';

describe('calendar days', () => {
  it.each([
    ['2024-02-29', true],
    ['2026-02-28', true],
    ['2026-02-29', false],
    ['2026-02-30', false],
    ['2026-13-01', false],
    ['2026-1-01', false],
    [' 2026-01-01', false],
  ])('%s is a calendar day: %s', (day, expected) => {
    expect(isIsoDay(day)).toBe(expected);
  });

  it('counts and shifts days across month, year and leap-day boundaries', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
    expect(daysBetween('2025-12-31', '2026-03-01')).toBe(60);
    expect(daysBetween('2026-03-01', '2025-12-31')).toBe(-60);
    expect(dayOfInstant('2026-11-23T23:59:59-01:00')).toBe('2026-11-24');
    expect(dayOfInstant('yesterday')).toBeNull();
  });

  it('takes the UTC day of a Unix time in seconds, not milliseconds', () => {
    // 1,700,000,000 s after 1970-01-01 is 2023-11-14 22:13:20 UTC; one second before midnight stays on the day.
    expect(dayOfUnixSeconds(1_700_000_000)).toBe('2023-11-14');
    expect(dayOfUnixSeconds(Date.parse('2023-11-15T00:00:00Z') / 1000 - 1)).toBe('2023-11-14');
  });

  it('refuses a day that does not exist wherever a day is stored or sent', () => {
    // Arrange
    const message = { v: 1, issueId: 'x', alertDay: '2026-02-30', recipients: [{ id: 'a'.repeat(64) }] };
    const snapshot = { ...makeSnapshot('2026-02-30', '2026-02-30') };

    // Act, Assert
    expect(() => runDayKey('2026-02-30', 'live')).toThrow(/not a day/);
    expect(() => mailDayKey('2026-02-30')).toThrow(/must be a calendar day written YYYY-MM-DD/);
    expect(sendMessageSchema.safeParse(message).success).toBe(false);
    expect(snapshotSchema.safeParse(snapshot).success).toBe(false);
  });
});
