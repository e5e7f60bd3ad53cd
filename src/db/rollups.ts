import type { Knex } from 'knex';

/** What one fact adds to (or, negative, takes from) the report rollups. */
export interface RollupDelta {
  at: number; // epoch ms of the fact: click time for clicks and cost, conversion time for conversions
  partnerId: number;
  campaignId: number;
  landingId: number | null;
  country: string;
  device: string;
  os: string;
  typeKey: string; // '' for clicks and cost
  clicks?: number;
  cost?: number;
  convTotal?: number;
  convApproved?: number;
  convPending?: number;
  convDeclined?: number;
  payout?: number;
  payoutApproved?: number;
  revenue?: number;
}

export const METRIC_COLUMNS = [
  'clicks',
  'cost',
  'conv_total',
  'conv_approved',
  'conv_pending',
  'conv_declined',
  'payout',
  'payout_approved',
  'revenue',
] as const;
export type MetricColumn = (typeof METRIC_COLUMNS)[number];

/** The single-dimension projections kept in rollup_dim_hourly. */
export const ROLLUP_DIMS = ['all', 'campaign', 'landing', 'geo', 'device', 'os'] as const;
export type RollupDim = (typeof ROLLUP_DIMS)[number];

const HOUR_MS = 3_600_000;

type Metrics = Record<MetricColumn, number>;
const zero = (): Metrics => ({
  clicks: 0,
  cost: 0,
  conv_total: 0,
  conv_approved: 0,
  conv_pending: 0,
  conv_declined: 0,
  payout: 0,
  payout_approved: 0,
  revenue: 0,
});

function addInto(m: Metrics, d: RollupDelta): void {
  m.clicks += d.clicks ?? 0;
  m.cost += d.cost ?? 0;
  m.conv_total += d.convTotal ?? 0;
  m.conv_approved += d.convApproved ?? 0;
  m.conv_pending += d.convPending ?? 0;
  m.conv_declined += d.convDeclined ?? 0;
  m.payout += d.payout ?? 0;
  m.payout_approved += d.payoutApproved ?? 0;
  m.revenue += d.revenue ?? 0;
}

function dimValue(d: RollupDelta, dim: RollupDim): string {
  switch (dim) {
    case 'all':
      return '';
    case 'campaign':
      return String(d.campaignId);
    case 'landing':
      return d.landingId ? String(d.landingId) : '';
    case 'geo':
      return d.country;
    case 'device':
      return d.device;
    case 'os':
      return d.os;
  }
}

/**
 * Adds deltas to both rollup tables inside the caller's transaction. Deltas are summed per key first:
 * PostgreSQL refuses an upsert that touches one row twice, and fewer statements is the point of batching.
 * Rows are written in key order so concurrent transactions lock them in the same order (no deadlocks).
 */
export async function applyRollupDeltas(trx: Knex | Knex.Transaction, deltas: RollupDelta[]): Promise<void> {
  if (deltas.length === 0) return;
  const full = new Map<string, { key: Record<string, string | number>; m: Metrics }>();
  const dims = new Map<string, { key: Record<string, string | number>; m: Metrics }>();
  for (const d of deltas) {
    const hour = Math.floor(d.at / HOUR_MS);
    const landingId = d.landingId ?? 0;
    const fk = `${d.partnerId}|${hour}|${d.campaignId}|${landingId}|${d.country}|${d.device}|${d.os}|${d.typeKey}`;
    let f = full.get(fk);
    if (!f) {
      f = {
        key: {
          partner_id: d.partnerId,
          hour,
          campaign_id: d.campaignId,
          landing_id: landingId,
          country: d.country,
          device: d.device,
          os: d.os,
          type_key: d.typeKey,
        },
        m: zero(),
      };
      full.set(fk, f);
    }
    addInto(f.m, d);
    for (const dim of ROLLUP_DIMS) {
      const value = dimValue(d, dim);
      const dk = `${d.partnerId}|${dim}|${hour}|${value}|${d.typeKey}`;
      let r = dims.get(dk);
      if (!r) {
        r = { key: { partner_id: d.partnerId, dim, hour, value, type_key: d.typeKey }, m: zero() };
        dims.set(dk, r);
      }
      addInto(r.m, d);
    }
  }
  await upsert(trx, 'rollup_hourly', full, [
    'partner_id',
    'hour',
    'campaign_id',
    'landing_id',
    'country',
    'device',
    'os',
    'type_key',
  ]);
  await upsert(trx, 'rollup_dim_hourly', dims, ['partner_id', 'dim', 'hour', 'value', 'type_key']);
}

/** Rows per statement: 17 columns each, well under SQLite's 32766 bound variables. */
const CHUNK = 500;

async function upsert(
  trx: Knex | Knex.Transaction,
  table: string,
  rows: Map<string, { key: Record<string, string | number>; m: Metrics }>,
  conflict: string[],
): Promise<void> {
  const sorted = [...rows.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, v]) => ({ ...v.key, ...v.m }));
  const merge: Record<string, Knex.Raw> = {};
  for (const c of METRIC_COLUMNS) merge[c] = trx.raw(`??.?? + excluded.??`, [table, c, c]);
  for (let i = 0; i < sorted.length; i += CHUNK) {
    await trx(table)
      .insert(sorted.slice(i, i + CHUNK))
      .onConflict(conflict)
      .merge(merge);
  }
}
