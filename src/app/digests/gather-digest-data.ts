import { type PostbackHealthFacts, postbackHealthFacts } from '../../db/repositories/digest-figures.js';
import { findPartnerById } from '../../db/repositories/partners.js';
import { baselineRange, type DigestPeriod, previousPeriod } from '../../domain/digest-schedule.js';
import { notFound } from '../../domain/errors.js';
import { nextPayoutDate } from '../../domain/payout-schedule.js';
import type { ReportMetrics, ReportRow } from '../../domain/report-math.js';
import { type Deps, readerOf } from '../deps.js';
import { type Balance, getBalance } from '../ledger/get-balance.js';
import { buildReport } from '../reports/build-report.js';
import { reportLookups } from '../reports/report-lookups.js';

/** Periods compared against to call a change "unusual". */
export const BASELINE_PERIODS = 4;
/** How far off its baseline a campaign's CR or EPC must be to be mentioned. */
export const UNUSUAL_SHARE = 0.3;
/** Fewer clicks than this (now or in the baseline) make a rate too noisy to comment on. */
const MIN_CLICKS = 50;

export interface UnusualChange {
  campaign: string;
  metric: 'CR' | 'EPC';
  /** CR in percent, EPC in minor units per click. */
  now: number;
  usual: number;
  /** (now - usual) / usual. */
  share: number;
}

/** Everything a digest shows, as figures; src/mail turns it into words, HTML and text. */
export interface DigestData {
  partner: { id: number; name: string; email: string; currency: string; timezone: string };
  period: DigestPeriod;
  previous: DigestPeriod;
  totals: ReportMetrics;
  prevTotals: ReportMetrics;
  /** Per day (weekly, monthly) or per hour (daily), in order, for the chart. */
  series: { label: string; clicks: number; payout: number }[];
  campaigns: ReportRow[];
  countries: ReportRow[];
  unusual: UnusualChange[];
  balance: Balance;
  nextPayout: { date: string; amount: number; belowMinimum: boolean };
  postbacks: PostbackHealthFacts;
}

const TOP = 5;

/** Reads a digest's figures through the report engine (rollups), as the partner would see them in chat. */
export async function gatherDigestData(deps: Deps, partnerId: number, period: DigestPeriod): Promise<DigestData> {
  const partner = await findPartnerById(readerOf(deps), partnerId);
  if (!partner) throw notFound('partner_not_found', `no partner with id ${partnerId}`, 'partner_id');
  const tz = partner.timezone;
  const previous = previousPeriod(period, tz);
  const base = baselineRange(period, BASELINE_PERIODS, tz);
  // Five reports for one partner: they share the partner row and the campaign and type names.
  const lookups = reportLookups({ id: partnerId, currency: String(partner.currency) });
  const q = { partnerId, timezone: tz, audience: 'partner' as const, lookups };
  const [byTime, byCampaign, byGeo, prev, baseline, balance, postbacks] = await Promise.all([
    buildReport(deps, { ...q, group: period.cadence === 'daily' ? 'hour' : 'day', from: period.from, to: period.to }),
    buildReport(deps, { ...q, group: 'campaign', from: period.from, to: period.to }),
    buildReport(deps, { ...q, group: 'geo', from: period.from, to: period.to }),
    buildReport(deps, { ...q, group: 'campaign', from: previous.from, to: previous.to }),
    buildReport(deps, { ...q, group: 'campaign', from: base.from, to: base.to }),
    getBalance(deps, partnerId, partner),
    postbackHealthFacts(readerOf(deps), partnerId, period.from, period.to),
  ]);
  const minPayout = balance.minPayout;
  return {
    partner: { id: partnerId, name: partner.name, email: partner.email, currency: byTime.currency, timezone: tz },
    period,
    previous,
    totals: byTime.totals,
    prevTotals: prev.totals,
    series: byTime.rows.map((r) => ({ label: r.label, clicks: r.clicks, payout: r.payout })),
    campaigns: [...byCampaign.rows].sort((a, b) => b.payout - a.payout || b.clicks - a.clicks).slice(0, TOP),
    countries: [...byGeo.rows].sort((a, b) => b.clicks - a.clicks || b.payout - a.payout).slice(0, TOP),
    unusual: unusualChanges(byCampaign.rows, baseline.rows),
    balance,
    nextPayout: {
      date: nextPayoutDate(partner.payout_schedule, deps.now(), tz),
      amount: balance.available >= minPayout ? balance.available : 0,
      belowMinimum: balance.available < minPayout,
    },
    postbacks,
  };
}

/**
 * Campaigns whose CR or EPC this period is more than UNUSUAL_SHARE off their rate over the BASELINE_PERIODS
 * before (one rate over the summed baseline, so a quiet period weighs as little as it should).
 */
export function unusualChanges(current: ReportRow[], baseline: ReportRow[]): UnusualChange[] {
  const before = new Map(baseline.map((r) => [r.key, r]));
  const out: UnusualChange[] = [];
  for (const r of current) {
    const b = before.get(r.key);
    if (!b || r.clicks < MIN_CLICKS || b.clicks < MIN_CLICKS * BASELINE_PERIODS) continue;
    const pairs: [UnusualChange['metric'], number, number][] = [
      ['CR', (r.conversions / r.clicks) * 100, (b.conversions / b.clicks) * 100],
      ['EPC', r.payout / r.clicks, b.payout / b.clicks],
    ];
    for (const [metric, now, usual] of pairs) {
      if (usual <= 0) continue;
      const share = (now - usual) / usual;
      if (Math.abs(share) > UNUSUAL_SHARE) out.push({ campaign: r.label, metric, now, usual, share });
    }
  }
  return out.sort((a, b) => Math.abs(b.share) - Math.abs(a.share)).slice(0, 4);
}
