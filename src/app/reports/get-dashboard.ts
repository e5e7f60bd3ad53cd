import { addDays, type Period, parseDate, periodOfDays } from '../../domain/period.js';
import type { ReportMetrics } from '../../domain/report-math.js';
import type { Deps } from '../deps.js';
import { buildReport } from './build-report.js';

export interface Dashboard {
  period: Period;
  /** The same number of local days just before `period`. */
  previous: Period;
  currency: string;
  current: ReportMetrics;
  before: ReportMetrics;
}

/**
 * A partner's KPIs for a period next to the period of equal length before it. Always the partner's view of
 * the report engine: revenue, cost and profit never reach a partner.
 */
export async function getDashboard(deps: Pick<Deps, 'db'>, partnerId: number, period: Period): Promise<Dashboard> {
  const first = parseDate(period.fromDate)!;
  const last = parseDate(period.toDate)!;
  const days =
    Math.round(
      (Date.UTC(last.year, last.month - 1, last.day) - Date.UTC(first.year, first.month - 1, first.day)) / 86_400_000,
    ) + 1;
  const previous = periodOfDays(addDays(first, -days), addDays(first, -1), period.timezone, 'previous period');
  const run = (p: Period) =>
    buildReport(deps, {
      partnerId,
      group: 'campaign',
      from: p.from,
      to: p.to,
      timezone: p.timezone,
      audience: 'partner',
    });
  const now = await run(period);
  const then = await run(previous);
  return { period, previous, currency: now.currency, current: now.totals, before: then.totals };
}
