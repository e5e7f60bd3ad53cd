import { describe, expect, it } from 'vitest';
import { AppError } from './errors.js';
import {
  localDayKey,
  localHourKey,
  localTime,
  offsetAt,
  parseTimezone,
  resolvePeriod,
  startOfDay,
  zonedTimeToUtc,
} from './period.js';

const H = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();
// Tuesday 2026-11-24 15:00 UTC.
const NOW = Date.UTC(2026, 10, 24, 15, 0);

function errorOf(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an AppError');
}

describe('resolvePeriod', () => {
  it('today and yesterday are local days, half-open', () => {
    const t = resolvePeriod('today', 'UTC', NOW);
    expect(iso(t.from)).toBe('2026-11-24T00:00:00.000Z');
    expect(iso(t.to)).toBe('2026-11-25T00:00:00.000Z');
    expect(t.label).toBe('today (2026-11-24)');
    const y = resolvePeriod('Yesterday', 'Europe/Berlin', NOW);
    expect(iso(y.from)).toBe('2026-11-22T23:00:00.000Z');
    expect(iso(y.to)).toBe('2026-11-23T23:00:00.000Z');
    expect(y.fromDate).toBe('2026-11-23');
  });

  it('"today" depends on the zone: 23:30 UTC is already tomorrow in Berlin', () => {
    const late = Date.UTC(2026, 10, 24, 23, 30);
    expect(resolvePeriod('today', 'UTC', late).fromDate).toBe('2026-11-24');
    expect(resolvePeriod('today', 'Europe/Berlin', late).fromDate).toBe('2026-11-25');
    expect(resolvePeriod('today', 'America/Los_Angeles', late).fromDate).toBe('2026-11-24');
  });

  it('7d, 30d and last N days end today, today included', () => {
    const p = resolvePeriod('7d', 'UTC', NOW);
    expect([p.fromDate, p.toDate]).toEqual(['2026-11-18', '2026-11-24']);
    expect(p.to - p.from).toBe(7 * 24 * H);
    expect(resolvePeriod('last 30 days', 'UTC', NOW).fromDate).toBe('2026-10-26');
    expect(resolvePeriod('30d', 'UTC', NOW).fromDate).toBe('2026-10-26');
  });

  it('mtd, last week (Monday to Sunday) and last month', () => {
    expect(resolvePeriod('mtd', 'UTC', NOW)).toMatchObject({ fromDate: '2026-11-01', toDate: '2026-11-24' });
    expect(resolvePeriod('last week', 'UTC', NOW)).toMatchObject({ fromDate: '2026-11-16', toDate: '2026-11-22' });
    // On a Monday, last week is the one that ended yesterday.
    expect(resolvePeriod('last week', 'UTC', Date.UTC(2026, 10, 23, 8))).toMatchObject({
      fromDate: '2026-11-16',
      toDate: '2026-11-22',
    });
    expect(resolvePeriod('last month', 'UTC', NOW)).toMatchObject({ fromDate: '2026-10-01', toDate: '2026-10-31' });
    expect(resolvePeriod('last month', 'UTC', Date.UTC(2026, 0, 10))).toMatchObject({
      fromDate: '2025-12-01',
      toDate: '2025-12-31',
    });
  });

  it('an explicit range includes its end date', () => {
    const p = resolvePeriod('2026-11-01..2026-11-15', 'UTC', NOW);
    expect(iso(p.from)).toBe('2026-11-01T00:00:00.000Z');
    expect(iso(p.to)).toBe('2026-11-16T00:00:00.000Z');
    expect(p.label).toBe('2026-11-01..2026-11-15');
    expect(resolvePeriod('2026-11-03', 'UTC', NOW).to - resolvePeriod('2026-11-03', 'UTC', NOW).from).toBe(24 * H);
  });

  it('refuses bad input naming the accepted forms', () => {
    const e = errorOf(() => resolvePeriod('fortnight', 'UTC', NOW));
    expect(e.code).toBe('invalid_period');
    expect(e.field).toBe('period');
    expect(e.message).toContain('last week');
    expect(e.message).toContain('YYYY-MM-DD..YYYY-MM-DD');
    expect(errorOf(() => resolvePeriod('2026-11-15..2026-11-01', 'UTC', NOW)).message).toContain('swap');
    expect(errorOf(() => resolvePeriod('2026-02-30..2026-03-01', 'UTC', NOW)).code).toBe('invalid_period');
    expect(errorOf(() => resolvePeriod('0d', 'UTC', NOW)).code).toBe('invalid_period');
    expect(errorOf(() => resolvePeriod('2020-01-01..2026-01-01', 'UTC', NOW)).code).toBe('period_too_long');
    expect(errorOf(() => resolvePeriod('today', 'Mars/Olympus', NOW)).field).toBe('timezone');
  });
});

describe('DST boundaries (Europe/Berlin)', () => {
  it('the spring-forward day lasts 23 hours', () => {
    const p = resolvePeriod('2026-03-29', 'Europe/Berlin', NOW);
    expect(iso(p.from)).toBe('2026-03-28T23:00:00.000Z');
    expect(iso(p.to)).toBe('2026-03-29T22:00:00.000Z');
    expect(p.to - p.from).toBe(23 * H);
  });

  it('the fall-back day lasts 25 hours', () => {
    const p = resolvePeriod('2026-10-25', 'Europe/Berlin', NOW);
    expect(iso(p.from)).toBe('2026-10-24T22:00:00.000Z');
    expect(iso(p.to)).toBe('2026-10-25T23:00:00.000Z');
    expect(p.to - p.from).toBe(25 * H);
  });

  it('a week across the change has 7 local days and 7*24+1 hours', () => {
    const p = resolvePeriod('2026-10-19..2026-10-25', 'Europe/Berlin', NOW);
    expect(p.to - p.from).toBe(7 * 24 * H + H);
  });

  it('labels hours and days in local time on both sides of the change', () => {
    expect(localHourKey(Date.UTC(2026, 2, 29, 0, 59), 'Europe/Berlin')).toBe('2026-03-29 01:00');
    expect(localHourKey(Date.UTC(2026, 2, 29, 1, 0), 'Europe/Berlin')).toBe('2026-03-29 03:00');
    // The repeated 02:00 hour in October: both UTC hours carry the same local label.
    expect(localHourKey(Date.UTC(2026, 9, 25, 0, 30), 'Europe/Berlin')).toBe('2026-10-25 02:00');
    expect(localHourKey(Date.UTC(2026, 9, 25, 1, 30), 'Europe/Berlin')).toBe('2026-10-25 02:00');
    expect(localDayKey(Date.UTC(2026, 9, 25, 22, 59), 'Europe/Berlin')).toBe('2026-10-25');
    expect(localDayKey(Date.UTC(2026, 9, 25, 23, 0), 'Europe/Berlin')).toBe('2026-10-26');
  });

  it('wall times in the gap move forward by its length, repeated ones to their first occurrence', () => {
    expect(iso(zonedTimeToUtc(2026, 3, 29, 2, 30, 'Europe/Berlin'))).toBe('2026-03-29T01:30:00.000Z');
    expect(iso(zonedTimeToUtc(2026, 3, 29, 2, 0, 'Europe/Berlin'))).toBe('2026-03-29T01:00:00.000Z');
    expect(iso(zonedTimeToUtc(2026, 10, 25, 2, 30, 'Europe/Berlin'))).toBe('2026-10-25T00:30:00.000Z');
  });

  it('America/Santiago, whose DST starts at midnight, still gets a day start', () => {
    // 2026-09-06 00:00 does not exist in Santiago: the day starts when the clocks jump to 01:00.
    const start = startOfDay({ year: 2026, month: 9, day: 6 }, 'America/Santiago');
    expect(localHourKey(start, 'America/Santiago')).toBe('2026-09-06 01:00');
    expect(localDayKey(start - 1, 'America/Santiago')).toBe('2026-09-05');
  });
});

describe('time zones', () => {
  it('canonicalises names and refuses unknown ones naming the field', () => {
    expect(parseTimezone('europe/berlin')).toBe('Europe/Berlin');
    expect(parseTimezone('UTC')).toBe('UTC');
    // ICU would say Asia/Calcutta and Europe/Kiev; people chose the current names.
    expect(parseTimezone('asia/kolkata')).toBe('Asia/Kolkata');
    expect(parseTimezone('Asia/Calcutta')).toBe('Asia/Kolkata');
    expect(parseTimezone('Europe/Kyiv')).toBe('Europe/Kyiv');
    expect(errorOf(() => parseTimezone('+05:30')).code).toBe('invalid_timezone');
    const e = errorOf(() => parseTimezone('Europe/Atlantis', 'tz'));
    expect(e.code).toBe('invalid_timezone');
    expect(e.field).toBe('tz');
    expect(e.message).toContain('Europe/Berlin');
  });

  it('handles half-hour and 45-minute offsets', () => {
    expect(offsetAt(NOW, 'Asia/Kolkata')).toBe(5.5 * H);
    expect(offsetAt(NOW, 'Asia/Kathmandu')).toBe(5.75 * H);
    const p = resolvePeriod('today', 'Asia/Kolkata', NOW);
    expect(iso(p.from)).toBe('2026-11-23T18:30:00.000Z');
  });
});

describe('localTime in UTC', () => {
  it('computed without Intl, it matches what Intl says for the same instant (Etc/UTC takes the Intl path)', () => {
    const instants = [0, -1, 951_782_399_999, 1_709_164_800_000, 4_102_444_799_000, -2_208_988_800_001];
    for (let i = 0; i < 200; i++) instants.push(Math.round(Math.sin(i) * 4e12));
    for (const ms of instants) expect(localTime(ms, 'UTC')).toEqual(localTime(ms, 'Etc/UTC'));
  });
});
