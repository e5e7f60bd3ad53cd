import type { Knex } from 'knex';
import type { ConversionStatus } from '../../domain/conversion-status.js';
import type { PayoutRule } from '../../domain/payout-rules.js';
import { insertRows } from '../insert-rows.js';

type Q = Knex | Knex.Transaction;

/**
 * What a conversion needs from its click: who, which campaign, the report dimensions, and the values the
 * partner's postback macros read ({ref_id}, {sub1}..), so a fresh delivery can be sent without a re-read.
 */
export interface ClickForConversion {
  id: number;
  clickId: string;
  campaignId: number;
  partnerId: number;
  landingId: number | null;
  country: string;
  device: string;
  os: string;
  refId: string | null;
  sub: (string | null)[];
}

export interface CampaignTerms {
  id: number;
  currency: string;
  /** Ordered by id, so the first is the default type. */
  rules: PayoutRule[];
}

export interface ReferralTerms {
  partnerId: number;
  referrerId: number | null;
  /** The referred partner's own rate override, basis points; null: the configured default. */
  rateBp: number | null;
}

export interface ConversionRow {
  id: number;
  click_row_id: number;
  partner_id: number;
  campaign_id: number;
  type: string;
  type_key: string;
  status: ConversionStatus;
  payout: number;
  revenue: number;
  currency: string;
  txid: string;
  created_at: number;
  updated_at: number;
}

export type NewConversionRow = Omit<ConversionRow, 'id'>;

/** Rows per multi-row statement: far below SQLite's 32766 bound variables and PostgreSQL's 65535. */
const CHUNK = 500;

export const CLICK_COLUMNS = [
  'id',
  'click_id',
  'campaign_id',
  'partner_id',
  'landing_id',
  'country',
  'device',
  'os',
  'ref_id',
  'sub1',
  'sub2',
  'sub3',
  'sub4',
  'sub5',
];
const SUBS = ['sub1', 'sub2', 'sub3', 'sub4', 'sub5'];
const strOrNull = (v: unknown) => (v == null ? null : String(v));

function toClick(r: Record<string, unknown>): ClickForConversion {
  return {
    id: Number(r['id']),
    clickId: String(r['click_id']),
    campaignId: Number(r['campaign_id']),
    partnerId: Number(r['partner_id']),
    landingId: r['landing_id'] == null ? null : Number(r['landing_id']),
    country: String(r['country'] ?? ''),
    device: String(r['device'] ?? ''),
    os: String(r['os'] ?? ''),
    refId: strOrNull(r['ref_id']),
    sub: SUBS.map((k) => strOrNull(r[k])),
  };
}

export async function findClicksByPublicIds(q: Q, clickIds: string[]): Promise<Map<string, ClickForConversion>> {
  const out = new Map<string, ClickForConversion>();
  for (let i = 0; i < clickIds.length; i += CHUNK) {
    const rows = await q('clicks')
      .select(CLICK_COLUMNS)
      .whereIn('click_id', clickIds.slice(i, i + CHUNK));
    for (const r of rows) out.set(String(r.click_id), toClick(r));
  }
  return out;
}

export async function findCampaignTerms(q: Q, campaignIds: number[]): Promise<Map<number, CampaignTerms>> {
  const out = new Map<number, CampaignTerms>();
  if (campaignIds.length === 0) return out;
  const campaigns = await q('campaigns').select('id', 'currency').whereIn('id', campaignIds);
  for (const c of campaigns) out.set(Number(c.id), { id: Number(c.id), currency: c.currency, rules: [] });
  await addPayoutRules(q, out);
  return out;
}

export interface ConversionContext {
  clicks: Map<string, ClickForConversion>;
  /** Campaigns of the clicks found; their `rules` stay empty until `addPayoutRules`. */
  campaigns: Map<number, CampaignTerms>;
  partners: Map<number, ReferralTerms>;
}

/**
 * Clicks by public id with their campaign's currency and their partner's referral terms, in one statement
 * (one round trip on PostgreSQL instead of three). Same answers as findClicksByPublicIds,
 * findCampaignTerms (without rules) and findReferralTerms.
 */
export async function findClicksWithTerms(q: Q, clickIds: string[]): Promise<ConversionContext> {
  const out: ConversionContext = { clicks: new Map(), campaigns: new Map(), partners: new Map() };
  for (let i = 0; i < clickIds.length; i += CHUNK) {
    const rows = await q('clicks')
      .select(
        ...CLICK_COLUMNS.map((c) => `clicks.${c}`),
        'campaigns.id as terms_campaign_id',
        'campaigns.currency as terms_currency',
        'partners.id as terms_partner_id',
        'partners.referrer_id as terms_referrer_id',
        'partners.referral_rate_bp as terms_referral_rate_bp',
      )
      .leftJoin('campaigns', 'campaigns.id', 'clicks.campaign_id')
      .leftJoin('partners', 'partners.id', 'clicks.partner_id')
      .whereIn('clicks.click_id', clickIds.slice(i, i + CHUNK));
    for (const r of rows) addClickWithTerms(out, r);
  }
  return out;
}

/** One row of clicks joined to its campaign's currency and its partner's referral terms (terms_* columns). */
export function addClickWithTerms(out: ConversionContext, r: Record<string, unknown>): void {
  out.clicks.set(String(r['click_id']), toClick(r));
  if (r['terms_campaign_id'] != null) {
    const id = Number(r['terms_campaign_id']);
    if (!out.campaigns.has(id)) out.campaigns.set(id, { id, currency: String(r['terms_currency']), rules: [] });
  }
  if (r['terms_partner_id'] != null) {
    const id = Number(r['terms_partner_id']);
    out.partners.set(id, {
      partnerId: id,
      referrerId: r['terms_referrer_id'] == null ? null : Number(r['terms_referrer_id']),
      rateBp: r['terms_referral_rate_bp'] == null ? null : Number(r['terms_referral_rate_bp']),
    });
  }
}

/** Fills the payout rules of campaigns (ordered by id, so the first is the default type). */
export async function addPayoutRules(q: Q, campaigns: Map<number, CampaignTerms>): Promise<void> {
  if (campaigns.size === 0) return;
  const rules = await q('campaign_payouts')
    .whereIn('campaign_id', [...campaigns.keys()])
    .orderBy('id');
  for (const r of rules) addPayoutRule(campaigns, r);
}

/** One campaign_payouts row into its campaign's rules (rows come ordered by id). */
export function addPayoutRule(campaigns: Map<number, CampaignTerms>, r: Record<string, unknown>): void {
  campaigns.get(Number(r['campaign_id']))?.rules.push({
    id: Number(r['id']),
    conversionType: String(r['conversion_type']),
    typeKey: String(r['type_key']),
    kind: r['kind'] === 'revshare' ? 'revshare' : 'fixed',
    amount: Number(r['amount']),
    percentBp: Number(r['percent_bp']),
    defaultRevenue: Number(r['default_revenue']),
  });
}

export async function findReferralTerms(q: Q, partnerIds: number[]): Promise<Map<number, ReferralTerms>> {
  const out = new Map<number, ReferralTerms>();
  if (partnerIds.length === 0) return out;
  const rows = await q('partners').select('id', 'referrer_id', 'referral_rate_bp').whereIn('id', partnerIds);
  for (const r of rows) {
    out.set(Number(r.id), {
      partnerId: Number(r.id),
      referrerId: r.referrer_id == null ? null : Number(r.referrer_id),
      rateBp: r.referral_rate_bp == null ? null : Number(r.referral_rate_bp),
    });
  }
  return out;
}

export interface ConversionKey {
  click_row_id: number;
  type_key: string;
  txid: string;
}
export const conversionKey = (k: ConversionKey): string => `${k.click_row_id}|${k.type_key}|${k.txid}`;

/**
 * Inserts new conversions; rows whose (click, type, txid) already exists are skipped instead of failing,
 * so a concurrent duplicate never aborts the batch's transaction (on PostgreSQL a unique violation would).
 * Returns the rows actually inserted. Rows go in key order so two batches racing on the same keys wait
 * for each other instead of deadlocking.
 */
export async function insertConversionsSkippingDuplicates(
  trx: Q,
  rows: NewConversionRow[],
): Promise<(ConversionKey & { id: number })[]> {
  const sorted = [...rows].sort((a, b) => {
    const ka = conversionKey(a);
    const kb = conversionKey(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  const inserted = await insertRows(trx, 'conversions', sorted, {
    ignoreConflictOn: ['click_row_id', 'type_key', 'txid'],
    returning: ['id', 'click_row_id', 'type_key', 'txid'],
    chunk: CHUNK,
  });
  return inserted.map((r) => ({
    id: Number(r['id']),
    click_row_id: Number(r['click_row_id']),
    type_key: String(r['type_key']),
    txid: String(r['txid']),
  }));
}

/** Existing conversions for keys; used to answer duplicates with the original conversion id. */
export async function findConversionIdsByKeys(q: Q, keys: ConversionKey[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const byClick = [...new Set(keys.map((k) => k.click_row_id))];
  const wanted = new Set(keys.map(conversionKey));
  for (let i = 0; i < byClick.length; i += CHUNK) {
    const rows = await q('conversions')
      .select('id', 'click_row_id', 'type_key', 'txid')
      .whereIn('click_row_id', byClick.slice(i, i + CHUNK));
    for (const r of rows) {
      const k = conversionKey({ click_row_id: Number(r.click_row_id), type_key: r.type_key, txid: r.txid });
      if (wanted.has(k)) out.set(k, Number(r.id));
    }
  }
  return out;
}

/** Clicks by row id, with what a conversion needs of them. */
export async function findClicksByRowIds(q: Q, ids: readonly number[]): Promise<Map<number, ClickForConversion>> {
  const out = new Map<number, ClickForConversion>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += CHUNK) {
    const rows = await q('clicks')
      .select(CLICK_COLUMNS)
      .whereIn('id', unique.slice(i, i + CHUNK));
    for (const r of rows) out.set(Number(r.id), toClick(r));
  }
  return out;
}
