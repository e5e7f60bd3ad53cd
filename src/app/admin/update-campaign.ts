import {
  archiveLandingsExcept,
  findCampaignById,
  insertLandings,
  type NewCampaignRow,
  replaceCreatives,
  replacePayouts,
  updateCampaignRow,
  updateLanding,
} from '../../db/repositories/campaigns.js';
import { invalid } from '../../domain/errors.js';
import { parseInput } from '../../domain/validation.js';
import type { Deps } from '../deps.js';
import { idSchema, rejectUnknownKeys, requireSomeField } from './admin-input.js';
import { CAMPAIGN_FIELDS, UpdateCampaignSchema } from './campaign-input.js';
import { type CampaignView, toCreativeRows, toLandingRows, toPayoutRows } from './campaign-view.js';
import { campaignNotFound, loadCampaignView } from './get-campaign.js';

/**
 * Changes the given fields. A list that is sent replaces the old one: payouts and creatives outright;
 * landings by id (landings with an id are changed, without one added, missing ones archived, because
 * clicks keep pointing at them).
 */
export async function updateCampaign(deps: Deps, rawId: unknown, input: unknown): Promise<CampaignView> {
  const id = parseInput(idSchema('campaign'), rawId, 'id');
  rejectUnknownKeys(input, CAMPAIGN_FIELDS);
  const c = parseInput(UpdateCampaignSchema, input);
  requireSomeField(c, CAMPAIGN_FIELDS);
  const landings = c.landings ? toLandingRows(c.landings) : undefined;
  const creatives = c.creatives ? toCreativeRows(c.creatives) : undefined;
  const result = await deps.db.transaction(async (trx) => {
    const current = await findCampaignById(trx, id);
    if (!current) throw campaignNotFound(id);
    const currency = c.currency ?? current.currency;
    // Payout amounts are read in the campaign currency, which may change in this very request.
    const payouts = c.payouts ? toPayoutRows(c.payouts, currency) : undefined;
    const patch: Partial<NewCampaignRow> = { updated_at: deps.now() };
    for (const k of ['name', 'type', 'category', 'description', 'status', 'landing_url', 'access'] as const) {
      if (c[k] !== undefined) patch[k] = c[k];
    }
    if (c.currency !== undefined) patch.currency = c.currency;
    if (c.deeplink_domains !== undefined) patch.deeplink_domains = JSON.stringify([...new Set(c.deeplink_domains)]);
    if (c.geo_targets !== undefined) patch.geo_targets = [...new Set(c.geo_targets)].join(',');
    await updateCampaignRow(trx, id, patch);
    if (payouts) await replacePayouts(trx, id, payouts);
    if (creatives) await replaceCreatives(trx, id, creatives);
    if (landings) {
      const keep: number[] = [];
      for (const [i, l] of landings.entries()) {
        const { id: landingId, ...row } = l;
        if (landingId === undefined) {
          keep.push(...(await insertLandings(trx, id, [row])));
        } else if ((await updateLanding(trx, id, landingId, row)) === 0) {
          throw invalid(
            'unknown_landing',
            `landings.${i}.id ${landingId} is not a landing of campaign ${id}; leave id out to add a new landing`,
            `landings.${i}.id`,
          );
        } else {
          keep.push(landingId);
        }
      }
      await archiveLandingsExcept(trx, id, keep);
    }
    // Written in this transaction, so it is there.
    return (await loadCampaignView(trx, id, deps.config.publicUrl))!;
  });
  // After the commit, so a process that forgets and reloads at once reads the change.
  await deps.cacheBus?.publish('tracking');
  return result;
}
