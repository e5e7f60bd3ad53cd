import { invalid } from '../../src/domain/errors.js';
import { PERIOD_FORMS, type Period, resolvePeriod } from '../../src/domain/period.js';
import {
  OPERATOR_ONLY_GROUPS,
  parseGroup,
  REPORT_GROUPS,
  type ReportGroup,
} from '../../src/domain/report-dimensions.js';

/** The dimensions a partner may group by, in the order help lists them. */
const PARTNER_GROUPS: readonly ReportGroup[] = REPORT_GROUPS.filter((g) => !OPERATOR_ONLY_GROUPS.includes(g));

export interface PeriodArgs {
  period: Period;
  /** Null when the user wrote no "by DIM". */
  group: ReportGroup | null;
}

export interface PeriodArgsOptions {
  /** Used when the user names no period. */
  defaultPeriod: string;
  /** False: "by DIM" is refused (dashboard, conversions). */
  allowGroup: boolean;
}

/**
 * "[period] [by DIM]" as typed in chat: `7d`, `last week by geo`, `by day`, `2026-11-01..2026-11-15 by sub1`.
 * The period is resolved in the partner's `timezone` relative to `now`; errors name the accepted forms.
 */
export function parsePeriodArgs(args: string, timezone: string, now: number, opts: PeriodArgsOptions): PeriodArgs {
  const s = args.trim().replace(/\s+/g, ' ');
  const m = /^(.*?)(?:^| )by(?: (.*))?$/i.exec(s);
  let periodText = s;
  let group: ReportGroup | null = null;
  if (m) {
    if (!opts.allowGroup) {
      throw invalid('group_not_supported', 'this command takes a period only, like 7d or last week', 'by');
    }
    periodText = (m[1] ?? '').trim();
    group = parsePartnerGroup((m[2] ?? '').trim());
  }
  return { period: resolvePeriod(periodText === '' ? opts.defaultPeriod : periodText, timezone, now), group };
}

function parsePartnerGroup(raw: string): ReportGroup {
  const allowed = `by takes one of ${PARTNER_GROUPS.join(', ')}`;
  if (raw === '') throw invalid('invalid_group', `${allowed}; for example "report 7d by geo"`, 'by');
  let g: ReportGroup;
  try {
    g = parseGroup(raw, 'by');
  } catch {
    throw invalid('invalid_group', `${allowed}, got "${raw.slice(0, 40)}"`, 'by');
  }
  if (OPERATOR_ONLY_GROUPS.includes(g)) throw invalid('invalid_group', `${allowed}, got "${g}"`, 'by');
  return g;
}

/** True when `text` reads as a period (so "conversions 7d" is not taken for a conversion type "7d"). */
function isPeriod(text: string, timezone: string, now: number): boolean {
  try {
    resolvePeriod(text, timezone, now);
    return true;
  } catch {
    return false;
  }
}

/**
 * "[type] [period]" (conversions): the whole text as a period, else its first word as the conversion type and
 * the rest as the period. A type is one word; types with spaces are matched by their first word's prefix.
 */
export function parseTypeAndPeriod(
  args: string,
  timezone: string,
  now: number,
  defaultPeriod: string,
): { type: string | null; period: Period } {
  const s = args.trim().replace(/\s+/g, ' ');
  if (s === '') return { type: null, period: resolvePeriod(defaultPeriod, timezone, now) };
  if (isPeriod(s, timezone, now)) return { type: null, period: resolvePeriod(s, timezone, now) };
  const [first = '', ...rest] = s.split(' ');
  const restText = rest.join(' ');
  if (/^\d/.test(first) && restText === '') {
    // "conversions 2026-13-01": a date typo, not a type named like a date.
    throw invalid('invalid_period', `unknown period "${s}"; use one of: ${PERIOD_FORMS}`, 'period');
  }
  return { type: first, period: resolvePeriod(restText === '' ? defaultPeriod : restText, timezone, now) };
}
