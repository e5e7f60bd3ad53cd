import { claimSummaryDay, markSummarySent, releaseSummaryDay } from '../../db/repositories/manager-summaries.js';
import { partnerCurrencies } from '../../db/repositories/report-queries.js';
import { addDays, localDate, type Period, periodOfDays } from '../../domain/period.js';
import type { ReportMetrics } from '../../domain/report-math.js';
import { type Deps, readerOf } from '../deps.js';
import { buildReport } from '../reports/build-report.js';
import { type BreakerLookup, type FailingEndpoint, listFailingEndpoints } from './manager-failing-endpoints.js';
import { type TopPartners, topPartnersFor } from './manager-top-partners.js';

export interface DailySummary {
  /** The manager-local day summarised (yesterday), YYYY-MM-DD. */
  day: string;
  yesterday: Period;
  dayBefore: Period;
  /** Operator totals per currency: clicks, conversions, payout, revenue, profit. */
  totals: { currency: string; current: ReportMetrics; previous: ReportMetrics }[];
  top: TopPartners;
  failing: FailingEndpoint[];
}

/** Yesterday against the day before, in the managers' zone, with the top partners and failing endpoints. */
export async function buildDailySummary(
  deps: Deps,
  opts: { timezone: string; now?: number; breaker?: BreakerLookup | undefined },
): Promise<DailySummary> {
  const now = opts.now ?? deps.now();
  const today = localDate(now, opts.timezone);
  const y = addDays(today, -1);
  const b = addDays(today, -2);
  const yesterday = periodOfDays(y, y, opts.timezone, 'yesterday');
  const dayBefore = periodOfDays(b, b, opts.timezone, 'the day before');
  const totals: DailySummary['totals'] = [];
  const currencies = await partnerCurrencies(readerOf(deps));
  for (const currency of currencies.length > 0 ? currencies : ['USD']) {
    const run = (p: Period) =>
      buildReport(deps, { group: 'day', from: p.from, to: p.to, timezone: p.timezone, currency });
    const [cur, prev] = await Promise.all([run(yesterday), run(dayBefore)]);
    totals.push({ currency, current: cur.totals, previous: prev.totals });
  }
  const [top, failing] = await Promise.all([
    topPartnersFor(deps, yesterday, 5, 'payout'),
    listFailingEndpoints(deps, opts.breaker),
  ]);
  return { day: yesterday.fromDate, yesterday, dayBefore, totals, top, failing };
}

export type SummaryPoster = (summary: DailySummary) => Promise<{ ts: string | null }>;

/**
 * Posts the summary of yesterday once: the day's row is claimed first (unique), so a second tick, a second
 * worker or a restart finds it taken and posts nothing. A failed post gives the day back for the retry.
 * Returns what happened, for logs and tests.
 */
export async function postDailySummaryOnce(
  deps: Deps,
  opts: { timezone: string; channel: string; now?: number; breaker?: BreakerLookup | undefined },
  post: SummaryPoster,
): Promise<{ day: string; posted: boolean }> {
  const summary = await buildDailySummary(deps, opts);
  const claimed = await claimSummaryDay(deps.db, summary.day, opts.channel, deps.now());
  if (!claimed) return { day: summary.day, posted: false };
  try {
    const { ts } = await post(summary);
    await markSummarySent(deps.db, summary.day, ts, deps.now());
    return { day: summary.day, posted: true };
  } catch (err) {
    await releaseSummaryDay(deps.db, summary.day);
    throw err;
  }
}
