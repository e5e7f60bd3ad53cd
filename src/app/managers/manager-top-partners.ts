import { partnerCurrencies } from '../../db/repositories/report-queries.js';
import { type Period, resolvePeriod } from '../../domain/period.js';
import type { ReportRow } from '../../domain/report-math.js';
import { type Deps, readerOf } from '../deps.js';
import { buildReport } from '../reports/build-report.js';

export interface TopPartners {
  period: Period;
  /** One list per currency partners are paid in (amounts in different currencies are never added). */
  groups: { currency: string; rows: ReportRow[]; totalPartners: number }[];
}

export type TopMetric = 'payout' | 'revenue' | 'profit' | 'conversions' | 'clicks';

const metricOf = (r: ReportRow, m: TopMetric): number => Number(r[m] ?? 0);

/**
 * The partners who earned most in a period (report group "partner", operator view), best first; ties by
 * conversions then clicks. `periodText` is any chat period ("7d", "yesterday", "2026-11-01..2026-11-15").
 */
export async function getTopPartners(
  deps: Deps,
  q: { periodText?: string; timezone: string; limit?: number; metric?: TopMetric },
): Promise<TopPartners> {
  const period = resolvePeriod(q.periodText?.trim() || '7d', q.timezone, deps.now());
  return topPartnersFor(deps, period, q.limit ?? 10, q.metric ?? 'payout');
}

export async function topPartnersFor(
  deps: Deps,
  period: Period,
  limit: number,
  metric: TopMetric,
): Promise<TopPartners> {
  const currencies = await partnerCurrencies(readerOf(deps));
  const groups: TopPartners['groups'] = [];
  for (const currency of currencies.length > 0 ? currencies : ['USD']) {
    const report = await buildReport(deps, {
      group: 'partner',
      from: period.from,
      to: period.to,
      timezone: period.timezone,
      currency,
    });
    const active = report.rows.filter((r) => r.clicks > 0 || r.conversions > 0 || r.payout !== 0);
    active.sort(
      (a, b) => metricOf(b, metric) - metricOf(a, metric) || b.conversions - a.conversions || b.clicks - a.clicks,
    );
    groups.push({ currency, rows: active.slice(0, limit), totalPartners: active.length });
  }
  return { period, groups };
}
