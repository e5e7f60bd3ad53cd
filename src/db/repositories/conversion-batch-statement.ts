import type { Knex } from 'knex';
import { insertStatement } from '../insert-rows.js';
import { combineStatements, MAX_BINDINGS, type Statement } from '../one-statement.js';
import { type RollupDelta, rollupDeltasStatement } from '../rollups.js';
import { type ConversionRow, conversionKey } from './conversions.js';
import type { NewDelivery } from './deliveries.js';
import type { LedgerEntryRow, ReferralCommissionRow } from './ledger.js';
import { type NewNotification, notificationRow } from './notifications.js';

type Q = Knex | Knex.Transaction;

/** Everything a batch of new conversions writes, with the conversions' ids already taken (reserveConversionIds). */
export interface ConversionBatchRows {
  conversions: ConversionRow[];
  commissions: Omit<ReferralCommissionRow, 'id'>[];
  ledger: LedgerEntryRow[];
  deltas: RollupDelta[];
  notifications: NewNotification[];
  deliveries: NewDelivery[];
}

/**
 * `duplicate`: one of the conversions already exists (another request booked it since the batch looked), so
 * nothing was written; `too_big`: the batch does not fit one statement, nothing was written either.
 */
export type BatchStatementOutcome = 'written' | 'duplicate' | 'too_big';

/**
 * PostgreSQL: `n` conversion ids from the table's own sequence, so the rows that refer to a conversion
 * (ledger, commission, deliveries, notification payloads) can be built before it is inserted. An id taken
 * and not used (the request turned out a duplicate or an error) is a gap, as a rolled-back insert leaves.
 */
export async function reserveConversionIds(q: Q, n: number): Promise<number[]> {
  if (n <= 0) return [];
  const res = await q.raw(
    `select nextval(pg_get_serial_sequence('conversions', 'id')) as id from generate_series(1, ?::int)`,
    [n],
  );
  return (res.rows as { id: string | number }[]).map((r) => Number(r.id));
}

/**
 * PostgreSQL: a whole batch of new conversions in ONE statement: the conversions INSERT, with the INSERTs
 * of their referral commissions, ledger entries, rollup deltas, chat notifications and postback deliveries
 * in data-modifying WITH clauses. PostgreSQL runs a single statement atomically, so no BEGIN and COMMIT are
 * needed: one round trip where the transaction took seven, and one statement for PostgreSQL to parse and
 * plan instead of seven (both the api's and PostgreSQL's CPU went mostly to per-statement work).
 *
 * The conversions go in without ON CONFLICT: if any of them exists already (a duplicate racing in from
 * another request after the batch looked), the unique key refuses the statement, nothing of it stays, and
 * the caller books the batch the careful way (one transaction that skips duplicates). Rows go in key order,
 * as there, so racing batches wait for each other instead of deadlocking.
 */
export async function writeConversionBatch(q: Q, rows: ConversionBatchRows): Promise<BatchStatementOutcome> {
  if (rows.conversions.length === 0) return 'written';
  const sorted = [...rows.conversions].sort((a, b) => {
    const ka = conversionKey(a);
    const kb = conversionKey(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  const main = insertStatement('conversions', sorted);
  const sides: Statement[] = [];
  if (rows.commissions.length > 0) sides.push(insertStatement('referral_commissions', rows.commissions));
  if (rows.ledger.length > 0) sides.push(insertStatement('ledger_entries', rows.ledger));
  if (rows.deltas.length > 0) {
    const deltas = rollupDeltasStatement(rows.deltas);
    if (!deltas) return 'too_big';
    sides.push(deltas);
  }
  if (rows.notifications.length > 0) {
    sides.push(
      insertStatement('notifications', rows.notifications.map(notificationRow), { ignoreConflictOn: ['dedupe_key'] }),
    );
  }
  if (rows.deliveries.length > 0) {
    sides.push(
      insertStatement('postback_deliveries', rows.deliveries, {
        ignoreConflictOn: ['postback_id', 'conversion_id', 'event_key'],
      }),
    );
  }
  const { sql, bindings } = combineStatements([...sides, main]);
  if (bindings.length > MAX_BINDINGS) return 'too_big';
  try {
    await q.raw(sql, bindings as Knex.RawBinding[]);
  } catch (err) {
    if (isConversionKeyViolation(err)) return 'duplicate';
    throw err;
  }
  return 'written';
}

/** A unique violation (23505) of conversions' (click, type, txid) key. */
function isConversionKeyViolation(err: unknown): boolean {
  const e = err as { code?: unknown; table?: unknown } | null;
  return e?.code === '23505' && e.table === 'conversions';
}
