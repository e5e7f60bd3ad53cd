import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/domain/errors.js';
import { change } from './format.js';
import { parsePeriodArgs, parseTypeAndPeriod } from './period-args.js';

// Tuesday 2026-11-24 10:00 UTC (11:00 in Berlin).
const NOW = Date.UTC(2026, 10, 24, 10);
const report = (s: string, tz = 'Europe/Berlin') =>
  parsePeriodArgs(s, tz, NOW, { defaultPeriod: '7d', allowGroup: true });
const range = (p: { period: { fromDate: string; toDate: string } }) => `${p.period.fromDate}..${p.period.toDate}`;

describe('parsePeriodArgs', () => {
  it.each([
    ['', '2026-11-18..2026-11-24', null],
    ['today', '2026-11-24..2026-11-24', null],
    ['yesterday by geo', '2026-11-23..2026-11-23', 'geo'],
    ['30d by day', '2026-10-26..2026-11-24', 'day'],
    ['mtd', '2026-11-01..2026-11-24', null],
    ['last week by campaign', '2026-11-16..2026-11-22', 'campaign'],
    ['last 3 days by sub1', '2026-11-22..2026-11-24', 'sub1'],
    ['by hour', '2026-11-18..2026-11-24', 'hour'],
    ['2026-11-01..2026-11-15 by country', '2026-11-01..2026-11-15', 'geo'],
    ['  Last   Week  BY  OS ', '2026-11-16..2026-11-22', 'os'],
  ])('"%s" -> %s by %s', (input, expected, group) => {
    const p = report(input);
    expect(range(p)).toBe(expected);
    expect(p.group).toBe(group);
    expect(p.period.timezone).toBe('Europe/Berlin');
  });

  it('resolves days in the partner zone: 23:30 UTC is already tomorrow in Berlin', () => {
    const late = Date.UTC(2026, 10, 24, 23, 30);
    const opts = { defaultPeriod: 'today', allowGroup: false };
    expect(parsePeriodArgs('', 'Europe/Berlin', late, opts).period.fromDate).toBe('2026-11-25');
    expect(parsePeriodArgs('', 'UTC', late, opts).period.fromDate).toBe('2026-11-24');
  });

  it.each([
    ['fortnight', 'invalid_period', 'unknown period "fortnight"'],
    ['2026-11-15..2026-11-01', 'invalid_period', 'swap the dates'],
    ['7d by partner', 'invalid_group', 'by takes one of campaign'],
    ['7d by', 'invalid_group', 'for example "report 7d by geo"'],
    ['7d by colour', 'invalid_group', 'got "colour"'],
  ])('"%s" is refused with %s', (input, code, message) => {
    let err: unknown = null;
    try {
      report(input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe(code);
    expect((err as AppError).message).toContain(message);
  });

  it('refuses "by" where only a period is taken', () => {
    expect(() => parsePeriodArgs('7d by geo', 'UTC', NOW, { defaultPeriod: '7d', allowGroup: false })).toThrow(
      'takes a period only',
    );
  });
});

describe('parseTypeAndPeriod', () => {
  it.each([
    ['', null, '2026-11-18..2026-11-24'],
    ['30d', null, '2026-10-26..2026-11-24'],
    ['last week', null, '2026-11-16..2026-11-22'],
    ['deposit', 'deposit', '2026-11-18..2026-11-24'],
    ['Deposit yesterday', 'Deposit', '2026-11-23..2026-11-23'],
    ['lead last 3 days', 'lead', '2026-11-22..2026-11-24'],
  ])('"%s" -> type %s, %s', (input, type, expected) => {
    const r = parseTypeAndPeriod(input, 'UTC', NOW, '7d');
    expect(r.type).toBe(type);
    expect(range(r)).toBe(expected);
  });

  it('a mistyped date is a period error, not a conversion type', () => {
    expect(() => parseTypeAndPeriod('2026-13-01', 'UTC', NOW, '7d')).toThrow('unknown period');
  });
});

describe('change', () => {
  it.each([
    [120, 100, '▲ 20%'],
    [75, 100, '▼ 25%'],
    [100, 100, '= 0%'],
    [0, 0, '= 0%'],
    [5, 0, 'new'],
    [1, 3, '▼ 66.7%'],
  ])('%i vs %i -> %s', (now, before, expected) => expect(change(now, before)).toBe(expected));
});
