import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { lastWholePeriod } from '../../src/domain/digest-schedule.js';
import { grantAccess, makeCampaign, makePartner } from './fixtures.js';
import { addClick, addConversion } from './report-facts.js';

export const EARLY = Date.UTC(2026, 0, 1);

/** A partner (joined long ago) with `clicks` clicks spread over the last whole week and a conversion per 10. */
export async function partnerWithWeek(
  db: Knex,
  opts: { timezone?: string; clicks?: number; email?: string; currency?: string; name?: string; now?: number } = {},
): Promise<{ partnerId: number; campaignId: number; email: string }> {
  const timezone = opts.timezone ?? 'Europe/Berlin';
  const currency = opts.currency ?? 'EUR';
  const email = opts.email ?? `p-${randomBytes(4).toString('hex')}@digest.example`;
  const partnerId = await makePartner(db, { timezone, email, currency, name: opts.name ?? 'Ada <Partner> & Co' });
  await db('partners').where({ id: partnerId }).update({ created_at: EARLY });
  const campaignId = await makeCampaign(db, { name: 'Casino "Royal" <b>', currency });
  await grantAccess(db, partnerId, campaignId);
  const week = lastWholePeriod('weekly', timezone, opts.now ?? Date.now());
  const n = opts.clicks ?? 0;
  for (let i = 0; i < n; i++) {
    const at = week.from + Math.floor(((week.to - week.from - 3_600_000) * i) / Math.max(1, n));
    const c = await addClick(db, { partnerId, campaignId, at, country: i % 3 === 0 ? 'DE' : 'FR' });
    if (i % 10 === 0) await addConversion(db, c, { payout: 1234, currency });
  }
  return { partnerId, campaignId, email };
}
