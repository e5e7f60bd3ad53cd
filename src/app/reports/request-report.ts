import { AppError, invalid } from '../../domain/errors.js';
import { parseCurrency } from '../../domain/money.js';
import { localDate, type Period, parseDate, parseTimezone, periodOfDays, resolvePeriod } from '../../domain/period.js';
import { parseGroup } from '../../domain/report-dimensions.js';
import type { ApiPrincipal } from '../admin/api-keys.js';
import type { Deps } from '../deps.js';
import { buildReport, type Report, reportTimezone } from './build-report.js';

/** A report as an API client asks for it (GET /api/v1/report), already shape-checked. */
export interface ReportRequest {
  group?: string | undefined;
  date_from?: string | undefined;
  date_to?: string | undefined;
  period?: string | undefined;
  partner_id?: number | undefined;
  campaign_id?: number | undefined;
  country?: string | undefined;
  timezone?: string | undefined;
  currency?: string | undefined;
}

/**
 * The report an API key may read: a partner key only its own partner's (asking for another is refused, not
 * silently narrowed), in that partner's timezone unless one is given; the period from `period=` words or
 * date_from/date_to (local dates, date_to included), the last 7 days by default.
 */
export async function requestReport(
  deps: Pick<Deps, 'db' | 'readDb' | 'now'>,
  principal: ApiPrincipal,
  input: ReportRequest,
): Promise<{ report: Report; period: Period }> {
  const group = parseGroup(input.group ?? 'day');
  let partnerId = input.partner_id;
  if (principal.role === 'partner') {
    // A partner key reads its own partner's report and nothing else, whatever it asks for.
    if (principal.partnerId === null || (partnerId !== undefined && partnerId !== principal.partnerId)) {
      throw new AppError(
        'forbidden',
        'forbidden_partner',
        "this API key reads only its own partner's report; leave partner_id out",
        'partner_id',
      );
    }
    partnerId = principal.partnerId;
  }
  const timezone = input.timezone !== undefined ? parseTimezone(input.timezone) : await reportTimezone(deps, partnerId);
  const period = periodOf(input, timezone, deps.now());
  const report = await buildReport(deps, {
    partnerId,
    group,
    from: period.from,
    to: period.to,
    timezone,
    filters: { campaignId: input.campaign_id, country: input.country },
    currency: input.currency !== undefined ? parseCurrency(input.currency) : undefined,
    audience: principal.role === 'partner' ? 'partner' : 'operator',
  });
  return { report, period };
}

function periodOf(input: ReportRequest, timezone: string, now: number): Period {
  const hasDates = input.date_from !== undefined || input.date_to !== undefined;
  if (input.period !== undefined && hasDates) {
    throw invalid('conflicting_period', 'give either period or date_from/date_to, not both', 'period');
  }
  if (!hasDates) return resolvePeriod(input.period ?? '7d', timezone, now, 'period');
  if (input.date_from === undefined) {
    throw invalid('validation_failed', 'date_from is required with date_to; send both as YYYY-MM-DD', 'date_from');
  }
  const date = (raw: string, field: string) => {
    const d = parseDate(raw);
    if (!d) throw invalid('validation_failed', `${field} must be a date like 2026-11-01, got "${raw}"`, field);
    return d;
  };
  const first = date(input.date_from, 'date_from');
  const last = input.date_to !== undefined ? date(input.date_to, 'date_to') : localDate(now, timezone);
  return periodOfDays(first, last, timezone, undefined, 'date_to');
}
