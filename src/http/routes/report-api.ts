import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { buildReport, type Report, reportTimezone } from '../../app/build-report.js';
import { reportToCsv } from '../../domain/csv.js';
import { AppError, invalid } from '../../domain/errors.js';
import { formatDecimal, parseCurrency } from '../../domain/money.js';
import { localDate, type Period, parseDate, parseTimezone, periodOfDays, resolvePeriod } from '../../domain/period.js';
import { parseGroup } from '../../domain/report-dimensions.js';
import type { ReportMetrics } from '../../domain/report-math.js';
import { parseInput } from '../../domain/validation.js';
import { authenticate } from '../auth.js';
import type { RouteOptions } from '../server.js';

const id = (what: string) =>
  z
    .string()
    .regex(/^\d{1,9}$/, `must be the numeric id of a ${what}, like 12`)
    .transform(Number)
    .optional();

const ReportQuery = z.object({
  group: z.string().max(40).optional(),
  date_from: z.string().max(40).optional(),
  date_to: z.string().max(40).optional(),
  period: z.string().max(64).optional(),
  partner_id: id('partner'),
  campaign_id: id('campaign'),
  country: z
    .string()
    .regex(/^[A-Za-z]{2}$/, 'must be a 2-letter country code like DE')
    .transform((s) => s.toUpperCase())
    .optional(),
  timezone: z.string().max(64).optional(),
  currency: z.string().max(8).optional(),
  format: z.enum(['json', 'csv'], { error: 'must be json or csv' }).optional(),
});

/** GET /api/v1/report: the report engine over HTTP (README "Reports"). */
export async function reportApiRoutes(server: FastifyInstance, { app }: RouteOptions): Promise<void> {
  server.get('/report', async (req, reply) => {
    const principal = await authenticate(app, req);
    const input = parseInput(ReportQuery, req.query ?? {});
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
    const timezone =
      input.timezone !== undefined ? parseTimezone(input.timezone) : await reportTimezone(app, partnerId);
    const period = periodOf(input, timezone, app.now());
    const report = await buildReport(app, {
      partnerId,
      group,
      from: period.from,
      to: period.to,
      timezone,
      filters: { campaignId: input.campaign_id, country: input.country },
      currency: input.currency !== undefined ? parseCurrency(input.currency) : undefined,
      audience: principal.role === 'partner' ? 'partner' : 'operator',
    });
    if (input.format === 'csv') {
      const name = `report-${group}-${period.fromDate}-${period.toDate}.csv`;
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}"`)
        .send(reportToCsv(report));
    }
    return reportJson(report, period);
  });
}

/** `period=` words, or date_from/date_to (local dates, date_to included); the last 7 days by default. */
function periodOf(input: z.infer<typeof ReportQuery>, timezone: string, now: number): Period {
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

const money = (m: number | undefined, currency: string) => (m === undefined ? undefined : formatDecimal(m, currency));

/** snake_case, money as decimal strings in the report currency, rates as numbers (percent). */
function metricsJson(m: ReportMetrics, currency: string) {
  return {
    clicks: m.clicks,
    conversions: m.conversions,
    by_type: m.byType,
    approved: m.approved,
    pending: m.pending,
    declined: m.declined,
    cr: m.cr,
    epc: m.epc,
    payout: money(m.payout, currency),
    payout_approved: money(m.payoutApproved, currency),
    revenue: money(m.revenue, currency),
    cost: money(m.cost, currency),
    profit: money(m.profit, currency),
    roi: m.roi,
  };
}

function reportJson(r: Report, p: Period) {
  return {
    group: r.group,
    timezone: r.timezone,
    period: p.label,
    date_from: p.fromDate,
    date_to: p.toDate,
    from: new Date(r.from).toISOString(),
    to: new Date(r.to).toISOString(),
    currency: r.currency,
    partner_id: r.partnerId,
    source: r.source,
    types: r.types,
    rows: r.rows.map((row) => ({ key: row.key, label: row.label, ...metricsJson(row, r.currency) })),
    totals: metricsJson(r.totals, r.currency),
  };
}
