import { describe, expect, it } from 'vitest';
import { nextPayoutDate } from './payout-schedule.js';

const at = (iso: string) => Date.parse(iso);

describe('nextPayoutDate', () => {
  it('monthly: the 1st of next month, never today', () => {
    expect(nextPayoutDate('monthly', at('2026-11-24T12:00:00Z'), 'UTC')).toBe('2026-12-01');
    expect(nextPayoutDate('monthly', at('2026-12-01T00:30:00Z'), 'UTC')).toBe('2027-01-01');
    expect(nextPayoutDate('monthly', at('2026-12-31T10:00:00Z'), 'UTC')).toBe('2027-01-01');
  });
  it('biweekly: the next 1st or 15th', () => {
    expect(nextPayoutDate('biweekly', at('2026-11-03T12:00:00Z'), 'UTC')).toBe('2026-11-15');
    expect(nextPayoutDate('biweekly', at('2026-11-14T12:00:00Z'), 'UTC')).toBe('2026-11-15');
    expect(nextPayoutDate('biweekly', at('2026-11-15T12:00:00Z'), 'UTC')).toBe('2026-12-01');
  });
  it('weekly: the next Monday', () => {
    // 2026-11-24 is a Tuesday; 2026-11-30 a Monday.
    expect(nextPayoutDate('weekly', at('2026-11-24T12:00:00Z'), 'UTC')).toBe('2026-11-30');
    expect(nextPayoutDate('weekly', at('2026-11-30T12:00:00Z'), 'UTC')).toBe('2026-12-07');
    expect(nextPayoutDate('weekly', at('2026-11-29T12:00:00Z'), 'UTC')).toBe('2026-11-30');
  });
  it('uses the local day of the timezone', () => {
    // 23:30 UTC on Nov 30 is already Dec 1 in Berlin.
    expect(nextPayoutDate('monthly', at('2026-11-30T23:30:00Z'), 'Europe/Berlin')).toBe('2027-01-01');
    expect(nextPayoutDate('monthly', at('2026-11-30T23:30:00Z'), 'UTC')).toBe('2026-12-01');
  });
});
