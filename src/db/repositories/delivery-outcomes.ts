import type { Knex } from 'knex';
import { insertStatement, runEachOnSqlite } from '../insert-rows.js';
import { isSqlite } from '../knex.js';
import { combineStatements, MAX_BINDINGS, type Statement } from '../one-statement.js';
import type { AttemptRow, DeliveryState } from './deliveries.js';

type Q = Knex | Knex.Transaction;

/** Attempt rows in one statement at most, as insertAttempts writes them. */
const CHUNK = 200;

/** What one attempt did to its delivery (the relay's group-commit writer applies them in batches). */
export interface DeliveryUpdate {
  id: number;
  state: DeliveryState;
  nextAttemptAt: number | null;
  lastStatus: number | null;
  lastErrorClass: string | null;
  at: number;
}

/**
 * Applies attempt outcomes. On PostgreSQL: one UPDATE ... FROM (VALUES ...) per 500 successes and one per 500
 * retries and failures, each row keeping its own status, times and error (grouping by (status, time) instead
 * gave ~20 rows per statement because times differ by the millisecond); see deliveryUpdateStatements. On the
 * SQLite writer one prepared single-row UPDATE run per row (see insert-rows.ts); failures there are one
 * statement each. Also one statement each wherever a delivery appears twice among the updates: a multi-row
 * UPDATE would apply only one of its rows.
 */
export async function applyDeliveryUpdates(q: Q, unordered: DeliveryUpdate[]): Promise<void> {
  // Row locks in id order, like the dispatcher's page: two writers that share rows wait instead of deadlocking.
  const updates = [...unordered].sort((a, b) => a.id - b.id);
  const delivered = updates.filter((u) => u.state === 'delivered');
  if (!isSqlite(q) && distinctIds(updates)) {
    for (const s of deliveryUpdateStatements(updates)) await q.raw(s.sql, s.bindings as Knex.RawBinding[]);
    return;
  }
  // Failures differ row by row (next attempt, status, error); they are few next to the deliveries.
  for (const u of updates) {
    if (u.state === 'delivered') continue;
    await q('postback_deliveries')
      .where({ id: u.id })
      .update({
        state: u.state,
        attempts: q.raw('attempts + 1'),
        ...(u.nextAttemptAt !== null ? { next_attempt_at: u.nextAttemptAt } : {}),
        last_status: u.lastStatus,
        last_error_class: u.lastErrorClass,
        last_attempt_at: u.at,
        updated_at: u.at,
      });
  }
  if (
    await runEachOnSqlite(
      q,
      `UPDATE postback_deliveries SET state = 'delivered', attempts = attempts + 1, last_status = ?,
         last_error_class = NULL, last_attempt_at = ?, delivered_at = ?, updated_at = ? WHERE id = ?`,
      delivered.map((u) => [u.lastStatus, u.at, u.at, u.at, u.id]),
    )
  ) {
    return;
  }
  for (const s of deliveryUpdateStatements(delivered)) await q.raw(s.sql, s.bindings as Knex.RawBinding[]);
}

const distinctIds = (updates: readonly DeliveryUpdate[]) => new Set(updates.map((u) => u.id)).size === updates.length;

/**
 * PostgreSQL: the UPDATEs for attempt outcomes with distinct delivery ids, 500 rows each, successes and the
 * rest apart. CASTs: PostgreSQL would otherwise type the VALUES parameters as text. A retry without a new
 * time (null) keeps its next_attempt_at.
 */
function deliveryUpdateStatements(updates: readonly DeliveryUpdate[]): Statement[] {
  const out: Statement[] = [];
  const delivered = updates.filter((u) => u.state === 'delivered');
  const others = updates.filter((u) => u.state !== 'delivered');
  for (let i = 0; i < delivered.length; i += 500) {
    const part = delivered.slice(i, i + 500);
    const values = part.map(() => '(CAST(? AS BIGINT), CAST(? AS INTEGER), CAST(? AS BIGINT))').join(', ');
    out.push({
      sql: `UPDATE postback_deliveries SET state = 'delivered', attempts = attempts + 1, last_status = v.column2,
         last_error_class = NULL, last_attempt_at = v.column3, delivered_at = v.column3, updated_at = v.column3
       FROM (VALUES ${values}) AS v WHERE postback_deliveries.id = v.column1`,
      bindings: part.flatMap((u) => [u.id, u.lastStatus, u.at]),
    });
  }
  const row =
    '(CAST(? AS BIGINT), CAST(? AS VARCHAR), CAST(? AS BIGINT), CAST(? AS INTEGER), CAST(? AS VARCHAR), CAST(? AS BIGINT))';
  for (let i = 0; i < others.length; i += 500) {
    const part = others.slice(i, i + 500);
    out.push({
      sql: `UPDATE postback_deliveries SET state = v.column2, attempts = attempts + 1,
         next_attempt_at = COALESCE(v.column3, postback_deliveries.next_attempt_at), last_status = v.column4,
         last_error_class = v.column5, last_attempt_at = v.column6, updated_at = v.column6
       FROM (VALUES ${part.map(() => row).join(', ')}) AS v WHERE postback_deliveries.id = v.column1`,
      bindings: part.flatMap((u) => [u.id, u.state, u.nextAttemptAt, u.lastStatus, u.lastErrorClass, u.at]),
    });
  }
  return out;
}

/**
 * PostgreSQL: attempts and the outcomes they give their deliveries as ONE statement (combineStatements), no
 * BEGIN and COMMIT: the relay's usual group-commit batch in one round trip instead of four. False (nothing
 * written) where that does not apply: SQLite, a delivery updated twice, or more than one statement's worth.
 */
export async function writeAttemptOutcomes(q: Q, attempts: AttemptRow[], updates: DeliveryUpdate[]): Promise<boolean> {
  if (isSqlite(q) || attempts.length > CHUNK || !distinctIds(updates)) return false;
  const parts = [...(attempts.length > 0 ? [insertStatement('postback_attempts', attempts)] : [])];
  parts.push(...deliveryUpdateStatements([...updates].sort((a, b) => a.id - b.id)));
  if (parts.length === 0) return true;
  const one = combineStatements(parts);
  if (one.bindings.length > MAX_BINDINGS) return false;
  await q.raw(one.sql, one.bindings as Knex.RawBinding[]);
  return true;
}
