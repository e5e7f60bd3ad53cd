import { loadCampaignDetails } from '../../db/repositories/campaigns.js';
import { listPartnerCampaignRows, type PartnerAccess } from '../../db/repositories/partner-portal.js';
import { type CampaignView, toCampaignView } from '../admin/campaign-view.js';
import { type Deps, readerOf } from '../deps.js';

export type PartnerCampaign = CampaignView & { partner_access: PartnerAccess };

export interface PartnerCampaignPage {
  items: PartnerCampaign[];
  total: number;
  /** 1-based. */
  page: number;
  pages: number;
}

/**
 * The campaigns a partner can see: public ones, ones they are approved for, and ones they asked for (shown as
 * pending approval). Never archived ones, never campaigns that need an approval they do not have.
 */
export async function listPartnerCampaigns(
  deps: Deps,
  partnerId: number,
  q: { search?: string | undefined; page?: number; pageSize?: number } = {},
): Promise<PartnerCampaignPage> {
  const pageSize = Math.min(Math.max(q.pageSize ?? 10, 1), 100);
  const search = q.search?.trim().slice(0, 100) || undefined;
  const page = Math.max(Math.floor(q.page ?? 1), 1);
  // Read only: on SQLite the read pool's thread, not the writer on the main thread.
  const db = readerOf(deps);
  const { rows, total } = await listPartnerCampaignRows(db, partnerId, {
    search,
    limit: pageSize,
    offset: (page - 1) * pageSize,
  });
  const details = await loadCampaignDetails(
    db,
    rows.map((r) => r.id),
  );
  return {
    items: rows.map((r) => ({
      ...toCampaignView(r, details.get(r.id)!, deps.config.publicUrl),
      partner_access: r.partnerAccess,
    })),
    total,
    page,
    pages: Math.max(Math.ceil(total / pageSize), 1),
  };
}
