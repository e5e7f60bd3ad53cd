import type { FastifyInstance } from 'fastify';
import type { Report } from '../../app/reports/build-report.js';
import { ReportRequestSchema } from '../../app/reports/report-request-schema.js';
import { requestReport } from '../../app/reports/request-report.js';
import { reportToCsv } from '../../domain/csv.js';
import { formatDecimal } from '../../domain/money.js';
import type { Period } from '../../domain/period.js';
import type { ReportMetrics } from '../../domain/report-math.js';
import { parseInput } from '../../domain/validation.js';
import { reportRoute } from '../api-docs/api-v1-route-schemas.js';
import { documented } from '../api-docs/documented.js';
import { authenticate } from '../auth.js';
import type { RouteOptions } from '../server.js';

/** GET /api/v1/report: the report engine over HTTP (README "Reports"). */
export async function reportApiRoutes(server: FastifyInstance, { app }: RouteOptions): Promise<void> {
  server.get('/report', documented(reportRoute), async (req, reply) => {
    const principal = await authenticate(app, req);
    const input = parseInput(ReportRequestSchema, req.query ?? {});
    const { report, period } = await requestReport(app, principal, input);
    if (input.format === 'csv') {
      const name = `report-${report.group}-${period.fromDate}-${period.toDate}.csv`;
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}"`)
        .send(reportToCsv(report));
    }
    return reportJson(report, period);
  });
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
