import type { Knex } from 'knex';
import { countRows, escapeLike } from '../knex.js';

export interface CampaignRow {
  id: number;
  name: string;
  type: string;
  category: string;
  description: string;
  status: string;
  landing_url: string;
  currency: string;
  /** JSON array text. */
  deeplink_domains: string;
  access: string;
  /** Comma-separated ISO countries; '' = worldwide. */
  geo_targets: string;
  created_at: number;
  updated_at: number;
}
export type NewCampaignRow = Omit<CampaignRow, 'id'>;

export interface PayoutRow {
  id: number;
  campaign_id: number;
  conversion_type: string;
  type_key: string;
  kind: string;
  amount: number;
  percent_bp: number;
  default_revenue: number;
}
export type NewPayoutRow = Omit<PayoutRow, 'id' | 'campaign_id'>;

export interface LandingRow {
  id: number;
  campaign_id: number;
  name: string;
  url: string;
  is_default: boolean | number;
  status: string;
}
export type NewLandingRow = Omit<LandingRow, 'id' | 'campaign_id'>;

export interface CreativeRow {
  id: number;
  campaign_id: number;
  name: string;
  kind: string;
  url: string;
  width: number | null;
  height: number | null;
  body: string;
}
export type NewCreativeRow = Omit<CreativeRow, 'id' | 'campaign_id'>;

export interface CampaignDetails {
  payouts: PayoutRow[];
  landings: LandingRow[];
  creatives: CreativeRow[];
}

export interface CampaignFilter {
  status?: string | undefined;
  type?: string | undefined;
  category?: string | undefined;
  search?: string | undefined;
  limit: number;
  offset: number;
}

export async function insertCampaign(db: Knex, row: NewCampaignRow): Promise<number> {
  const [r] = await db('campaigns').insert(row).returning('id');
  return (r as { id: number }).id;
}

export async function updateCampaignRow(db: Knex, id: number, patch: Partial<NewCampaignRow>): Promise<void> {
  await db('campaigns').where({ id }).update(patch);
}

export async function findCampaignById(db: Knex, id: number): Promise<CampaignRow | undefined> {
  return db('campaigns').where({ id }).first();
}

/**
 * Makes the campaign's payout set exactly `payouts`: conversions keep their own type_key and amounts, so
 * removing a payout rule only affects conversions that arrive later.
 */
export async function replacePayouts(db: Knex, campaignId: number, payouts: NewPayoutRow[]): Promise<void> {
  await db('campaign_payouts').where({ campaign_id: campaignId }).delete();
  if (payouts.length > 0) {
    await db('campaign_payouts').insert(payouts.map((p) => ({ ...p, campaign_id: campaignId })));
  }
}

export async function insertLandings(db: Knex, campaignId: number, landings: NewLandingRow[]): Promise<number[]> {
  if (landings.length === 0) return [];
  const rows = await db('landings')
    .insert(landings.map((l) => ({ ...l, campaign_id: campaignId })))
    .returning('id');
  return rows.map((r) => (r as { id: number }).id);
}

export async function updateLanding(db: Knex, campaignId: number, id: number, patch: NewLandingRow): Promise<number> {
  return db('landings').where({ id, campaign_id: campaignId }).update(patch);
}

/** Landings are referenced by clicks, so ones dropped from a campaign are archived, never deleted. */
export async function archiveLandingsExcept(db: Knex, campaignId: number, keepIds: number[]): Promise<void> {
  await db('landings')
    .where({ campaign_id: campaignId })
    .whereNotIn('id', keepIds.length > 0 ? keepIds : [0])
    .update({ status: 'archived', is_default: false });
}

export async function replaceCreatives(db: Knex, campaignId: number, creatives: NewCreativeRow[]): Promise<void> {
  await db('creatives').where({ campaign_id: campaignId }).delete();
  if (creatives.length > 0) {
    await db('creatives').insert(creatives.map((c) => ({ ...c, campaign_id: campaignId })));
  }
}

/** Payouts, landings and creatives of several campaigns at once (three queries, not 3 per campaign). */
export async function loadCampaignDetails(db: Knex, ids: number[]): Promise<Map<number, CampaignDetails>> {
  const out = new Map<number, CampaignDetails>();
  for (const id of ids) out.set(id, { payouts: [], landings: [], creatives: [] });
  if (ids.length === 0) return out;
  // Sequential on purpose: inside a transaction they share one connection, which runs one query at a time.
  const payouts: PayoutRow[] = await db('campaign_payouts').whereIn('campaign_id', ids).orderBy('id');
  const landings: LandingRow[] = await db('landings').whereIn('campaign_id', ids).orderBy('id');
  const creatives: CreativeRow[] = await db('creatives').whereIn('campaign_id', ids).orderBy('id');
  for (const p of payouts) out.get(p.campaign_id)?.payouts.push(p);
  for (const l of landings) out.get(l.campaign_id)?.landings.push(l);
  for (const c of creatives) out.get(c.campaign_id)?.creatives.push(c);
  return out;
}

export async function listCampaignRows(db: Knex, f: CampaignFilter): Promise<{ rows: CampaignRow[]; total: number }> {
  const base = db('campaigns').modify((q) => {
    if (f.status) q.where('status', f.status);
    if (f.type) q.where('type', f.type);
    if (f.category) q.where('category', f.category);
    if (f.search) {
      const like = `%${escapeLike(f.search.toLowerCase())}%`;
      q.where((w) =>
        w
          .whereRaw("lower(name) like ? escape '\\'", [like])
          .orWhereRaw("lower(description) like ? escape '\\'", [like]),
      );
    }
  });
  const total = await countRows(base.clone());
  const rows = await base.clone().select('*').orderBy('id', 'asc').limit(f.limit).offset(f.offset);
  return { rows, total };
}

export interface AccessRow {
  partner_id: number;
  campaign_id: number;
  status: string;
  created_at: number;
}

export async function upsertAccess(db: Knex, row: AccessRow): Promise<void> {
  await db('partner_campaigns').insert(row).onConflict(['partner_id', 'campaign_id']).merge({ status: row.status });
}

export async function findAccess(db: Knex, partnerId: number, campaignId: number): Promise<AccessRow | undefined> {
  return db('partner_campaigns').where({ partner_id: partnerId, campaign_id: campaignId }).first();
}

export async function listAccess(db: Knex, campaignId: number): Promise<AccessRow[]> {
  return db('partner_campaigns').where({ campaign_id: campaignId }).orderBy('partner_id');
}

/**
 * An active campaign, an active partner allowed to run it, and one of its conversion types: what the start
 * banner's example tracking link and postback need. Null on an empty database.
 */
export async function findTrackingExample(
  db: Knex,
): Promise<{ campaignId: number; partnerId: number; type: string } | null> {
  const row = await db('partner_campaigns as pc')
    .join('campaigns as c', 'c.id', 'pc.campaign_id')
    .join('partners as p', 'p.id', 'pc.partner_id')
    .join('campaign_payouts as cp', 'cp.campaign_id', 'c.id')
    .where({ 'pc.status': 'approved', 'c.status': 'active', 'p.status': 'active', 'cp.kind': 'fixed' })
    .orderBy([
      { column: 'c.id', order: 'asc' },
      { column: 'p.id', order: 'asc' },
      { column: 'cp.id', order: 'asc' },
    ])
    .first('c.id as campaign_id', 'p.id as partner_id', 'cp.conversion_type as type');
  return row ? { campaignId: row.campaign_id, partnerId: row.partner_id, type: row.type } : null;
}
