import { describe, expect, it } from 'vitest';
import { latestDue, periodContaining, periodLabel } from './digest-schedule.js';
import { parseDate } from './period.js';

const utc = (s: string) => Date.parse(s);

describe('digest schedule', () => {
  it('weekly on Monday 09:00 Berlin covers the previous Mon..Sun, in winter and in summer', () => {
    const winter = latestDue({ cadence: 'weekly', hour: 9, weekday: 1 }, 'Europe/Berlin', utc('2026-11-30T08:00:00Z'));
    expect(winter.sendAt).toBe(utc('2026-11-30T08:00:00Z'));
    expect(winter.period.start).toBe('2026-11-23');
    expect(winter.period.end).toBe('2026-11-29');
    const summer = latestDue({ cadence: 'weekly', hour: 9, weekday: 1 }, 'Europe/Berlin', utc('2026-06-01T07:00:00Z'));
    expect(summer.sendAt).toBe(utc('2026-06-01T07:00:00Z'));
    expect(summer.period.start).toBe('2026-05-25');
  });

  it('an hour early gives the digest before', () => {
    const d = latestDue({ cadence: 'weekly', hour: 9, weekday: 1 }, 'Europe/Berlin', utc('2026-11-30T07:59:00Z'));
    expect(d.period.start).toBe('2026-11-16');
  });

  it('daily covers the previous local day; monthly the previous month', () => {
    const d = latestDue({ cadence: 'daily', hour: 8, weekday: 1 }, 'America/New_York', utc('2026-11-02T13:00:00Z'));
    expect(d.period.start).toBe('2026-11-01');
    expect(d.period.to - d.period.from).toBe(25 * 3_600_000); // the day the clocks went back
    const m = latestDue({ cadence: 'monthly', hour: 9, weekday: 1 }, 'UTC', utc('2026-12-03T10:00:00Z'));
    expect(m.period.start).toBe('2026-11-01');
    expect(m.period.end).toBe('2026-11-30');
    expect(periodLabel(m.period)).toBe('November 2026');
  });

  it('labels weeks across months and years', () => {
    const w = periodContaining('weekly', parseDate('2026-12-31') as never, 'UTC');
    expect(periodLabel(w)).toBe('28 Dec 2026 – 3 Jan 2027');
    expect(periodLabel(periodContaining('weekly', parseDate('2026-11-25') as never, 'UTC'))).toBe('23–29 Nov 2026');
    expect(periodLabel(periodContaining('daily', parseDate('2026-11-30') as never, 'UTC'))).toBe('Mon 30 Nov 2026');
  });
});
