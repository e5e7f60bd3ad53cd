import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { applyRollupDeltas } from '../../src/db/rollups.js';

/**
 * Writes clicks and conversions the way the real writers do (row + rollup delta in one transaction), so
 * report and cost tests state only the facts they care about.
 */
export interface ClickSpec {
  partnerId: number;
  campaignId: number;
  at: number;
  landingId?: number | null;
  country?: string;
  device?: string;
  os?: string;
  sub1?: string | null;
  sub2?: string | null;
}

export interface StoredClick extends Required<Omit<ClickSpec, 'sub1' | 'sub2'>> {
  id: number;
  /** The public click id a postback carries. */
  clickId: string;
}

export async function addClick(db: Knex, c: ClickSpec): Promise<StoredClick> {
  const click = {
    partnerId: c.partnerId,
    campaignId: c.campaignId,
    at: c.at,
    landingId: c.landingId ?? null,
    country: c.country ?? 'US',
    device: c.device ?? 'desktop',
    os: c.os ?? 'Windows',
  };
  const clickId = randomBytes(12).toString('base64url');
  return db.transaction(async (trx) => {
    const [row] = await trx('clicks')
      .insert({
        click_id: clickId,
        campaign_id: click.campaignId,
        partner_id: click.partnerId,
        landing_id: click.landingId,
        sub1: c.sub1 ?? null,
        sub2: c.sub2 ?? null,
        country: click.country,
        device: click.device,
        os: click.os,
        created_at: click.at,
      })
      .returning('id');
    await applyRollupDeltas(trx, [{ ...click, typeKey: '', clicks: 1 }]);
    return { ...click, id: (row as { id: number }).id, clickId };
  });
}

export async function addClicks(db: Knex, n: number, c: ClickSpec): Promise<StoredClick[]> {
  const out: StoredClick[] = [];
  for (let i = 0; i < n; i++) out.push(await addClick(db, c));
  return out;
}

export interface ConversionSpec {
  type?: string;
  status?: 'pending' | 'approved' | 'declined';
  payout?: number;
  revenue?: number;
  at?: number;
  currency?: string;
  txid?: string;
}

export async function addConversion(db: Knex, click: StoredClick, s: ConversionSpec = {}): Promise<number> {
  const type = s.type ?? 'Deposit';
  const status = s.status ?? 'approved';
  const payout = s.payout ?? 5000;
  const revenue = s.revenue ?? 8000;
  const at = s.at ?? click.at + 60_000;
  const live = status !== 'declined';
  return db.transaction(async (trx) => {
    const [row] = await trx('conversions')
      .insert({
        click_row_id: click.id,
        partner_id: click.partnerId,
        campaign_id: click.campaignId,
        type,
        type_key: type.toLowerCase(),
        status,
        payout,
        revenue,
        currency: s.currency ?? 'USD',
        txid: s.txid ?? randomBytes(6).toString('hex'),
        created_at: at,
        updated_at: at,
      })
      .returning('id');
    await applyRollupDeltas(trx, [
      {
        at,
        partnerId: click.partnerId,
        campaignId: click.campaignId,
        landingId: click.landingId,
        country: click.country,
        device: click.device,
        os: click.os,
        typeKey: type.toLowerCase(),
        convTotal: live ? 1 : 0,
        convApproved: status === 'approved' ? 1 : 0,
        convPending: status === 'pending' ? 1 : 0,
        convDeclined: status === 'declined' ? 1 : 0,
        payout: live ? payout : 0,
        payoutApproved: status === 'approved' ? payout : 0,
        revenue: live ? revenue : 0,
      },
    ]);
    return (row as { id: number }).id;
  });
}
