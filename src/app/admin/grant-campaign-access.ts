import { findAccess, findCampaignById, listAccess, upsertAccess } from '../../db/repositories/campaigns.js';
import { findPartnerById } from '../../db/repositories/partners.js';
import { parseInput } from '../../domain/validation.js';
import type { Deps } from '../deps.js';
import { idSchema, isoTime, rejectUnknownKeys } from './admin-input.js';
import { AccessSchema } from './campaign-input.js';
import { campaignNotFound } from './get-campaign.js';
import { partnerNotFound } from './get-partner.js';

export interface AccessView {
  partner_id: number;
  campaign_id: number;
  status: string;
  created_at: string;
}

/** Sets a partner's access to an approval-only campaign: approved, pending (applied) or rejected. */
export async function grantCampaignAccess(
  deps: Deps,
  raw: { campaignId: unknown; partnerId: unknown },
  input: unknown,
): Promise<AccessView> {
  const campaignId = parseInput(idSchema('campaign'), raw.campaignId, 'campaign_id');
  const partnerId = parseInput(idSchema('partner'), raw.partnerId, 'partner_id');
  rejectUnknownKeys(input, ['status']);
  const { status } = parseInput(AccessSchema, input);
  const result = await deps.db.transaction(async (trx) => {
    if (!(await findCampaignById(trx, campaignId))) throw campaignNotFound(campaignId, 'campaign_id');
    if (!(await findPartnerById(trx, partnerId))) throw partnerNotFound(partnerId, 'partner_id');
    await upsertAccess(trx, { partner_id: partnerId, campaign_id: campaignId, status, created_at: deps.now() });
    const row = await findAccess(trx, partnerId, campaignId);
    return toAccessView(row!);
  });
  // After the commit, so a process that forgets and reloads at once reads the change.
  await deps.cacheBus?.publish('tracking');
  return result;
}

export async function listCampaignAccess(deps: Deps, rawCampaignId: unknown): Promise<AccessView[]> {
  const campaignId = parseInput(idSchema('campaign'), rawCampaignId, 'campaign_id');
  if (!(await findCampaignById(deps.db, campaignId))) throw campaignNotFound(campaignId, 'campaign_id');
  return (await listAccess(deps.db, campaignId)).map(toAccessView);
}

function toAccessView(r: { partner_id: number; campaign_id: number; status: string; created_at: number }): AccessView {
  return {
    partner_id: r.partner_id,
    campaign_id: r.campaign_id,
    status: r.status,
    created_at: isoTime(Number(r.created_at)),
  };
}
