import { addDays, formatDate, type LocalDate, localDate, parseDate, startOfDay, zonedTimeToUtc } from './period.js';

/**
 * When digests go out and what they cover, pure. Periods are local to the partner's timezone and
 * half-open [from, to): daily = the previous local day, weekly = the previous Monday..Sunday, monthly = the
 * previous calendar month. A digest is sent at the partner's local hour after its period ends (weekly: on
 * the chosen weekday), computed through the zone each time, so 09:00 in Berlin is 09:00 in summer and winter.
 */
export const DIGEST_CADENCES = ['daily', 'weekly', 'monthly'] as const;
export type DigestCadence = (typeof DIGEST_CADENCES)[number];

export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export const weekdayName = (iso: number): string => {
  const n = WEEKDAYS[(iso - 1 + 7) % 7] ?? 'monday';
  return n.charAt(0).toUpperCase() + n.slice(1);
};

export interface DigestSchedule {
  cadence: DigestCadence;
  /** Local hour 0-23. */
  hour: number;
  /** 1 = Monday .. 7 = Sunday; weekly only. */
  weekday: number;
}

export interface DigestPeriod {
  cadence: DigestCadence;
  /** First local day, 'YYYY-MM-DD': the period's key. */
  start: string;
  /** Last local day (inclusive), 'YYYY-MM-DD'. */
  end: string;
  from: number;
  to: number;
}

/** ISO weekday of a local date: 1 = Monday .. 7 = Sunday. */
export function isoWeekday(d: LocalDate): number {
  const dow = new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay();
  return dow === 0 ? 7 : dow;
}

/** The period of `cadence` that contains local date `d`. */
export function periodContaining(cadence: DigestCadence, d: LocalDate, timezone: string): DigestPeriod {
  let first: LocalDate;
  let next: LocalDate;
  if (cadence === 'daily') {
    first = d;
    next = addDays(d, 1);
  } else if (cadence === 'weekly') {
    first = addDays(d, 1 - isoWeekday(d));
    next = addDays(first, 7);
  } else {
    first = { year: d.year, month: d.month, day: 1 };
    next = d.month === 12 ? { year: d.year + 1, month: 1, day: 1 } : { year: d.year, month: d.month + 1, day: 1 };
  }
  return {
    cadence,
    start: formatDate(first),
    end: formatDate(addDays(next, -1)),
    from: startOfDay(first, timezone),
    to: startOfDay(next, timezone),
  };
}

/** The period just before `p` (the comparison of a digest). */
export function previousPeriod(p: DigestPeriod, timezone: string): DigestPeriod {
  const first = parseDate(p.start) as LocalDate;
  return periodContaining(p.cadence, addDays(first, -1), timezone);
}

/** [from, to) of the `n` periods before `p`: the baseline that "unusual" is measured against. */
export function baselineRange(p: DigestPeriod, n: number, timezone: string): { from: number; to: number } {
  let q = p;
  for (let i = 0; i < n; i++) q = previousPeriod(q, timezone);
  return { from: q.from, to: p.from };
}

export interface DueDigest {
  period: DigestPeriod;
  /** The instant this digest was due: local hour on the send day. */
  sendAt: number;
}

/**
 * The latest digest whose send time is at or before `now`, with the period it covers. The caller decides
 * whether it is recent enough to send (a partner who subscribes on Tuesday does not get last week's digest
 * unless the catch-up window allows it).
 */
export function latestDue(s: DigestSchedule, timezone: string, now: number): DueDigest {
  const today = localDate(now, timezone);
  const at = (d: LocalDate) => zonedTimeToUtc(d.year, d.month, d.day, s.hour, 0, timezone);
  let sendDay: LocalDate;
  if (s.cadence === 'daily') {
    sendDay = at(today) <= now ? today : addDays(today, -1);
  } else if (s.cadence === 'weekly') {
    const back = (isoWeekday(today) - s.weekday + 7) % 7;
    sendDay = addDays(today, -back);
    if (at(sendDay) > now) sendDay = addDays(sendDay, -7);
  } else {
    sendDay = { year: today.year, month: today.month, day: 1 };
    if (at(sendDay) > now) sendDay = addDays(sendDay, -1);
    sendDay = { year: sendDay.year, month: sendDay.month, day: 1 };
  }
  // The period is the whole one before the send day's own period (weekly: the Mon..Sun before that week).
  const own = periodContaining(s.cadence, sendDay, timezone);
  return { period: previousPeriod(own, timezone), sendAt: at(sendDay) };
}

/** The period a preview or `digest send` shows by default: the last whole one before `now`. */
export function lastWholePeriod(cadence: DigestCadence, timezone: string, now: number): DigestPeriod {
  return previousPeriod(periodContaining(cadence, localDate(now, timezone), timezone), timezone);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTHS_LONG = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** "30 Nov 2026", "23–29 Nov 2026", "28 Dec 2026 – 3 Jan 2027", "November 2026". */
export function periodLabel(p: DigestPeriod): string {
  const a = parseDate(p.start) as LocalDate;
  const b = parseDate(p.end) as LocalDate;
  const d = (x: LocalDate, year = true) => `${x.day} ${MONTHS[x.month - 1]}${year ? ` ${x.year}` : ''}`;
  if (p.cadence === 'monthly') return `${MONTHS_LONG[a.month - 1]} ${a.year}`;
  if (p.cadence === 'daily')
    return `${WEEKDAYS[isoWeekday(a) - 1]?.slice(0, 3).replace(/^./, (c) => c.toUpperCase())} ${d(a)}`;
  if (a.year !== b.year) return `${d(a)} – ${d(b)}`;
  if (a.month !== b.month) return `${d(a, false)} – ${d(b)}`;
  return `${a.day}–${d(b)}`;
}

/** "yesterday", "last week", "last month": how the previous period is named beside a change. */
export const previousName = (c: DigestCadence): string =>
  c === 'daily' ? 'the day before' : c === 'weekly' ? 'the week before' : 'the month before';

/** The period a stored digest row names (cadence + first local day). */
export function periodOfStart(cadence: DigestCadence, start: string, timezone: string): DigestPeriod {
  return periodContaining(cadence, parseDate(start) as LocalDate, timezone);
}
