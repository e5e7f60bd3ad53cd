import { findPartnerCampaignAccess } from '../../db/repositories/partner-portal.js';
import { notFound } from '../../domain/errors.js';
import { getCampaign } from '../admin/get-campaign.js';
import type { Deps } from '../deps.js';
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

/**
 * The tracking link a partner puts in their ads; {replace_me} is where their own click id macro goes, kept
 * last so it is easy to spot. `landingId` targets one of the campaign's landings, `deeplink` any page of its
 * deeplink domains (sent URL-encoded; the redirect checks it again on every click).
 */
export function partnerTrackingLink(
  publicUrl: string,
  campaignId: number,
  partnerId: number,
  target: { landingId?: number; deeplink?: string } = {},
) {
  const lp = target.landingId === undefined ? '' : `&lp=${target.landingId}`;
  const dl = target.deeplink === undefined ? '' : `&deeplink=${encodeURIComponent(target.deeplink)}`;
  return `${publicUrl}/t/${campaignId}?pid=${partnerId}${lp}${dl}&ref_id={replace_me}`;
}
