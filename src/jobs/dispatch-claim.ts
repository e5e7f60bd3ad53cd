import type { Knex } from 'knex';
import { isSqlite } from '../db/knex.js';
import { claimUndispatchedRows, findOverdue, findUndispatched, markQueued } from '../db/repositories/deliveries.js';

/**
 * How a page of outbox rows is handed to BullMQ so that any number of worker processes can dispatch at once.
 *
 * PostgreSQL: one transaction locks and marks the page queued (one statement: FOR UPDATE SKIP LOCKED, id
 * order), enqueues it and commits. Another dispatcher skips the locked rows and takes the next ones, so no
 * row is enqueued by two; a crash before COMMIT rolls the marks back and releases the rows, and the next pass
 * (of any process) takes them at once, with no wait for the reconciler. The worker that picks a job up before the COMMIT reads the row (MVCC does
 * not block reads) and at worst waits a moment for the lock when it writes the outcome.
 *
 * SQLite has a single writer (one process): read, enqueue, mark, without holding its write lock over Redis.
 */
export async function claimUndispatched(
  db: Knex,
  opts: { limit: number; now: number },
  enqueue: (ids: number[]) => Promise<void>,
): Promise<number[]> {
  if (isSqlite(db)) {
    const ids = await findUndispatched(db, opts.limit);
    if (ids.length > 0) {
      await enqueue(ids);
      await markQueued(db, ids, opts.now);
    }
    return ids;
  }
  return db.transaction(async (trx) => {
    const ids = await claimUndispatchedRows(trx, opts.limit, opts.now);
    // A failed hand-over throws: the rollback takes the queued stamps back and the next pass retries.
    if (ids.length > 0) await enqueue(ids);
    return ids;
  });
}

/**
 * Any outbox page, taken the same way: `find(q, lock)` reads it (row-locked with SKIP LOCKED when `lock`),
 * `enqueue` hands it over, `mark` stamps it, in one transaction on PostgreSQL.
 */
export async function claimPage(
  db: Knex,
  find: (q: Knex | Knex.Transaction, lock: boolean) => Promise<number[]>,
  enqueue: (ids: number[]) => Promise<void>,
  mark: (q: Knex | Knex.Transaction, ids: number[]) => Promise<void>,
): Promise<number[]> {
  const run = async (q: Knex | Knex.Transaction, lock: boolean) => {
    const ids = await find(q, lock);
    if (ids.length > 0) {
      await enqueue(ids);
      await mark(q, ids);
    }
    return ids;
  };
  return isSqlite(db) ? run(db, false) : db.transaction((trx) => run(trx, true));
}

/** The reconciler's page, taken the same way: two reconcilers never stamp the same rows or wait on each other. */
export async function claimOverdue(
  db: Knex,
  opts: { dueBefore: number; queuedBefore: number; limit: number; now: number },
  enqueue: (ids: number[]) => Promise<void>,
): Promise<number[]> {
  const run = async (q: Knex | Knex.Transaction, lock: boolean) => {
    const rows = await findOverdue(q, { ...opts, lock });
    const ids = rows.map((r) => r.id).sort((a, b) => a - b);
    if (ids.length > 0) {
      await enqueue(ids);
      // Stamped so the next pass moves on to other rows when a large backlog is legitimately overdue.
      await markQueued(q, ids, opts.now);
    }
    return ids;
  };
  return isSqlite(db) ? run(db, false) : db.transaction((trx) => run(trx, true));
}
