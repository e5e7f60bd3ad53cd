import { LRUCache } from 'lru-cache';
import { invalid } from './errors.js';
import { ownEntry } from './own-entry.js';

/**
 * Report periods in a named time zone. A period is half-open [from, to) in epoch ms; its days are the
 * user's local calendar days, so a day across a DST change lasts 23 or 25 hours. Only Intl is used: the
 * time-zone database ships with Node's ICU, and every conversion below goes through it.
 */
export interface Period {
  from: number;
  to: number;
  /** What the user asked for, spelled out with its dates: "last 7 days (2026-11-18..2026-11-24)". */
  label: string;
  timezone: string;
  /** First and last local day covered, inclusive, YYYY-MM-DD. */
  fromDate: string;
  toDate: string;
}

export const PERIOD_FORMS =
  'today, yesterday, 7d, 30d, mtd, last week, last month, last N days, YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD';

/** Longest period a report may cover; longer ones are almost always a typo in a year. */
export const MAX_PERIOD_DAYS = 732;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timezone, f);
  }
  return f;
}

/**
 * ICU canonicalises to its own, older ids ("Asia/Kolkata" comes back as "Asia/Calcutta"); a partner who
 * chose Kolkata should see Kolkata. The renames IANA made since, for the zones ICU still spells the old way.
 */
const CURRENT_NAMES: Record<string, string> = {
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Asia/Rangoon': 'Asia/Yangon',
  'Europe/Kiev': 'Europe/Kyiv',
  'America/Godthab': 'America/Nuuk',
  'Atlantic/Faeroe': 'Atlantic/Faroe',
  'Pacific/Truk': 'Pacific/Chuuk',
  'Pacific/Ponape': 'Pacific/Pohnpei',
  'Pacific/Enderbury': 'Pacific/Kanton',
  'America/Buenos_Aires': 'America/Argentina/Buenos_Aires',
  'America/Cordoba': 'America/Argentina/Cordoba',
  'America/Catamarca': 'America/Argentina/Catamarca',
  'America/Jujuy': 'America/Argentina/Jujuy',
  'America/Mendoza': 'America/Argentina/Mendoza',
  'America/Indianapolis': 'America/Indiana/Indianapolis',
  'America/Louisville': 'America/Kentucky/Louisville',
  'America/Coral_Harbour': 'America/Atikokan',
  'Africa/Asmera': 'Africa/Asmara',
};

// What users typed -> the zone's name; a DateTimeFormat per validation costs more than a report's date maths.
const resolvedZones = new LRUCache<string, string>({ max: 1000 });

/**
 * The canonical name of an IANA time zone ("europe/berlin" -> "Europe/Berlin"), or an error naming
 * `field` and the fix. Intl throws RangeError for names its tz database does not know.
 */
export function parseTimezone(raw: unknown, field = 'timezone'): string {
  const s = typeof raw === 'string' ? raw.trim() : '';
  // Offsets like "+02:00" are accepted by Intl but are not zones: they ignore DST, so days would drift.
  if (s === '' || s.length > 64 || /^[+-]/.test(s)) {
    throw invalid(
      'invalid_timezone',
      `${field} must be an IANA time zone like Europe/Berlin or UTC${s ? `, got "${s.slice(0, 64)}"` : ''}`,
      field,
    );
  }
  const known = resolvedZones.get(s);
  if (known) return known;
  try {
    const resolved = new Intl.DateTimeFormat('en-US', { timeZone: s }).resolvedOptions().timeZone;
    const name = ownEntry(CURRENT_NAMES, resolved) ?? resolved;
    resolvedZones.set(s, name);
    return name;
  } catch {
    throw invalid(
      'invalid_timezone',
      `${field} must be an IANA time zone like Europe/Berlin, America/New_York or UTC, got "${s}"`,
      field,
    );
  }
}

export function isValidTimezone(raw: string): boolean {
  try {
    parseTimezone(raw);
    return true;
  } catch {
    return false;
  }
}

export interface LocalTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** Wall-clock time at instant `ms` in `timezone`. */
export function localTime(ms: number, timezone: string): LocalTime {
  if (timezone === 'UTC') {
    // The most common zone needs no Intl call (~10 µs each, thousands per digest run: bench:digest --profile).
    const d = new Date(ms);
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
    };
  }
  const p: Record<string, number> = {};
  for (const part of formatter(timezone).formatToParts(ms)) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  return {
    year: p['year'] ?? 1970,
    month: p['month'] ?? 1,
    day: p['day'] ?? 1,
    hour: p['hour'] ?? 0,
    minute: p['minute'] ?? 0,
    second: p['second'] ?? 0,
  };
}

/** The zone's offset from UTC at instant `ms`, in ms (Berlin in summer: +7_200_000). */
export function offsetAt(ms: number, timezone: string): number {
  const t = localTime(ms, timezone);
  const asUtc = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
  return asUtc - (ms - (((ms % 1000) + 1000) % 1000));
}

/**
 * The instant a wall-clock time happens in `timezone`. A time that occurs twice (the repeated hour in
 * autumn) resolves to its first occurrence; a time skipped by a spring-forward gap moves forward by the
 * gap (Temporal's "compatible"), so a skipped midnight becomes the moment the clocks jump, which is when
 * that local day really starts.
 */
export function zonedTimeToUtc(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  timezone: string,
): number {
  const key = `${timezone}|${year}|${month}|${day}|${hour}|${minute}`;
  const known = wallClockCache.get(key);
  if (known !== undefined) return known;
  const t = resolveWallClock(Date.UTC(year, month - 1, day, hour, minute), timezone);
  wallClockCache.set(key, t);
  return t;
}

/**
 * Answers of zonedTimeToUtc (a pure function). Each costs four to six ICU formatToParts calls, and the same
 * few instants are asked for again and again: every partner in a zone shares its period starts and report
 * buckets. Without it, these look-ups were ~5 % of a digest run's CPU (bench:digest --profile).
 */
const wallClockCache = new LRUCache<string, number>({ max: 20_000 });

function resolveWallClock(wall: number, timezone: string): number {
  const candidates = new Set<number>();
  for (const probe of [wall - 86_400_000, wall, wall + 86_400_000]) candidates.add(wall - offsetAt(probe, timezone));
  const valid = [...candidates].filter((t) => t + offsetAt(t, timezone) === wall);
  if (valid.length > 0) return Math.min(...valid);
  return Math.max(...candidates);
}

export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

/** Calendar arithmetic on local dates, done in UTC where every day has 24 hours. */
export function addDays(d: LocalDate, n: number): LocalDate {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day + n));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

export const formatDate = (d: LocalDate): string =>
  `${String(d.year).padStart(4, '0')}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;

/** Local midnight of a date in `timezone`, as epoch ms. */
export const startOfDay = (d: LocalDate, timezone: string): number =>
  zonedTimeToUtc(d.year, d.month, d.day, 0, 0, timezone);

export function localDate(ms: number, timezone: string): LocalDate {
  const t = localTime(ms, timezone);
  return { year: t.year, month: t.month, day: t.day };
}

/** 'YYYY-MM-DD' of instant `ms` in `timezone`: the day label of day-grouped reports. */
export const localDayKey = (ms: number, timezone: string): string => formatDate(localDate(ms, timezone));

/** 'YYYY-MM-DD HH:00' of instant `ms` in `timezone`: the hour label of hour-grouped reports. */
export function localHourKey(ms: number, timezone: string): string {
  const t = localTime(ms, timezone);
  return `${formatDate(t)} ${String(t.hour).padStart(2, '0')}:00`;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A strict YYYY-MM-DD that names a real calendar day, or null. */
export function parseDate(s: string): LocalDate | null {
  const m = DATE.exec(s.trim());
  if (!m) return null;
  const d = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  const back = addDays(d, 0);
  if (back.year !== d.year || back.month !== d.month || back.day !== d.day || d.year < 2000 || d.year > 2100) {
    return null;
  }
  return d;
}

/**
 * Local days `first`..`last` inclusive as a half-open period. `field` names the input for errors
 * (date_from/date_to on the API, period in chat).
 */
export function periodOfDays(
  first: LocalDate,
  last: LocalDate,
  timezone: string,
  name?: string,
  field = 'period',
): Period {
  const fromDate = formatDate(first);
  const toDate = formatDate(last);
  if (toDate < fromDate) {
    throw invalid(
      'invalid_period',
      `the period ends (${toDate}) before it starts (${fromDate}); swap the dates`,
      field,
    );
  }
  const days =
    Math.round(
      (Date.UTC(last.year, last.month - 1, last.day) - Date.UTC(first.year, first.month - 1, first.day)) / 86_400_000,
    ) + 1;
  if (days > MAX_PERIOD_DAYS) {
    throw invalid(
      'period_too_long',
      `the period covers ${days} days; ask for at most ${MAX_PERIOD_DAYS} days at a time`,
      field,
    );
  }
  const span = fromDate === toDate ? fromDate : `${fromDate}..${toDate}`;
  return {
    from: startOfDay(first, timezone),
    to: startOfDay(addDays(last, 1), timezone),
    label: name ? `${name} (${span})` : span,
    timezone,
    fromDate,
    toDate,
  };
}

/**
 * Turns what a user typed (chat, API `period=`) into a period in `timezone`, relative to `now`.
 * `7d`, `30d` and `last N days` are the N local days ending today, today included (partners want today's
 * numbers in a "last 7 days" report); `mtd` runs from the 1st to today; `last week` is the previous
 * Monday-Sunday; an explicit range includes both end dates.
 */
export function resolvePeriod(text: string, timezone: string, now: number, field = 'period'): Period {
  const tz = parseTimezone(timezone);
  const s = text.trim().toLowerCase().replace(/\s+/g, ' ');
  const today = localDate(now, tz);
  const lastDays = (n: number, name: string) => {
    if (!Number.isInteger(n) || n < 1 || n > MAX_PERIOD_DAYS) {
      throw invalid('invalid_period', `the number of days must be 1 to ${MAX_PERIOD_DAYS}, got "${text}"`, field);
    }
    return periodOfDays(addDays(today, -(n - 1)), today, tz, name, field);
  };
  switch (s) {
    case 'today':
      return periodOfDays(today, today, tz, 'today', field);
    case 'yesterday': {
      const y = addDays(today, -1);
      return periodOfDays(y, y, tz, 'yesterday', field);
    }
    case 'mtd':
    case 'this month':
      return periodOfDays({ ...today, day: 1 }, today, tz, 'month to date', field);
    case 'last week':
    case 'lastweek': {
      // getUTCDay: Sunday 0 ... Saturday 6; ISO weeks start on Monday.
      const weekday = (new Date(Date.UTC(today.year, today.month - 1, today.day)).getUTCDay() + 6) % 7;
      const monday = addDays(today, -weekday - 7);
      return periodOfDays(monday, addDays(monday, 6), tz, 'last week', field);
    }
    case 'last month':
    case 'lastmonth': {
      const first =
        today.month === 1 ? { year: today.year - 1, month: 12, day: 1 } : { ...today, month: today.month - 1, day: 1 };
      return periodOfDays(first, addDays({ ...today, day: 1 }, -1), tz, 'last month', field);
    }
  }
  const nd = /^(\d{1,4}) ?d(?:ays?)?$/.exec(s) ?? /^last (\d{1,4}) days?$/.exec(s);
  if (nd) {
    const n = Number(nd[1]);
    return lastDays(n, n === 1 ? 'today' : `last ${n} days`);
  }
  const range = /^(\S+?) ?(?:\.\.|–|—) ?(\S+)$/.exec(s);
  if (range) {
    const a = parseDate(range[1] ?? '');
    const b = parseDate(range[2] ?? '');
    if (!a || !b) {
      throw invalid('invalid_period', `a date range looks like 2026-11-01..2026-11-15, got "${text}"`, field);
    }
    return periodOfDays(a, b, tz, undefined, field);
  }
  const single = parseDate(s);
  if (single) return periodOfDays(single, single, tz, undefined, field);
  throw invalid('invalid_period', `unknown period "${text}"; use one of: ${PERIOD_FORMS}`, field);
}
