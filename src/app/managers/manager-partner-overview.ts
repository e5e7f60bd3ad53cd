import {
  countPartnerDeliveries,
  type DeliveryCounts,
  findLastAttempt,
  type LastAttempt,
  type LinkedChat,
  listLinkedChats,
} from '../../db/repositories/manager-queries.js';
import { findPartnerByEmail, findPartnerById, type PartnerRow } from '../../db/repositories/partners.js';
import { listPostbackRows } from '../../db/repositories/postbacks.js';
import { invalid, notFound } from '../../domain/errors.js';
import { isValidTimezone, type Period, resolvePeriod } from '../../domain/period.js';
import type { ReportMetrics } from '../../domain/report-math.js';
import { type Deps, readerOf } from '../deps.js';
import { type Balance, getBalance } from '../ledger/get-balance.js';
import { endpointOf } from '../postbacks/postback-request.js';
import { buildReport } from '../reports/build-report.js';

export interface PostbackHealth {
  postbackId: number;
  campaignId: number | null;
  endpoint: string;
  enabled: boolean;
  disabledReason: string | null;
  /** Deliveries created in the last 7 days, by state. */
  counts: DeliveryCounts;
  lastAttempt: LastAttempt | null;
  /** ok: the last attempt succeeded (or none yet); failing: it failed; disabled: not sending. */
  health: 'ok' | 'failing' | 'disabled' | 'idle';
}

export interface PartnerOverview {
  partner: Pick<PartnerRow, 'id' | 'name' | 'email' | 'company' | 'status' | 'currency' | 'timezone' | 'created_at'>;
  balance: Balance;
  period: Period;
  /** Operator view: payout, revenue and profit included. */
  current: ReportMetrics;
  previous: ReportMetrics;
  chats: LinkedChat[];
  postbacks: PostbackHealth[];
}

/** A partner named by id ("42", "#42") or by e-mail; the error says which forms work. */
export async function findManagedPartner(deps: Deps, ref: string): Promise<PartnerRow> {
  // Slack sends a typed address as "<mailto:ann@example.com|ann@example.com>".
  const s = ref
    .trim()
    .replace(/^#/, '')
    .replace(/^<mailto:([^|>]+)(?:\|[^>]*)?>$/i, '$1');
  const db = readerOf(deps);
  if (/^\d{1,15}$/.test(s)) {
    const p = await findPartnerById(db, Number(s));
    if (!p) throw notFound('partner_not_found', `no partner with id ${s}`, 'partner');
    return p;
  }
  if (s.includes('@')) {
    const p = await findPartnerByEmail(db, s);
    if (!p) throw notFound('partner_not_found', `no partner with e-mail ${s}`, 'partner');
    return p;
  }
  throw invalid(
    'invalid_partner',
    `name a partner by id or e-mail, like "partner 42" or "partner ann@example.com"; got "${s.slice(0, 60)}"`,
    'partner',
  );
}

export const isAttemptOk = (a: LastAttempt): boolean =>
  a.errorClass === null && a.statusCode !== null && a.statusCode >= 200 && a.statusCode < 300;

/**
 * Everything a manager asks first about a partner: who, balance, the last 7 local days against the 7 before,
 * where the partner is linked in chat, and how each postback is doing.
 */
export async function getPartnerOverview(deps: Deps, ref: string): Promise<PartnerOverview> {
  const p = await findManagedPartner(deps, ref);
  const db = readerOf(deps);
  const now = deps.now();
  const tz = p.timezone && isValidTimezone(p.timezone) ? p.timezone : 'UTC';
  const period = resolvePeriod('7d', tz, now);
  const before = resolvePeriod('14d', tz, now);
  const run = (from: number, to: number) =>
    buildReport(deps, { partnerId: p.id, group: 'campaign', from, to, timezone: tz });
  const [cur, prev, balance, chats, rules, counts] = await Promise.all([
    run(period.from, period.to),
    run(before.from, period.from),
    getBalance(deps, p.id),
    listLinkedChats(db, p.id),
    listPostbackRows(db, { partnerId: p.id }),
    countPartnerDeliveries(db, p.id, period.from),
  ]);
  const postbacks: PostbackHealth[] = [];
  for (const r of rules) {
    const last = await findLastAttempt(db, r.id);
    const health = !r.enabled ? 'disabled' : last === null ? 'idle' : isAttemptOk(last) ? 'ok' : 'failing';
    postbacks.push({
      postbackId: r.id,
      campaignId: r.campaignId,
      endpoint: endpointOf(r.url) ?? r.url.slice(0, 60),
      enabled: r.enabled,
      disabledReason: r.disabledReason,
      counts: counts.get(r.id) ?? { delivered: 0, pending: 0, retrying: 0, dead: 0 },
      lastAttempt: last,
      health,
    });
  }
  return {
    partner: {
      id: p.id,
      name: p.name,
      email: p.email,
      company: p.company,
      status: p.status,
      currency: p.currency,
      timezone: tz,
      created_at: Number(p.created_at),
    },
    balance,
    period,
    current: cur.totals,
    previous: prev.totals,
    chats,
    postbacks,
  };
}
