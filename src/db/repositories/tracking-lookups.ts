import type { Knex } from 'knex';

/** What the tracking redirect needs to know about a campaign; only active landings are listed. */
export interface TrackingCampaign {
  id: number;
  status: string;
  access: string;
  landingUrl: string;
  /** The deeplink_domains column as stored: a JSON array of hostnames. */
  deeplinkDomains: string;
  landings: { id: number; url: string; isDefault: boolean }[];
}

export async function findTrackingCampaign(db: Knex, id: number): Promise<TrackingCampaign | null> {
  const c = await db('campaigns')
    .select('id', 'status', 'access', 'landing_url', 'deeplink_domains')
    .where({ id })
    .first();
  if (!c) return null;
  const landings = await db('landings')
    .select('id', 'url', 'is_default')
    .where({ campaign_id: id, status: 'active' })
    .orderBy('id');
  return {
    id: c.id,
    status: c.status,
    access: c.access,
    landingUrl: c.landing_url,
    deeplinkDomains: c.deeplink_domains,
    // SQLite returns booleans as 0/1.
    landings: landings.map((l) => ({ id: l.id, url: l.url, isDefault: Boolean(l.is_default) })),
  };
}

export async function findPartnerStatus(db: Knex, id: number): Promise<string | null> {
  const p = await db('partners').select('status').where({ id }).first();
  return p ? (p.status as string) : null;
}

/** The partner's access row status for a campaign (pending | approved | rejected), or null when none. */
export async function findAccessStatus(db: Knex, partnerId: number, campaignId: number): Promise<string | null> {
  const a = await db('partner_campaigns')
    .select('status')
    .where({ partner_id: partnerId, campaign_id: campaignId })
    .first();
  return a ? (a.status as string) : null;
}
