import { insertCampaign, insertLandings, replaceCreatives, replacePayouts } from '../../db/repositories/campaigns.js';
import { invalid } from '../../domain/errors.js';
import { parseInput } from '../../domain/validation.js';
import type { Deps } from '../deps.js';
import { rejectUnknownKeys } from './admin-input.js';
import { CAMPAIGN_FIELDS, CreateCampaignSchema } from './campaign-input.js';
import { type CampaignView, toCreativeRows, toLandingRows, toPayoutRows } from './campaign-view.js';
import { loadCampaignView } from './get-campaign.js';

/**
 * Adds a campaign with its payouts, landings and creatives in one transaction. All parsing (money, percent,
 * URLs, duplicate types) happens before the transaction opens, so a refused request writes nothing.
 */
export async function createCampaign(deps: Deps, input: unknown): Promise<CampaignView> {
  rejectUnknownKeys(input, CAMPAIGN_FIELDS);
  const c = parseInput(CreateCampaignSchema, input);
  const payouts = toPayoutRows(c.payouts, c.currency);
  const landings = toLandingRows(c.landings);
  const withId = c.landings.findIndex((l) => l.id !== undefined);
  if (withId >= 0) {
    throw invalid(
      'unexpected_landing_id',
      `landings.${withId}.id is only for changing an existing landing; leave it out when creating a campaign`,
      `landings.${withId}.id`,
    );
  }
  const creatives = toCreativeRows(c.creatives);
  const now = deps.now();
  const result = await deps.db.transaction(async (trx) => {
    const id = await insertCampaign(trx, {
      name: c.name,
      type: c.type,
      category: c.category,
      description: c.description,
      status: c.status,
      landing_url: c.landing_url,
      currency: c.currency,
      deeplink_domains: JSON.stringify([...new Set(c.deeplink_domains)]),
      access: c.access,
      geo_targets: [...new Set(c.geo_targets)].join(','),
      created_at: now,
      updated_at: now,
    });
    await replacePayouts(trx, id, payouts);
    await insertLandings(
      trx,
      id,
      landings.map(({ id: _id, ...l }) => l),
    );
    await replaceCreatives(trx, id, creatives);
    // Written in this transaction, so it is there.
    return (await loadCampaignView(trx, id, deps.config.publicUrl))!;
  });
  // After the commit, so a process that forgets and reloads at once reads the change.
  await deps.cacheBus?.publish('tracking');
  return result;
}
