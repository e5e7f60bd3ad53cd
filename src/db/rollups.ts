import type { Knex } from 'knex';
import type { Cells } from '../domain/report-math.js';
import { isSqlite } from './knex.js';

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

/**
 * The metric columns of a SQL row as numbers: pg returns bigint as strings, and an empty sum is null (0).
 * One reading for rollup_deltas rows and report facts; Cells has no optional field, so a new metric
 * column cannot be left out of either.
 */
export function cellsOf(r: Record<string, unknown>): Cells {
  const n = (k: MetricColumn) => Number(r[k] ?? 0);
  return {
    clicks: n('clicks'),
    cost: n('cost'),
    convTotal: n('conv_total'),
    convApproved: n('conv_approved'),
    convPending: n('conv_pending'),
    convDeclined: n('conv_declined'),
    payout: n('payout'),
    payoutApproved: n('payout_approved'),
    revenue: n('revenue'),
  };
}

/** The single-dimension projections kept in rollup_dim_hourly and rollup_dim_daily. */
export const ROLLUP_DIMS = ['all', 'campaign', 'landing', 'geo', 'device', 'os'] as const;
export type RollupDim = (typeof ROLLUP_DIMS)[number];

const HOUR_MS = 3_600_000;
const HOURS_PER_DAY = 24;

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

/** The primary keys of the rollup tables (the conflict targets of their upserts). */
export const ROLLUP_HOURLY_KEY = [
  'partner_id',
  'hour',
  'campaign_id',
  'landing_id',
  'country',
  'device',
  'os',
  'type_key',
] as const;
export const ROLLUP_DIM_KEY = ['partner_id', 'dim', 'hour', 'value', 'type_key'] as const;
export const ROLLUP_DIM_DAILY_KEY = ['partner_id', 'dim', 'day', 'value', 'type_key'] as const;

/** One row to add into a rollup table: its key columns and every metric column. */
export type RollupRow = Record<string, string | number>;

interface HourlyKey {
  partner_id: number;
  hour: number;
  campaign_id: number;
  landing_id: number;
  country: string;
  device: string;
  os: string;
  type_key: string;
}

function dimValue(k: HourlyKey, dim: RollupDim): string {
  switch (dim) {
    case 'all':
      return '';
    case 'campaign':
      return String(k.campaign_id);
    case 'landing':
      return k.landing_id ? String(k.landing_id) : '';
    case 'geo':
      return k.country;
    case 'device':
      return k.device;
    case 'os':
      return k.os;
  }
}

const byKey = <T>([a]: [string, T], [b]: [string, T]) => (a < b ? -1 : a > b ? 1 : 0);

/** Deltas summed per full rollup key (rollup_hourly's): the first step of every rollup write. */
function sumByFullKey(deltas: readonly RollupDelta[]): Map<string, { key: HourlyKey; m: Metrics }> {
  const full = new Map<string, { key: HourlyKey; m: Metrics }>();
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
  }
  return full;
}

/**
 * Sums deltas per key of each rollup table. PostgreSQL refuses an upsert that touches one row twice, and
 * fewer rows is the point of batching. The per-dimension rows are projected from the summed full-key rows,
 * not from each delta (a batch of clicks shares few keys); the daily rows (UTC day = hour / 24) likewise from
 * the summed full-key rows. Rows come sorted by key so that concurrent transactions lock them in the same
 * order (no deadlocks).
 */
export function aggregateRollupDeltas(deltas: readonly RollupDelta[]): {
  hourly: RollupRow[];
  dims: RollupRow[];
  daily: RollupRow[];
} {
  const full = sumByFullKey(deltas);
  const dims = new Map<string, { key: RollupRow; m: Metrics }>();
  const daily = new Map<string, { key: RollupRow; m: Metrics }>();
  const addTo = (into: typeof dims, mk: string, key: () => RollupRow, m: Metrics) => {
    let r = into.get(mk);
    if (!r) {
      r = { key: key(), m: zero() };
      into.set(mk, r);
    }
    for (const c of METRIC_COLUMNS) r.m[c] += m[c];
  };
  for (const { key: k, m } of full.values()) {
    const day = Math.floor(k.hour / HOURS_PER_DAY);
    for (const dim of ROLLUP_DIMS) {
      const value = dimValue(k, dim);
      const { partner_id, hour, type_key } = k;
      addTo(
        dims,
        `${partner_id}|${dim}|${hour}|${value}|${type_key}`,
        () => ({ partner_id, dim, hour, value, type_key }),
        m,
      );
      addTo(
        daily,
        `${partner_id}|${dim}|${day}|${value}|${type_key}`,
        () => ({ partner_id, dim, day, value, type_key }),
        m,
      );
    }
  }
  // Object.assign, not {...key, ...m}: on Node 20 that spread takes ~5 µs per row, 50 times slower.
  const rows = <K extends object>(m: Map<string, { key: K; m: Metrics }>) =>
    [...m.entries()].sort(byKey).map(([, v]) => Object.assign({} as RollupRow, v.key, v.m));
  return { hourly: rows(full), dims: rows(dims), daily: rows(daily) };
}

/**
 * Books deltas for the report rollups inside the caller's transaction. On SQLite (one writer, nothing to
 * contend with) they are added to every rollup table at once. On PostgreSQL they are appended to
 * rollup_deltas, pre-summed per full key: upserting the hot rollup rows there made concurrent api
 * processes wait on each other's row locks. The fold job (rollup-fold.ts) moves them into the rollup
 * tables; reports add what is still in rollup_deltas, so figures are exact either way.
 */
export async function applyRollupDeltas(trx: Knex | Knex.Transaction, deltas: RollupDelta[]): Promise<void> {
  if (deltas.length === 0) return;
  if (!isSqlite(trx)) {
    await appendDeltaRows(trx, sumByHourlyKey(deltas));
    return;
  }
  const { hourly, dims, daily } = aggregateRollupDeltas(deltas);
  await addRollupRows(trx, hourly, dims, daily);
}

/** Adds summed rows to the three rollup tables (in-transaction on SQLite; the fold job on PostgreSQL). */
export async function addRollupRows(
  trx: Knex | Knex.Transaction,
  hourly: RollupRow[],
  dims: RollupRow[],
  daily: RollupRow[],
): Promise<void> {
  await upsert(trx, 'rollup_hourly', hourly, [...ROLLUP_HOURLY_KEY]);
  await upsert(trx, 'rollup_dim_hourly', dims, [...ROLLUP_DIM_KEY]);
  await upsert(trx, 'rollup_dim_daily', daily, [...ROLLUP_DIM_DAILY_KEY]);
}

/** Deltas summed per full rollup key (rollup_hourly's), without the projections: rollup_deltas rows. */
function sumByHourlyKey(deltas: readonly RollupDelta[]): RollupRow[] {
  return [...sumByFullKey(deltas).values()].map((v) => Object.assign({} as RollupRow, v.key, v.m));
}

const DELTA_COLUMNS = [...ROLLUP_HOURLY_KEY, ...METRIC_COLUMNS];
const DELTA_ROW = `(${DELTA_COLUMNS.map(() => '?').join(',')})`;

/** One multi-row INSERT (no conflict target: nothing shared is locked), written by hand like insertClicks. */
async function appendDeltaRows(trx: Knex | Knex.Transaction, rows: RollupRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    const { sql, bindings } = deltaRowsInsert(rows.slice(i, i + CHUNK));
    await trx.raw(sql, bindings);
  }
}

/** The INSERT of up to CHUNK rollup_deltas rows, with its bindings (`?` placeholders, knex raw style). */
function deltaRowsInsert(rows: RollupRow[]): { sql: string; bindings: (string | number)[] } {
  const bindings: (string | number)[] = [];
  for (const r of rows) for (const c of DELTA_COLUMNS) bindings.push(r[c] ?? 0);
  const values = Array<string>(rows.length).fill(DELTA_ROW).join(',');
  return { sql: `insert into rollup_deltas (${DELTA_COLUMNS.join(',')}) values ${values}`, bindings };
}

/**
 * PostgreSQL: the rollup_deltas INSERT of `deltas` (pre-summed per key), to be sent as part of a bigger
 * statement (a data-modifying WITH clause), or null when they fit no single statement (or there are none).
 * A batch written as one statement needs no BEGIN and COMMIT: PostgreSQL runs any single statement
 * atomically, so the facts and their deltas still commit together, in one round trip instead of four.
 */
export function rollupDeltasStatement(
  deltas: readonly RollupDelta[],
): { sql: string; bindings: (string | number)[] } | null {
  if (deltas.length === 0) return null;
  const rows = sumByHourlyKey(deltas);
  return rows.length <= CHUNK ? deltaRowsInsert(rows) : null;
}

/** Rows per statement: 17 columns each, well under SQLite's 32766 bound variables. */
const CHUNK = 500;

async function upsert(
  trx: Knex | Knex.Transaction,
  table: string,
  rows: RollupRow[],
  conflict: string[],
): Promise<void> {
  const merge: Record<string, Knex.Raw> = {};
  for (const c of METRIC_COLUMNS) merge[c] = trx.raw(`??.?? + excluded.??`, [table, c, c]);
  for (let i = 0; i < rows.length; i += CHUNK) {
    await trx(table)
      .insert(rows.slice(i, i + CHUNK))
      .onConflict(conflict)
      .merge(merge);
  }
}
