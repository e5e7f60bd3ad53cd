import { storeClickBatch } from '../../db/repositories/click-batch.js';
import type { NewClick } from '../../db/repositories/clicks.js';
import { findPartnerById, sumApprovedPayouts } from '../../db/repositories/partners.js';
import { insertPaymentMethod } from '../../db/repositories/payment-methods.js';
import { foldAllRollupDeltas } from '../../db/rollup-fold.js';
import { createCampaign } from '../admin/create-campaign.js';
import { createPartner } from '../admin/create-partner.js';
import { grantCampaignAccess } from '../admin/grant-campaign-access.js';
import { parseConversionRequest } from '../conversions/record-conversion.js';
import { recordConversionBatch } from '../conversions/record-conversion-batch.js';
import type { Deps } from '../deps.js';
import { type PaymentStatus, recordPayment } from '../ledger/record-payment.js';
import { DEMO_CAMPAIGNS } from './demo-campaigns.js';
import { createRandom, DEMO_PARTNERS, DEMO_ROUTES } from './demo-data.js';
import {
  createTrafficGenerator,
  type DemoConversion,
  type SeededCampaign,
  type SeededPartner,
} from './demo-traffic.js';

export interface SeedDemoOptions {
  /** Clicks to generate (default 100,000). */
  clicks?: number;
  /** Days of traffic ending at `now` (default 30). */
  days?: number;
  now: number;
  /** PRNG seed: the same seed and `now` give the same data (click ids aside, which stay random). */
  seed?: number;
}

export interface SeedSummary {
  partners: number;
  campaigns: number;
  clicks: number;
  conversions: number;
  payments: number;
  ms: number;
  /** Per phase, for the start banner and the benchmark notes. */
  phases: { catalogueMs: number; clicksMs: number; conversionsMs: number; paymentsMs: number };
}

const DAY = 86_400_000;
/** Clicks generated, then sorted by time, at a time: memory stays flat for any --clicks. */
const CLICKS_PER_CHUNK = 100_000;
/** Clicks per transaction: big enough that commits are rare, small enough for one SQL script. */
const CLICKS_PER_TX = 10_000;
const SCHEDULE_DAYS: Record<string, number> = { weekly: 7, biweekly: 14, monthly: 15 };

/**
 * Fills an empty database with a believable affiliate program. Everything goes through the real write
 * paths: partners and campaigns through their use cases, clicks through storeClickBatch (clicks + rollups),
 * conversions through recordConversionBatch (ledger, referral commissions, rollups), payments through
 * recordPayment; so balances, referral earnings and reports agree with each other exactly.
 */
export async function seedDemo(deps: Deps, opts: SeedDemoOptions): Promise<SeedSummary> {
  const t0 = performance.now();
  const days = opts.days ?? 30;
  const total = opts.clicks ?? 100_000;
  const now = opts.now;
  const start = now - days * DAY;
  const rnd = createRandom(opts.seed ?? 20261124);
  const log = deps.logger.child({ component: 'seed' });
  // The catalogue predates its traffic: partners and campaigns "joined" weeks before the first click.
  const earlier = (d: number): Deps => ({ ...deps, now: () => start - d * DAY });

  const partners = new Map<string, SeededPartner>();
  for (const [i, spec] of DEMO_PARTNERS.entries()) {
    const referrer = spec.referredBy ? partners.get(spec.referredBy)?.id : undefined;
    const p = await createPartner(earlier(90 - i * 9), { ...spec.input, ...(referrer && { referrer_id: referrer }) });
    partners.set(spec.key, { id: p.id, spec });
    await insertPaymentMethod(deps.db, {
      partner_id: p.id,
      kind: spec.method.kind,
      details: JSON.stringify(spec.method.details),
      is_default: true,
      created_at: start - (80 - i * 9) * DAY,
    });
  }
  const campaigns = new Map<string, SeededCampaign>();
  for (const [i, spec] of DEMO_CAMPAIGNS.entries()) {
    const c = await createCampaign(earlier(100 - i * 7), spec.input);
    const landings = c.landings.map((l) => ({ id: l.id, w: l.is_default ? 3 : 1 }));
    campaigns.set(spec.key, { id: c.id, spec, landings });
  }
  const grant = (partner: string, campaign: string, status: string) =>
    grantCampaignAccess(
      earlier(60),
      { campaignId: campaigns.get(campaign)!.id, partnerId: partners.get(partner)!.id },
      { status },
    );
  for (const r of DEMO_ROUTES) await grant(r.partner, r.campaign, 'approved');
  await grant('echo', 'casino', 'pending');
  await grant('delta', 'vpn', 'rejected');
  const t1 = performance.now();

  // Clicks, in large transactions; the conversions they lead to are kept for the next phase.
  const nextClick = createTrafficGenerator({ rnd, now, days, partners, campaigns });
  const conversions: DemoConversion[] = [];
  for (let done = 0; done < total; done += CLICKS_PER_CHUNK) {
    const chunk: NewClick[] = [];
    for (let i = 0; i < Math.min(CLICKS_PER_CHUNK, total - done); i++) {
      const g = nextClick();
      chunk.push(g.click);
      conversions.push(...g.conversions);
    }
    // In time order, like real traffic: index and rollup inserts then land near each other.
    chunk.sort((a, b) => a.createdAt - b.createdAt);
    for (let i = 0; i < chunk.length; i += CLICKS_PER_TX) {
      await storeClickBatch(deps.db, chunk.slice(i, i + CLICKS_PER_TX));
    }
  }
  const t2 = performance.now();

  // Conversions, one batch per day in time order; "now" for each batch is its last conversion, so ledger
  // entries are dated in the past like the conversions they book.
  conversions.sort((a, b) => a.at - b.at);
  let booked = 0;
  for (let i = 0; i < conversions.length; ) {
    const dayEnd = (Math.floor(conversions[i]!.at / DAY) + 1) * DAY;
    let j = i;
    while (j < conversions.length && conversions[j]!.at < dayEnd) j++;
    const day = conversions.slice(i, j);
    const reqs = day.map(({ at, ...input }) => parseConversionRequest(input, at));
    const outcomes = await recordConversionBatch({ ...deps, now: () => day[day.length - 1]!.at }, reqs);
    for (const o of outcomes) {
      if (o.kind === 'error') throw o.error;
      if (o.kind === 'created') booked += 1;
    }
    i = j;
  }
  const t3 = performance.now();

  const payments = await seedPayments(deps, partners, start, now);
  // On PostgreSQL the rollups arrive as deltas; fold them now so the first reports read no long tail.
  await foldAllRollupDeltas(deps.db);
  const t4 = performance.now();
  const summary: SeedSummary = {
    partners: partners.size,
    campaigns: campaigns.size,
    clicks: total,
    conversions: booked,
    payments,
    ms: Math.round(t4 - t0),
    phases: {
      catalogueMs: Math.round(t1 - t0),
      clicksMs: Math.round(t2 - t1),
      conversionsMs: Math.round(t3 - t2),
      paymentsMs: Math.round(t4 - t3),
    },
  };
  log.info({ event: 'seed.demo.done', ...summary }, 'demo data seeded');
  return summary;
}

/**
 * Pays each active partner on its schedule for the approved payouts of the period before, rounded down to
 * whole units and only above the partner's minimum, so what is left stays as a positive balance. One
 * payment fails and is retried the next day; one partner has a payout requested and not yet paid.
 */
async function seedPayments(
  deps: Deps,
  partners: Map<string, SeededPartner>,
  start: number,
  now: number,
): Promise<number> {
  let count = 0;
  const pay = async (
    partnerId: number,
    amount: number,
    status: PaymentStatus,
    at: number,
    from: number,
    to: number,
  ) => {
    await recordPayment(deps, {
      partnerId,
      amount,
      status,
      reference: `PAY-${new Date(at).toISOString().slice(0, 10).replace(/-/g, '')}-${partnerId}`,
      periodFrom: from,
      periodTo: to,
      createdAt: at,
      paidAt: status === 'paid' ? at + 6 * 3_600_000 : null,
    });
    count += 1;
  };
  for (const { id, spec } of partners.values()) {
    const row = await findPartnerById(deps.db, id);
    if (row?.status !== 'active') continue;
    const step = (SCHEDULE_DAYS[row.payout_schedule] ?? 15) * DAY;
    let from = start;
    for (let periodEnd = Math.floor(start / DAY) * DAY + step; periodEnd + 2 * DAY < now; periodEnd += step) {
      const amount = Math.floor((await sumApprovedPayouts(deps.db, id, from, periodEnd)) / 100) * 100;
      if (amount < Number(row.min_payout)) continue; // carried into the next period
      const payAt = periodEnd + DAY + 10 * 3_600_000;
      if (spec.key === 'delta' && from === start) {
        // The first crypto payout went to a mistyped address and bounced; finance paid again next morning.
        await pay(id, amount, 'failed', payAt - DAY / 2, from, periodEnd);
      }
      await pay(id, amount, 'paid', payAt, from, periodEnd);
      from = periodEnd;
    }
    if (spec.key === 'carla') {
      const open = Math.floor((await sumApprovedPayouts(deps.db, id, from, now - DAY)) / 100) * 100;
      if (open > 0) await pay(id, open, 'requested', now - DAY, from, now - DAY);
    }
  }
  return count;
}
