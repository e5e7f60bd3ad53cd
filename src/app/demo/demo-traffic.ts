import type { NewClick } from '../../db/repositories/clicks.js';
import { newClickId } from '../../domain/click-id.js';
import { parseUserAgent } from '../tracking/classify-user-agent.js';
import type { DemoCampaign, FunnelStep } from './demo-campaigns.js';
import {
  DEMO_GEOS,
  DEMO_ROUTES,
  DEMO_USER_AGENTS,
  type DemoPartner,
  LOCAL_HOUR_CURVE,
  type Random,
  weighted,
} from './demo-data.js';

/**
 * Generates the demo's clicks and the conversions that follow them. Shapes that make reports look real:
 * traffic grows over the period and is higher at weekends, follows each country's local day, publishers
 * have home markets, richer geos convert better, and recent conversions are still pending.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface SeededPartner {
  id: number;
  spec: DemoPartner;
}
export interface SeededCampaign {
  id: number;
  spec: DemoCampaign;
  /** Landing ids with weights: the default landing gets most traffic. */
  landings: { id: number; w: number }[];
}

export interface DemoConversion {
  clickid: string;
  type: string;
  status: 'approved' | 'pending' | 'declined';
  txid: string;
  sum?: string;
  at: number;
}

export interface TrafficPlan {
  rnd: Random;
  now: number;
  days: number;
  partners: Map<string, SeededPartner>;
  campaigns: Map<string, SeededCampaign>;
}

const cents = (c: number) => `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`;

export function createTrafficGenerator(plan: TrafficPlan) {
  const { rnd, now, days } = plan;
  const firstDay = Math.floor(now / DAY) * DAY - (days - 1) * DAY;
  const start = now - days * DAY;
  const routes = weighted(DEMO_ROUTES.map((r) => ({ w: r.weight, v: r })));
  const geoByPartner = new Map(
    [...plan.partners.values()].map((p) => [
      p.spec.key,
      weighted(DEMO_GEOS.map((g) => ({ w: g.w * (p.spec.geoBias[g.code] ?? 1), v: g }))),
    ]),
  );
  // Growth over the period, a weekend bump, and some day-to-day noise.
  const dayPick = weighted(
    Array.from({ length: days }, (_, i) => {
      const dow = new Date(firstDay + i * DAY).getUTCDay();
      return { w: (1 + (0.35 * i) / days) * (dow === 0 || dow === 6 ? 1.15 : 1) * (0.9 + rnd.next() * 0.2), v: i };
    }),
  );
  const hourPick = weighted(LOCAL_HOUR_CURVE.map((w, h) => ({ w, v: h })));
  const uaPick = weighted(DEMO_USER_AGENTS.map((u) => ({ w: u.w, v: { ua: u.ua, ...parseUserAgent(u.ua) } })));
  const landingPick = new Map(
    [...plan.campaigns.values()].map((c) => [c.spec.key, weighted(c.landings.map((l) => ({ w: l.w, v: l.id })))]),
  );
  const txSeq = new Map<string, number>();

  function clickTime(utcOffset: number): number {
    for (let tries = 0; tries < 8; tries++) {
      const day = firstDay + dayPick(rnd.next()) * DAY;
      const at = Math.floor(day + (hourPick(rnd.next()) - utcOffset) * HOUR + rnd.next() * HOUR);
      if (at >= start && at < now) return at;
    }
    return now - Math.floor(rnd.next() * HOUR);
  }

  function statusFor(at: number, step: FunnelStep): DemoConversion['status'] {
    const age = now - at;
    const r = rnd.next();
    if (age < 2 * DAY) return r < 0.68 ? 'pending' : r < 0.95 ? 'approved' : 'declined';
    const declined = 0.06 + (step.declineExtra ?? 0);
    const pending = age < 10 * DAY ? 0.1 : 0.02;
    return r < declined ? 'declined' : r < declined + pending ? 'pending' : 'approved';
  }

  function delayed(from: number, [min, max]: [number, number]): number {
    // Skewed towards the short end: most people convert soon after they arrive.
    const minutes = min + (max - min) * rnd.next() ** 2;
    return from + Math.floor(minutes * 60_000);
  }

  function conversionsOf(click: NewClick, campaign: DemoCampaign, tier: number): DemoConversion[] {
    const out: DemoConversion[] = [];
    const done = new Map<string, DemoConversion>();
    for (const step of campaign.funnel) {
      const parent = step.after ? done.get(step.after) : undefined;
      if (step.after && (!parent || parent.status === 'declined')) continue;
      const p = step.after ? step.rate : step.rate * tier;
      if (!rnd.chance(p)) continue;
      const at = delayed(parent?.at ?? click.createdAt, step.delay);
      if (at >= now) continue;
      const seq = (txSeq.get(campaign.code) ?? 0) + 1;
      txSeq.set(campaign.code, seq);
      const conv: DemoConversion = {
        clickid: click.clickId,
        type: step.type,
        status: statusFor(at, step),
        txid: `${campaign.code}-${String(seq).padStart(6, '0')}`,
        at,
      };
      if (step.revenue) conv.sum = cents(rnd.int(Math.round(step.revenue[0] * 100), Math.round(step.revenue[1] * 100)));
      done.set(step.type, conv);
      out.push(conv);
    }
    return out;
  }

  /** One click (and the conversions it leads to). */
  return function next(): { click: NewClick; conversions: DemoConversion[] } {
    const route = routes(rnd.next());
    const partner = plan.partners.get(route.partner)!;
    const campaign = plan.campaigns.get(route.campaign)!;
    const geo = geoByPartner.get(route.partner)!(rnd.next());
    const ua = uaPick(rnd.next());
    const click: NewClick = {
      clickId: newClickId(),
      campaignId: campaign.id,
      partnerId: partner.id,
      landingId: landingPick.get(route.campaign)!(rnd.next()),
      refId: rnd.chance(partner.spec.refIdShare)
        ? `${route.partner.slice(0, 2)}_${rnd.next().toString(36).slice(2, 12)}`
        : null,
      sub1: rnd.pick(route.sub1),
      sub2: rnd.pick(['b300x250', 'b728x90', 'b320x50', 'native1', 'native2']),
      sub3: `site${rnd.int(1, 40)}`,
      sub4: null,
      sub5: null,
      country: geo.code,
      device: ua.device,
      os: ua.os,
      browser: ua.browser,
      ip: `${rnd.int(11, 223)}.${rnd.int(0, 255)}.${rnd.int(0, 255)}.0`,
      userAgent: ua.ua,
      createdAt: clickTime(geo.utc),
    };
    return { click, conversions: conversionsOf(click, campaign.spec, geo.tier) };
  };
}
