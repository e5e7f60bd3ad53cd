import { findCampaignById, loadCampaignDetails } from '../../db/repositories/campaigns.js';
import { notFound } from '../../domain/errors.js';
import { parseInput } from '../../domain/validation.js';
import type { Deps } from '../deps.js';
import { idSchema } from './admin-input.js';
import { type CampaignView, toCampaignView } from './campaign-view.js';

export const campaignNotFound = (id: number, field = 'id') =>
  notFound('campaign_not_found', `campaign ${id} does not exist; list campaigns with GET /api/v1/campaigns`, field);

/** One campaign with its payouts, landings and creatives as the API shows it; create and update answer with it too. */
export async function loadCampaignView(
  db: Deps['db'],
  id: number,
  publicUrl: string,
): Promise<CampaignView | undefined> {
  const row = await findCampaignById(db, id);
  if (!row) return undefined;
  const details = await loadCampaignDetails(db, [id]);
  return toCampaignView(row, details.get(id)!, publicUrl);
}

export async function getCampaign(deps: Deps, rawId: unknown): Promise<CampaignView> {
  const id = parseInput(idSchema('campaign'), rawId, 'id');
  const view = await loadCampaignView(deps.db, id, deps.config.publicUrl);
  if (!view) throw campaignNotFound(id);
  return view;
}
