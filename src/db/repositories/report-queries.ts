import type { Knex } from 'knex';
import type { Fact } from '../../domain/report-math.js';
import { isSqlite } from '../knex.js';
import { cellsOf, METRIC_COLUMNS, type RollupDim } from '../rollups.js';

/**
 * The report engine's SQL. Each query returns facts: additive cells per group key and conversion type,
 * which the use case folds into rows. Two sources answer the same question: the rollups (fast, whole UTC
 * hours only; daily rows stand in for whole UTC days) and the raw clicks/conversions tables (exact to the
 * millisecond, slower).
 */
export interface FactScope {
  /** Undefined: every partner (restricted to `currency` when set). */
  partnerId?: number | undefined;
  currency?: string | undefined;
  from: number;
  to: number;
  campaignId?: number | undefined;
  country?: string | undefined;
}

const HOUR_MS = 3_600_000;
const HOURS_PER_DAY = 24;

type SqlRow = Record<string, string | number | null>;

function toFact(r: SqlRow): Fact {
  return Object.assign({ key: String(r['k'] ?? ''), typeKey: String(r['type_key'] ?? '') }, cellsOf(r));
}

function scopePartners(q: Knex.QueryBuilder, column: string, scope: FactScope): void {
  if (scope.partnerId !== undefined) q.where(column, scope.partnerId);
  else if (scope.currency !== undefined)
    q.whereIn(column, (sub) => sub.select('id').from('partners').where('currency', scope.currency));
}

/** What the rollup queries group on: the stored dim value, the UTC hour, or the partner. */
export type RollupKey = 'value' | 'hour' | 'partner';

/**
 * One-dimension report from the per-dimension rollups: the hours [from, to) must be whole. For `hour` and
 * `partner` keys pass dim 'all'. Keys that need no hour (value, partner) read the whole UTC days inside the
 * period from rollup_dim_daily and only the edge hours (at most 23 each side) from rollup_dim_hourly: a
 * 30-day report then sums ~24 times fewer rows. The parts go as one UNION ALL query, one round trip
 * (SQLite has a single connection, and each statement costs an event-loop turn there).
 */
export async function dimRollupFacts(db: Knex, scope: FactScope, dim: RollupDim, key: RollupKey): Promise<Fact[]> {
  const col = key === 'value' ? 'value' : key === 'hour' ? 'hour' : 'partner_id';
  const fromHour = scope.from / HOUR_MS;
  const toHour = scope.to / HOUR_MS;
  const fromDay = Math.ceil(fromHour / HOURS_PER_DAY);
  const toDay = Math.floor(toHour / HOURS_PER_DAY);
  const part = (table: 'rollup_dim_hourly' | 'rollup_dim_daily', unit: 'hour' | 'day', lo: number, hi: number) => {
    const q = db(table).where('dim', dim).where(unit, '>=', lo).where(unit, '<', hi);
    scopePartners(q, 'partner_id', scope);
    return q;
  };
  const sums = (q: Knex.QueryBuilder) => {
    for (const c of METRIC_COLUMNS) q.sum({ [c]: c });
    return q;
  };
  const tail = unfoldedTail(db, scope, key === 'value' ? dimValueSql(dim) : col);
  const grouped = (p: Knex.QueryBuilder) =>
    sums(p.select(db.raw('?? as k', [col]), 'type_key').groupBy(col, 'type_key'));
  /** Plain rows of every part (and the unfolded tail) in one UNION ALL, summed once outside it. */
  const summed = (parts: Knex.QueryBuilder[]) => {
    const [first, ...rest] = [
      ...parts.map((p) => p.select(db.raw('?? as k', [col]), 'type_key', ...METRIC_COLUMNS)),
      ...(tail ? [tail] : []),
    ] as [Knex.QueryBuilder, ...Knex.QueryBuilder[]];
    const union = rest.length > 0 ? first.unionAll(rest) : first;
    return sums(db.from(union.as('u')).select('k', 'type_key').groupBy('k', 'type_key'));
  };
  if (key === 'hour' || toDay <= fromDay) {
    const hourly = part('rollup_dim_hourly', 'hour', fromHour, toHour);
    return ((await (tail ? summed([hourly]) : grouped(hourly))) as SqlRow[]).map(toFact);
  }
  // Each part is a range of its table's primary key.
  const days = part('rollup_dim_daily', 'day', fromDay, toDay);
  const edges = [
    { lo: fromHour, hi: fromDay * HOURS_PER_DAY },
    { lo: toDay * HOURS_PER_DAY, hi: toHour },
  ]
    .filter((e) => e.hi > e.lo)
    .map((e) => part('rollup_dim_hourly', 'hour', e.lo, e.hi));
  const q = edges.length === 0 && !tail ? grouped(days) : summed([days, ...edges]);
  return ((await q) as SqlRow[]).map(toFact);
}

/** A rollup_deltas row's value for one dimension, as rollup_dim_hourly stores it (see dimValue in rollups.ts). */
function dimValueSql(dim: RollupDim): string {
  switch (dim) {
    case 'all':
      return "''";
    case 'campaign':
      return 'cast(campaign_id as varchar(64))';
    case 'landing':
      return "case when landing_id = 0 then '' else cast(landing_id as varchar(64)) end";
    case 'geo':
      return 'country';
    case 'device':
      return 'device';
    case 'os':
      return 'os';
  }
}

/**
 * The rows of rollup_deltas not yet folded into the rollups (PostgreSQL only; SQLite adds to the rollups in
 * the fact's own transaction, so it has no tail). Read in the same statement as the rollups: one snapshot,
 * so a fold that commits meanwhile is counted once. `keyExpr` is a constant SQL expression, never input.
 */
function unfoldedTail(db: Knex, scope: FactScope, keyExpr: string): Knex.QueryBuilder | undefined {
  if (isSqlite(db)) return undefined;
  const q = db('rollup_deltas')
    .select(db.raw(`${keyExpr} as k`), 'type_key', ...METRIC_COLUMNS)
    .where('hour', '>=', scope.from / HOUR_MS)
    .where('hour', '<', scope.to / HOUR_MS);
  scopePartners(q, 'partner_id', scope);
  if (scope.campaignId !== undefined) q.where('campaign_id', scope.campaignId);
  if (scope.country !== undefined) q.where('country', scope.country);
  return q;
}

/** Columns of rollup_hourly a filtered report can group on. */
export type FullRollupKey = 'campaign_id' | 'landing_id' | 'country' | 'device' | 'os' | 'hour' | 'partner_id';

/** Report with campaign/country filters, from rollup_hourly (every dimension, whole hours) and the unfolded tail. */
export async function fullRollupFacts(db: Knex, scope: FactScope, key: FullRollupKey): Promise<Fact[]> {
  const rows = db('rollup_hourly')
    .where('hour', '>=', scope.from / HOUR_MS)
    .where('hour', '<', scope.to / HOUR_MS);
  scopePartners(rows, 'partner_id', scope);
  if (scope.campaignId !== undefined) rows.where('campaign_id', scope.campaignId);
  if (scope.country !== undefined) rows.where('country', scope.country);
  const tail = unfoldedTail(db, scope, key);
  const q: Knex.QueryBuilder = tail
    ? db
        .from(
          rows
            .select(db.raw('?? as k', [key]), 'type_key', ...METRIC_COLUMNS)
            .unionAll([tail])
            .as('u'),
        )
        .select('k', 'type_key')
        .groupBy('k', 'type_key')
    : rows.select(db.raw('?? as k', [key]), 'type_key').groupBy(key, 'type_key');
  for (const c of METRIC_COLUMNS) q.sum({ [c]: c });
  return ((await q) as SqlRow[]).map(toFact);
}

/** What the raw queries group on; `bucket` is created_at cut into `bucketMs` slices (time groups). */
export type RawKey =
  | 'campaign'
  | 'landing'
  | 'geo'
  | 'device'
  | 'os'
  | 'sub1'
  | 'sub2'
  | 'sub3'
  | 'sub4'
  | 'sub5'
  | 'partner'
  | 'bucket';

/** SQL expression of the key; `t` is the table alias the value comes from. Constants only, no input. */
function rawKeyExpr(key: RawKey, clickAlias: string, factAlias: string, bucketMs: number): string {
  switch (key) {
    case 'campaign':
      return `${factAlias}.campaign_id`;
    case 'partner':
      return `${factAlias}.partner_id`;
    case 'bucket':
      return `${factAlias}.created_at / ${Math.trunc(bucketMs)}`;
    case 'landing':
      return `coalesce(${clickAlias}.landing_id, 0)`;
    case 'geo':
      return `${clickAlias}.country`;
    case 'device':
    case 'os':
      return `${clickAlias}.${key}`;
    default:
      return `coalesce(${clickAlias}.${key}, '')`;
  }
}

/**
 * The same facts read from clicks and conversions: exact for any [from, to), any time zone and the sub
 * dimensions the rollups do not keep, at the price of touching every click of the period. Clicks count at
 * click time, conversions at conversion time (as in the rollups); a conversion's landing, country, device,
 * os and subs are its click's.
 */
export async function rawFacts(db: Knex, scope: FactScope, key: RawKey, bucketMs = 900_000): Promise<Fact[]> {
  const clickKey = rawKeyExpr(key, 'c', 'c', bucketMs);
  const cq = db('clicks as c')
    .select(db.raw(`${clickKey} as k`))
    .count({ clicks: '*' })
    .sum({ cost: 'c.cost' })
    .where('c.created_at', '>=', scope.from)
    .where('c.created_at', '<', scope.to)
    .groupByRaw(clickKey);
  scopePartners(cq, 'c.partner_id', scope);
  if (scope.campaignId !== undefined) cq.where('c.campaign_id', scope.campaignId);
  if (scope.country !== undefined) cq.where('c.country', scope.country);

  const needsClick = !['campaign', 'partner', 'bucket'].includes(key) || scope.country !== undefined;
  const convKey = rawKeyExpr(key, 'c', 'cv', bucketMs);
  const live = "cv.status <> 'declined'";
  const vq = db('conversions as cv')
    .select(db.raw(`${convKey} as k`), 'cv.type_key')
    .select(
      db.raw(`sum(case when ${live} then 1 else 0 end) as conv_total`),
      db.raw(`sum(case when cv.status = 'approved' then 1 else 0 end) as conv_approved`),
      db.raw(`sum(case when cv.status = 'pending' then 1 else 0 end) as conv_pending`),
      db.raw(`sum(case when cv.status = 'declined' then 1 else 0 end) as conv_declined`),
      db.raw(`sum(case when ${live} then cv.payout else 0 end) as payout`),
      db.raw(`sum(case when cv.status = 'approved' then cv.payout else 0 end) as payout_approved`),
      db.raw(`sum(case when ${live} then cv.revenue else 0 end) as revenue`),
    )
    .where('cv.created_at', '>=', scope.from)
    .where('cv.created_at', '<', scope.to)
    .groupByRaw(`${convKey}, cv.type_key`);
  if (needsClick) vq.join('clicks as c', 'c.id', 'cv.click_row_id');
  scopePartners(vq, 'cv.partner_id', scope);
  if (scope.campaignId !== undefined) vq.where('cv.campaign_id', scope.campaignId);
  if (scope.country !== undefined) vq.where('c.country', scope.country);

  const [clickRows, convRows] = await Promise.all([cq, vq]);
  return [...(clickRows as SqlRow[]).map((r) => toFact({ ...r, type_key: '' })), ...(convRows as SqlRow[]).map(toFact)];
}

/** id -> name for the rows' labels. */
export async function namesById(
  db: Knex,
  table: 'campaigns' | 'landings' | 'partners',
  ids: number[],
): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows: { id: number; name: string }[] = await db(table)
      .select('id', 'name')
      .whereIn('id', ids.slice(i, i + 500));
    for (const r of rows) out.set(Number(r.id), r.name);
  }
  return out;
}

/** Canonical spelling of conversion type keys ("deposit" -> "Deposit"), as campaigns define them. */
export async function typeNames(db: Knex, typeKeys: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (typeKeys.length === 0) return out;
  const rows: { type_key: string; conversion_type: string }[] = await db('campaign_payouts')
    .select('type_key', 'conversion_type')
    .whereIn('type_key', typeKeys.slice(0, 500))
    .orderBy('id');
  for (const r of rows) if (!out.has(r.type_key)) out.set(r.type_key, r.conversion_type);
  return out;
}

export async function partnerForReport(
  db: Knex,
  id: number,
): Promise<{ id: number; currency: string; timezone: string } | undefined> {
  return db('partners').select('id', 'currency', 'timezone').where({ id }).first();
}

export async function partnerCurrencies(db: Knex): Promise<string[]> {
  const rows: { currency: string }[] = await db('partners').distinct('currency').orderBy('currency');
  return rows.map((r) => r.currency);
}
