import { listCampaignRows, loadCampaignDetails } from '../../db/repositories/campaigns.js';
import { parseInput } from '../../domain/validation.js';
import type { Deps } from '../deps.js';
import { type Page, PaginationSchema } from './admin-input.js';
import { ListCampaignsSchema } from './campaign-input.js';
import { type CampaignView, toCampaignView } from './campaign-view.js';

export const ListCampaignsQuery = PaginationSchema.extend(ListCampaignsSchema.shape);

/** Campaigns by id with their payouts, landings and creatives; filters status, type, category, search. */
export async function listCampaigns(deps: Deps, query: unknown): Promise<Page<CampaignView>> {
  const q = parseInput(ListCampaignsQuery, query ?? {});
  const { rows, total } = await listCampaignRows(deps.db, q);
  const details = await loadCampaignDetails(
    deps.db,
    rows.map((r) => r.id),
  );
  return {
    items: rows.map((r) => toCampaignView(r, details.get(r.id)!, deps.config.publicUrl)),
    total,
    limit: q.limit,
    offset: q.offset,
  };
}
