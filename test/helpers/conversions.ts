import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { foldAllRollupDeltas } from '../../src/db/rollup-fold.js';

/** Text columns of a click a test may set. */
export type ClickText =
  | 'click_id'
  | 'country'
  | 'device'
  | 'os'
  | 'ref_id'
  | 'sub1'
  | 'sub2'
  | 'sub3'
  | 'sub4'
  | 'sub5';

/**
 * Clicks written straight to the table, so conversion tests do not depend on the tracking route.
 * Returns the public click id a postback would carry.
 */
export async function makeClick(
  db: Knex,
  partnerId: number,
  campaignId: number,
  over: Partial<Record<ClickText, string> & { created_at: number }> = {},
): Promise<string> {
  const clickId = over.click_id ?? randomBytes(12).toString('base64url');
  await db('clicks').insert({
    click_id: clickId,
    campaign_id: campaignId,
    partner_id: partnerId,
    country: 'DE',
    device: 'desktop',
    os: 'Windows',
    created_at: Date.now(),
    ...over,
  });
  return clickId;
}

/** Ledger entries of a partner as [account, amount, reason] in booking order. */
export async function ledgerOf(db: Knex, partnerId: number): Promise<[string, number, string][]> {
  const rows = await db('ledger_entries').where({ partner_id: partnerId }).orderBy('id');
  return rows.map((r) => [r.account, Number(r.amount), r.reason]);
}

/**
 * Report totals of a partner over all hours, from the rollups (dim = all), once every delta is folded in
 * (PostgreSQL appends them to rollup_deltas; reports add that tail themselves, this reads the table).
 */
export async function rollupTotals(db: Knex, partnerId: number): Promise<Record<string, number>> {
  await foldAllRollupDeltas(db);
  const r = await db('rollup_dim_hourly')
    .where({ partner_id: partnerId, dim: 'all' })
    .sum({
      conv_total: 'conv_total',
      conv_approved: 'conv_approved',
      conv_pending: 'conv_pending',
      conv_declined: 'conv_declined',
      payout: 'payout',
      payout_approved: 'payout_approved',
      revenue: 'revenue',
    })
    .first();
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(r ?? {})) out[k] = Number(v ?? 0);
  return out;
}

export async function countRows(db: Knex, table: string, where: Record<string, unknown> = {}): Promise<number> {
  const r = await db(table).where(where).count({ n: '*' }).first();
  return Number(r?.n ?? 0);
}
