import type {
  CampaignDetails,
  CampaignRow,
  NewCreativeRow,
  NewLandingRow,
  NewPayoutRow,
} from '../../db/repositories/campaigns.js';
import { invalid } from '../../domain/errors.js';
import { formatDecimal, parseMoney } from '../../domain/money.js';
import { formatPercent, parsePercent } from '../../domain/percent.js';
import { isoTime } from './admin-input.js';
import type { CreativeInput, LandingInput, PayoutInput } from './campaign-input.js';

export interface PayoutView {
  type: string;
  kind: string;
  /** Fixed payout as a decimal string; present when kind is fixed. */
  amount?: string;
  /** Share of revenue in percent ("25", "12.5"); present when kind is revshare. */
  percent?: string;
  default_revenue: string;
}

export interface CampaignView {
  id: number;
  name: string;
  type: string;
  category: string;
  description: string;
  status: string;
  landing_url: string;
  currency: string;
  deeplink_domains: string[];
  access: string;
  geo_targets: string[];
  /** Where partners send traffic; {partner_id} is replaced by the partner's id. */
  tracking_url: string;
  payouts: PayoutView[];
  landings: { id: number; name: string; url: string; is_default: boolean; status: string }[];
  creatives: {
    id: number;
    name: string;
    kind: string;
    url: string;
    width: number | null;
    height: number | null;
    body: string;
  }[];
  created_at: string;
  updated_at: string;
}

/** A JSON text column holding a list of strings (deeplink_domains, geo_targets); junk reads as empty. */
export function parseJsonArray(s: string): string[] {
  try {
    const v: unknown = JSON.parse(s);
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return [];
  }
}

export function toCampaignView(r: CampaignRow, d: CampaignDetails, publicUrl: string): CampaignView {
  return {
    id: r.id,
    name: r.name,
    type: r.type,
    category: r.category,
    description: r.description,
    status: r.status,
    landing_url: r.landing_url,
    currency: r.currency,
    deeplink_domains: parseJsonArray(r.deeplink_domains),
    access: r.access,
    geo_targets: r.geo_targets ? r.geo_targets.split(',').filter(Boolean) : [],
    tracking_url: `${publicUrl}/t/${r.id}?pid={partner_id}`,
    payouts: d.payouts.map((p) => ({
      type: p.conversion_type,
      kind: p.kind,
      ...(p.kind === 'revshare'
        ? { percent: formatPercent(Number(p.percent_bp)) }
        : { amount: formatDecimal(Number(p.amount), r.currency) }),
      default_revenue: formatDecimal(Number(p.default_revenue), r.currency),
    })),
    landings: d.landings.map((l) => ({
      id: l.id,
      name: l.name,
      url: l.url,
      is_default: Boolean(l.is_default),
      status: l.status,
    })),
    creatives: d.creatives.map((c) => ({
      id: c.id,
      name: c.name,
      kind: c.kind,
      url: c.url,
      width: c.width ?? null,
      height: c.height ?? null,
      body: c.body,
    })),
    created_at: isoTime(Number(r.created_at)),
    updated_at: isoTime(Number(r.updated_at)),
  };
}

/** Validated payout input -> rows, with money parsed in the campaign currency and types unique by key. */
export function toPayoutRows(payouts: PayoutInput[], currency: string): NewPayoutRow[] {
  const seen = new Map<string, number>();
  return payouts.map((p, i) => {
    const key = p.type.toLowerCase();
    const before = seen.get(key);
    if (before !== undefined) {
      throw invalid(
        'duplicate_payout_type',
        `payouts.${i}.type "${p.type}" repeats payouts.${before}.type; give each conversion type one payout`,
        `payouts.${i}.type`,
      );
    }
    seen.set(key, i);
    const kind = p.kind ?? (p.percent !== undefined ? 'revshare' : 'fixed');
    return {
      conversion_type: p.type,
      type_key: key,
      kind,
      amount: kind === 'fixed' ? parseMoney(p.amount, `payouts.${i}.amount`, currency) : 0,
      percent_bp: kind === 'revshare' ? parsePercent(p.percent, `payouts.${i}.percent`) : 0,
      default_revenue:
        p.default_revenue === undefined ? 0 : parseMoney(p.default_revenue, `payouts.${i}.default_revenue`, currency),
    };
  });
}

/** Exactly one default among a campaign's active landings: the flagged one, else the first. */
export function toLandingRows(landings: LandingInput[]): (NewLandingRow & { id?: number | undefined })[] {
  const defaults = landings.filter((l) => l.is_default).length;
  if (defaults > 1) {
    throw invalid('several_default_landings', 'landings may have only one is_default: true', 'landings');
  }
  return landings.map((l, i) => ({
    id: l.id,
    name: l.name,
    url: l.url,
    is_default: defaults === 0 ? i === 0 : l.is_default,
    status: 'active',
  }));
}

export function toCreativeRows(creatives: CreativeInput[]): NewCreativeRow[] {
  return creatives.map((c) => ({
    name: c.name,
    kind: c.kind,
    url: c.url ?? '',
    width: c.width ?? null,
    height: c.height ?? null,
    body: c.body ?? '',
  }));
}
