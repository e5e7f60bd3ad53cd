import { findCampaignById, loadCampaignDetails } from '../../db/repositories/campaigns.js';
import { notFound } from '../../domain/errors.js';
import { parseInput } from '../../domain/validation.js';
import type { Deps } from '../deps.js';
import { idSchema } from './admin-input.js';
import { type CampaignView, toCampaignView } from './campaign-view.js';

export const campaignNotFound = (id: number, field = 'id') =>
  notFound('campaign_not_found', `campaign ${id} does not exist; list campaigns with GET /api/v1/campaigns`, field);

export async function getCampaign(deps: Deps, rawId: unknown): Promise<CampaignView> {
  const id = parseInput(idSchema('campaign'), rawId, 'id');
  const row = await findCampaignById(deps.db, id);
  if (!row) throw campaignNotFound(id);
  const details = await loadCampaignDetails(deps.db, [id]);
  return toCampaignView(row, details.get(id)!, deps.config.publicUrl);
}
