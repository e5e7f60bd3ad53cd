import type { Knex } from 'knex';
import { countRows, escapeLike } from '../knex.js';
import type { CampaignRow } from './campaigns.js';

/**
 * What one partner may read in the chat portal: their campaigns, conversions and clicks. Every query here is
 * scoped by partner id, so a command can never show another partner's rows by passing the wrong id.
 */

export type PartnerAccess = 'approved' | 'pending';

/** Campaigns a partner can run (public, or access approved) or has asked for (pending); archived ones never. */
function visibleCampaigns(db: Knex, partnerId: number): Knex.QueryBuilder {
  return db('campaigns as c')
    .leftJoin('partner_campaigns as pc', (j) => j.on('pc.campaign_id', 'c.id').andOnVal('pc.partner_id', partnerId))
    .whereNot('c.status', 'archived')
    .where((w) => w.where('c.access', 'public').orWhereIn('pc.status', ['approved', 'pending']));
}

const accessOf = (r: { access: string; access_status: string | null }): PartnerAccess =>
  r.access === 'public' || r.access_status === 'approved' ? 'approved' : 'pending';

export async function listPartnerCampaignRows(
  db: Knex,
  partnerId: number,
  f: { search?: string | undefined; limit: number; offset: number },
): Promise<{ rows: (CampaignRow & { partnerAccess: PartnerAccess })[]; total: number }> {
  const base = visibleCampaigns(db, partnerId).modify((q) => {
    if (f.search) {
      const like = `%${escapeLike(f.search.toLowerCase())}%`;
      q.where((w) =>
        w
          .whereRaw("lower(c.name) like ? escape '\\'", [like])
          .orWhereRaw("lower(c.description) like ? escape '\\'", [like]),
      );
    }
  });
  const total = await countRows(base.clone());
  const rows = await base
    .clone()
    .select('c.*', 'pc.status as access_status')
    .orderBy('c.id', 'asc')
    .limit(f.limit)
    .offset(f.offset);
  return {
    rows: rows.map((r: CampaignRow & { access_status: string | null }) => {
      const { access_status: _s, ...row } = r;
      return { ...row, partnerAccess: accessOf(r) };
    }),
    total,
  };
}

/** The partner's access to one campaign, or null when they may not see it (unknown, archived, not granted). */
export async function findPartnerCampaignAccess(
  db: Knex,
  partnerId: number,
  campaignId: number,
): Promise<PartnerAccess | null> {
  const r = await visibleCampaigns(db, partnerId)
    .where('c.id', campaignId)
    .first('c.access', 'pc.status as access_status');
  return r ? accessOf(r) : null;
}

export interface PartnerConversionRow {
  id: number;
  created_at: number;
  campaign_id: number;
  campaign_name: string;
  type: string;
  status: string;
  payout: number;
  currency: string;
  txid: string;
  click_id: string;
  ref_id: string | null;
}

const CONVERSION_COLUMNS = [
  'v.id',
  'v.created_at',
  'v.campaign_id',
  'c.name as campaign_name',
  'v.type',
  'v.status',
  'v.payout',
  'v.currency',
  'v.txid',
  'k.click_id',
  'k.ref_id',
];

const toConversion = (r: Record<string, unknown>): PartnerConversionRow => ({
  id: Number(r['id']),
  created_at: Number(r['created_at']),
  campaign_id: Number(r['campaign_id']),
  campaign_name: String(r['campaign_name'] ?? ''),
  type: String(r['type']),
  status: String(r['status']),
  payout: Number(r['payout']),
  currency: String(r['currency']),
  txid: String(r['txid'] ?? ''),
  click_id: String(r['click_id']),
  ref_id: r['ref_id'] == null ? null : String(r['ref_id']),
});

/** Newest first, [from, to) on the conversion time; `typeKey` matches the stored lower-case type. */
export async function listPartnerConversionRows(
  db: Knex,
  partnerId: number,
  f: { typeKey?: string | undefined; from: number; to: number; limit: number; offset: number },
): Promise<{ rows: PartnerConversionRow[]; total: number }> {
  const base = db('conversions as v')
    .where('v.partner_id', partnerId)
    .where('v.created_at', '>=', f.from)
    .where('v.created_at', '<', f.to)
    .modify((q) => {
      if (f.typeKey) q.where('v.type_key', f.typeKey);
    });
  const total = await countRows(base.clone());
  const rows = await base
    .clone()
    .join('clicks as k', 'k.id', 'v.click_row_id')
    .join('campaigns as c', 'c.id', 'v.campaign_id')
    .select(CONVERSION_COLUMNS)
    .orderBy([
      { column: 'v.created_at', order: 'desc' },
      { column: 'v.id', order: 'desc' },
    ])
    .limit(f.limit)
    .offset(f.offset);
  return { rows: rows.map(toConversion), total };
}

export interface PartnerClickRow {
  id: number;
  click_id: string;
  created_at: number;
  campaign_id: number;
  campaign_name: string;
  landing_id: number | null;
  ref_id: string | null;
  sub1: string | null;
  sub2: string | null;
  sub3: string | null;
  sub4: string | null;
  sub5: string | null;
  country: string;
  device: string;
  os: string;
  browser: string;
}

/** A click by its public id, only when it is this partner's. */
export async function findPartnerClick(
  db: Knex,
  partnerId: number,
  clickId: string,
): Promise<PartnerClickRow | undefined> {
  const r = await db('clicks as k')
    .join('campaigns as c', 'c.id', 'k.campaign_id')
    .where({ 'k.click_id': clickId, 'k.partner_id': partnerId })
    .first(
      'k.id',
      'k.click_id',
      'k.created_at',
      'k.campaign_id',
      'c.name as campaign_name',
      'k.landing_id',
      'k.ref_id',
      'k.sub1',
      'k.sub2',
      'k.sub3',
      'k.sub4',
      'k.sub5',
      'k.country',
      'k.device',
      'k.os',
      'k.browser',
    );
  return r ? { ...r, id: Number(r.id), created_at: Number(r.created_at) } : undefined;
}

export async function listClickConversionRows(
  db: Knex,
  partnerId: number,
  clickRowId: number,
): Promise<PartnerConversionRow[]> {
  const rows = await db('conversions as v')
    .join('clicks as k', 'k.id', 'v.click_row_id')
    .join('campaigns as c', 'c.id', 'v.campaign_id')
    .where({ 'v.click_row_id': clickRowId, 'v.partner_id': partnerId })
    .select(CONVERSION_COLUMNS)
    .orderBy('v.id', 'asc');
  return rows.map(toConversion);
}

/** Deliveries of some conversions (oldest first) and all their attempts (oldest first), partner-scoped. */
export async function listConversionDeliveryRows(
  db: Knex,
  partnerId: number,
  conversionIds: number[],
): Promise<{ deliveries: Record<string, unknown>[]; attempts: Record<string, unknown>[] }> {
  if (conversionIds.length === 0) return { deliveries: [], attempts: [] };
  const deliveries = await db('postback_deliveries')
    .where('partner_id', partnerId)
    .whereIn('conversion_id', conversionIds)
    .orderBy('id', 'asc');
  const ids = deliveries.map((d) => Number(d.id));
  const attempts =
    ids.length === 0 ? [] : await db('postback_attempts').whereIn('delivery_id', ids).orderBy('id', 'asc').limit(500);
  return { deliveries, attempts };
}
