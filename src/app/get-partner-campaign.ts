import { findPartnerCampaignAccess } from '../db/repositories/partner-portal.js';
import { notFound } from '../domain/errors.js';
import type { Deps } from './deps.js';
import { getCampaign } from './get-campaign.js';
import type { PartnerCampaign } from './list-partner-campaigns.js';

/**
 * One campaign as a partner sees it. A campaign the partner may not see answers exactly like one that does not
 * exist, so the bot never confirms that a private campaign is there.
 */
export async function getPartnerCampaign(deps: Deps, partnerId: number, rawId: unknown): Promise<PartnerCampaign> {
  const s = String(rawId ?? '').trim();
  const id = /^\d{1,9}$/.test(s) ? Number(s) : null;
  const access = id === null || id === 0 ? null : await findPartnerCampaignAccess(deps.db, partnerId, id);
  if (id === null || access === null) {
    throw notFound('campaign_not_found', `campaign ${s.slice(0, 40)} not found; list yours with "campaigns"`, 'id');
  }
  return { ...(await getCampaign(deps, id)), partner_access: access };
}

/** The tracking link a partner puts in their ads; {replace_me} is where their own click id macro goes. */
export function partnerTrackingLink(publicUrl: string, campaignId: number, partnerId: number, landingId?: number) {
  const lp = landingId === undefined ? '' : `&lp=${landingId}`;
  return `${publicUrl}/t/${campaignId}?pid=${partnerId}${lp}&ref_id={replace_me}`;
}
