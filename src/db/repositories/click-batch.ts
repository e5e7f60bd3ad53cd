import type BetterSqlite3 from 'better-sqlite3';
import type { Knex } from 'knex';
import { isSqlite } from '../knex.js';
import {
  aggregateRollupDeltas,
  METRIC_COLUMNS,
  ROLLUP_DIM_DAILY_KEY,
  ROLLUP_DIM_KEY,
  ROLLUP_HOURLY_KEY,
  type RollupDelta,
  type RollupRow,
} from '../rollups.js';
import { prepared } from '../statement-cache.js';
import { CLICK_COLUMNS, clickBatchStatement, clickDelta, clickValues, insertClicks, type NewClick } from './clicks.js';

/**
 * A run of click batches on one connection. Batches commit in submission order, each in its own
 * transaction; up to the caller how many it submits before the earlier ones finish (pipelining).
 */
export interface ClickBatchSession {
  /** Stores one batch of clicks and their rollups in one transaction. */
  submit(rows: readonly NewClick[]): Promise<void>;
  /** Waits for every submitted batch, then gives the connection back to the pool. */
  release(): Promise<void>;
}

/**
 * On SQLite the session holds the (single) pooled writer connection (better-sqlite3) and each batch is one
 * synchronous transaction on it: the clicks through one prepared single-row INSERT, run once per click, then
 * the three rollup upserts as one script. Synchronous on purpose: a batch of ~50 clicks takes a fraction of
 * a millisecond, less than the event-loop turns an asynchronous driver spent on its statements.
 *
 * On PostgreSQL each batch is one statement on a pooled connection (clickBatchStatement: the clicks and
 * their rollup deltas, atomic without a transaction), one round trip where BEGIN, two INSERTs and COMMIT
 * took four; knex's transaction machinery was also a fifth of the api's CPU on the tracking path. A batch
 * too big for one statement falls back to a transaction.
 */
export async function openClickBatchSession(db: Knex): Promise<ClickBatchSession> {
  if (!isSqlite(db)) {
    const running = new Set<Promise<unknown>>();
    return {
      submit(rows) {
        const one = clickBatchStatement(rows);
        const p = one
          ? db.raw(one.sql, one.bindings as Knex.RawBinding[]).then(() => undefined)
          : db.transaction((trx) => insertClicks(trx, rows));
        const settled = p.catch(() => undefined).finally(() => running.delete(settled));
        running.add(settled);
        return p;
      },
      release: async () => {
        await Promise.all(running);
      },
    };
  }
  const conn = (await db.client.acquireConnection()) as BetterSqlite3.Database;
  const insertClick = prepared(conn, INSERT_CLICK);
  return {
    async submit(rows) {
      const rollups = clickRollupScript(rows);
      conn.exec('BEGIN');
      try {
        for (const r of rows) insertClick.run(clickValues(r));
        conn.exec(rollups);
        conn.exec('COMMIT');
      } catch (err) {
        // A failed statement may leave the transaction open; nothing of the batch stays.
        try {
          if (conn.inTransaction) conn.exec('ROLLBACK');
        } catch {
          // The batch's own error is the one worth reporting; SQLite rolls back a failed transaction itself.
        }
        throw err;
      }
    },
    release: async () => {
      await db.client.releaseConnection(conn);
    },
  };
}

const INSERT_CLICK = `INSERT INTO clicks (${CLICK_COLUMNS.join(',')}) VALUES (${CLICK_COLUMNS.map(() => '?').join(',')})`;

/** Stores one batch on its own (used where no pipelining is wanted). */
export async function storeClickBatch(db: Knex, rows: readonly NewClick[]): Promise<void> {
  if (rows.length === 0) return;
  const session = await openClickBatchSession(db);
  try {
    await session.submit(rows);
  } finally {
    await session.release();
  }
}

/**
 * A batch's three rollup upserts as one SQL script, each counting the batch's clicks per rollup key. A script
 * cannot carry bound parameters, so values are written as SQL literals by `sqliteLiteral` below, which
 * follows SQLite's literal grammar.
 */
export function clickRollupScript(rows: readonly NewClick[]): string {
  const { hourly, dims, daily } = aggregateRollupDeltas(countByRollupKey(rows));
  return [
    upsertSql('rollup_hourly', ROLLUP_HOURLY_KEY, hourly),
    upsertSql('rollup_dim_hourly', ROLLUP_DIM_KEY, dims),
    upsertSql('rollup_dim_daily', ROLLUP_DIM_DAILY_KEY, daily),
  ].join(';\n');
}

const HOUR_MS = 3_600_000;
type Tree<V> = Map<string, Map<string, Map<string, Map<string, Map<number, V>>>>>;

/**
 * One delta per distinct rollup key, carrying its number of clicks, instead of one per click: a batch of
 * hundreds of clicks has a few dozen keys. Nested maps avoid building a string key per click.
 */
function countByRollupKey(rows: readonly NewClick[]): RollupDelta[] {
  const tree: Tree<RollupDelta> = new Map();
  const out: RollupDelta[] = [];
  for (const r of rows) {
    const hour = r.createdAt - (r.createdAt % HOUR_MS);
    const byHour = sub(
      sub(sub(sub(tree, `${r.partnerId}|${r.campaignId}|${r.landingId ?? 0}`), r.country), r.device),
      r.os,
    );
    const d = byHour.get(hour);
    if (d) {
      d.clicks = (d.clicks ?? 0) + 1;
    } else {
      const nd = clickDelta(r);
      nd.at = hour;
      byHour.set(hour, nd);
      out.push(nd);
    }
  }
  return out;
}

function sub<K, V extends Map<unknown, unknown>>(m: Map<K, V>, k: K): V {
  let v = m.get(k);
  if (!v) {
    v = new Map() as V;
    m.set(k, v);
  }
  return v;
}

function upsertSql(table: string, key: readonly string[], rows: RollupRow[]): string {
  // Only the metrics this batch changes: the others keep their default (0) or their stored value.
  const metrics = METRIC_COLUMNS.filter((c) => rows.some((r) => r[c] !== 0));
  const cols = [...key, ...metrics];
  const values = rows.map((r) => `(${cols.map((c) => sqliteLiteral(r[c] ?? null)).join(',')})`);
  const merge = metrics.map((c) => `${c} = ${table}.${c} + excluded.${c}`).join(', ');
  return `INSERT INTO ${table} (${cols.join(',')}) VALUES ${values.join(',')} ON CONFLICT (${key.join(',')}) DO UPDATE SET ${merge}`;
}

/**
 * A value as an SQLite literal. Integers are written as digits (anything else numeric is refused); strings
 * go in single quotes with each quote doubled, which is SQLite's whole escaping rule: backslashes and every
 * other character are literal inside '...'. NUL is dropped, since the script is handed over as a C string.
 */
export function sqliteLiteral(v: string | number | null): string {
  if (v === null) return 'NULL';
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new TypeError(`not an integer for SQL: ${v}`);
    return String(v);
  }
  // indexOf first: almost no value holds either character, and replaceAll would copy every one.
  let s = v;
  if (s.indexOf("'") >= 0) s = s.replaceAll("'", "''");
  if (s.indexOf('\u0000') >= 0) s = s.replaceAll('\u0000', '');
  return `'${s}'`;
}
