import type { Knex } from 'knex';

type Q = Knex | Knex.Transaction;

/** The clicks a cost is spread over: one campaign, a half-open time range, and optional narrowing. */
export interface CostSlice {
  campaignId: number;
  from: number;
  to: number;
  partnerId?: number | undefined;
  country?: string | undefined;
  subName?: 'sub1' | 'sub2' | 'sub3' | 'sub4' | 'sub5' | undefined;
  subValue?: string | undefined;
}

/** A click as far as cost spreading cares: where its rollup row is and what cost it carries now. */
export interface CostClick {
  id: number;
  partner_id: number;
  landing_id: number | null;
  country: string;
  device: string;
  os: string;
  created_at: number;
  cost: number;
}

const HOUR_MS = 3_600_000;

function inSlice(q: Knex.QueryBuilder, s: CostSlice, maxId: number): Knex.QueryBuilder {
  q.where('campaign_id', s.campaignId)
    .where('created_at', '>=', s.from)
    .where('created_at', '<', s.to)
    .where('id', '<=', maxId);
  if (s.partnerId !== undefined) q.where('partner_id', s.partnerId);
  if (s.country !== undefined) q.where('country', s.country);
  if (s.subName !== undefined) q.where(s.subName, s.subValue ?? '');
  return q;
}

export async function findCampaignCurrency(db: Q, id: number): Promise<string | undefined> {
  const row: { currency: string } | undefined = await db('campaigns').select('currency').where({ id }).first();
  return row?.currency;
}

export async function partnerExists(db: Q, id: number): Promise<boolean> {
  return (await db('partners').select('id').where({ id }).first()) !== undefined;
}

/** Newest click id: the slice is read up to it, so clicks recorded meanwhile do not shift the split. */
export async function maxClickId(db: Q): Promise<number> {
  const row = (await db('clicks').max({ m: 'id' }).first()) as { m: number | null } | undefined;
  return Number(row?.m ?? 0);
}

/** Click counts of the slice per UTC hour, in hour order: the first level of the split. */
export async function sliceHourCounts(db: Q, s: CostSlice, maxId: number): Promise<{ hour: number; n: number }[]> {
  const expr = `created_at / ${HOUR_MS}`;
  const rows: { hour: number | string; n: number | string }[] = await inSlice(
    db('clicks')
      .select(db.raw(`${expr} as hour`))
      .count({ n: '*' }),
    s,
    maxId,
  )
    .groupByRaw(expr)
    .orderByRaw(expr);
  return rows.map((r) => ({ hour: Number(r.hour), n: Number(r.n) }));
}

export async function sliceClicksInHour(db: Q, s: CostSlice, hour: number, maxId: number): Promise<CostClick[]> {
  const from = Math.max(s.from, hour * HOUR_MS);
  const to = Math.min(s.to, (hour + 1) * HOUR_MS);
  return inSlice(
    db('clicks').select('id', 'partner_id', 'landing_id', 'country', 'device', 'os', 'created_at', 'cost'),
    { ...s, from, to },
    maxId,
  ).orderBy('id');
}

/** Sets one cost on many clicks; ids in slices that stay below every driver's bound-parameter limit. */
export async function setClickCost(db: Q, ids: number[], cost: number): Promise<void> {
  for (let i = 0; i < ids.length; i += 1000) {
    await db('clicks')
      .whereIn('id', ids.slice(i, i + 1000))
      .update({ cost });
  }
}

export interface NewCostRow {
  campaign_id: number;
  partner_id: number | null;
  country: string | null;
  sub_name: string | null;
  sub_value: string | null;
  time_from: number;
  time_to: number;
  amount: number;
  currency: string;
  clicks: number;
  created_at: number;
}

export async function insertCost(db: Q, row: NewCostRow): Promise<number> {
  const [r] = await db('costs').insert(row).returning('id');
  return typeof r === 'object' ? (r as { id: number }).id : Number(r);
}
