import type { Knex } from 'knex';

/**
 * Tiny builders that write straight to the tables, so a test states only what it cares about.
 * They bypass use cases on purpose: they set up the world, the test then drives the real API.
 */
let seq = 0;
const now = () => Date.now();

export async function makePartner(
  db: Knex,
  over: Partial<{
    name: string;
    email: string;
    status: string;
    currency: string;
    timezone: string;
    referrer_id: number | null;
    referral_rate_bp: number | null;
  }> = {},
): Promise<number> {
  seq += 1;
  const [row] = await db('partners')
    .insert({
      name: `Partner ${seq}`,
      email: `partner${seq}-${Math.random().toString(36).slice(2, 8)}@example.com`,
      status: 'active',
      currency: 'USD',
      timezone: 'UTC',
      created_at: now(),
      updated_at: now(),
      ...over,
    })
    .returning('id');
  return (row as { id: number }).id;
}

export interface PayoutSpec {
  type: string;
  kind?: 'fixed' | 'revshare';
  amount?: number; // minor units
  percentBp?: number;
  defaultRevenue?: number;
}

export async function makeCampaign(
  db: Knex,
  over: Partial<{
    name: string;
    type: string;
    status: string;
    landing_url: string;
    currency: string;
    access: string;
    deeplink_domains: string;
  }> = {},
  payouts: PayoutSpec[] = [
    { type: 'lead', amount: 500 },
    { type: 'Deposit', amount: 5000 },
  ],
): Promise<number> {
  seq += 1;
  const [row] = await db('campaigns')
    .insert({
      name: `Campaign ${seq}`,
      type: 'cpa',
      status: 'active',
      landing_url: 'https://offer.example.com/lp?cid={clickid}&s1={sub1}',
      currency: 'USD',
      access: 'approval',
      created_at: now(),
      updated_at: now(),
      ...over,
    })
    .returning('id');
  const campaignId = (row as { id: number }).id;
  for (const p of payouts) {
    await db('campaign_payouts').insert({
      campaign_id: campaignId,
      conversion_type: p.type,
      type_key: p.type.toLowerCase(),
      kind: p.kind ?? 'fixed',
      amount: p.amount ?? 0,
      percent_bp: p.percentBp ?? 0,
      default_revenue: p.defaultRevenue ?? 0,
    });
  }
  return campaignId;
}

export async function grantAccess(db: Knex, partnerId: number, campaignId: number, status = 'approved'): Promise<void> {
  await db('partner_campaigns').insert({ partner_id: partnerId, campaign_id: campaignId, status, created_at: now() });
}

/** A fresh partner approved on a fresh campaign (default payouts): the setup most S2S and relay tests start from. */
export async function makeApprovedPair(db: Knex): Promise<{ partnerId: number; campaignId: number }> {
  const partnerId = await makePartner(db);
  const campaignId = await makeCampaign(db);
  await grantAccess(db, partnerId, campaignId);
  return { partnerId, campaignId };
}

/**
 * The promo material the bot tests read: a default "Quiz LP" landing on offer.example.com, a 300x250 banner
 * and a text creative saying `adCopy`. Returns the landing id.
 */
export async function addPromoMaterial(db: Knex, campaignId: number, adCopy: string): Promise<number> {
  const [lp] = await db('landings')
    .insert({
      campaign_id: campaignId,
      name: 'Quiz LP',
      url: 'https://offer.example.com/quiz?c={clickid}',
      is_default: true,
    })
    .returning('id');
  await db('creatives').insert([
    {
      campaign_id: campaignId,
      name: 'Big banner',
      kind: 'banner',
      url: 'https://cdn.example.com/b.png',
      width: 300,
      height: 250,
      body: '',
    },
    { campaign_id: campaignId, name: 'Ad copy', kind: 'text', url: '', width: null, height: null, body: adCopy },
  ]);
  return (lp as { id: number }).id;
}
