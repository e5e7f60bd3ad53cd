import type { Knex } from 'knex';
import { combineStatements, type Statement } from '../one-statement.js';
import { applyRollupDeltas, type RollupDelta, rollupDeltasStatement } from '../rollups.js';

/** A click as stored; every string already fits its column (see record-click.ts). */
export interface NewClick {
  clickId: string;
  campaignId: number;
  partnerId: number;
  landingId: number | null;
  refId: string | null;
  sub1: string | null;
  sub2: string | null;
  sub3: string | null;
  sub4: string | null;
  sub5: string | null;
  country: string;
  device: string;
  os: string;
  browser: string;
  ip: string;
  userAgent: string;
  createdAt: number;
}

export const CLICK_COLUMNS = [
  'click_id',
  'campaign_id',
  'partner_id',
  'landing_id',
  'ref_id',
  'sub1',
  'sub2',
  'sub3',
  'sub4',
  'sub5',
  'country',
  'device',
  'os',
  'browser',
  'ip',
  'user_agent',
  'created_at',
] as const;

/** 17 bindings a row: 500 rows stay far below SQLite's 32766 and PostgreSQL's 65535 bound parameters. */
const CHUNK = 500;

/**
 * Inserts clicks and adds them to the report rollups, in the caller's transaction (pass a transaction:
 * clicks and rollups must commit together). Used by the tracking group-commit writer and by bulk loaders
 * such as the demo seeder.
 *
 * The statement is written by hand rather than through knex's insert builder: this runs for every click,
 * and the builder's per-row key normalisation costs more than the database does at these sizes.
 */
export async function insertClicks(trx: Knex | Knex.Transaction, rows: readonly NewClick[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    const bindings: (string | number | null)[] = [];
    for (const r of chunk) bindings.push(...clickValues(r));
    await trx.raw(insertSql(chunk.length), bindings);
  }
  await applyRollupDeltas(trx, rows.map(clickDelta));
}

/**
 * PostgreSQL: a batch of clicks and their rollup deltas as ONE statement (the deltas' INSERT in a WITH
 * clause), which PostgreSQL runs atomically without BEGIN and COMMIT, and outside any transaction of ours.
 * Null when the batch does not fit one statement (the caller then uses insertClicks in a transaction).
 */
export function clickBatchStatement(rows: readonly NewClick[]): Statement | null {
  if (rows.length === 0 || rows.length > CHUNK) return null;
  const deltas = rollupDeltasStatement(rows.map(clickDelta));
  if (!deltas) return null;
  const bindings: unknown[] = [];
  for (const r of rows) bindings.push(...clickValues(r));
  return combineStatements([deltas, { sql: insertSql(rows.length), bindings }]);
}

/** A click's values in CLICK_COLUMNS order. */
export function clickValues(r: NewClick): (string | number | null)[] {
  return [
    r.clickId,
    r.campaignId,
    r.partnerId,
    r.landingId,
    r.refId,
    r.sub1,
    r.sub2,
    r.sub3,
    r.sub4,
    r.sub5,
    r.country,
    r.device,
    r.os,
    r.browser,
    r.ip,
    r.userAgent,
    r.createdAt,
  ];
}

export function clickDelta(r: NewClick): RollupDelta {
  return {
    at: r.createdAt,
    partnerId: r.partnerId,
    campaignId: r.campaignId,
    landingId: r.landingId,
    country: r.country,
    device: r.device,
    os: r.os,
    typeKey: '',
    clicks: 1,
  };
}

const sqlByCount = new Map<number, string>();
const ROW = `(${CLICK_COLUMNS.map(() => '?').join(',')})`;

function insertSql(n: number): string {
  let sql = sqlByCount.get(n);
  if (!sql) {
    sql = `insert into clicks (${CLICK_COLUMNS.join(',')}) values ${Array<string>(n).fill(ROW).join(',')}`;
    // Batch sizes vary with load; remember the common ones without growing forever.
    if (sqlByCount.size < 1000) sqlByCount.set(n, sql);
  }
  return sql;
}
