import type { Knex } from 'knex';
import { isSqlite } from './knex.js';

/**
 * Runs independent statements of one transaction at once instead of one after another, on SQLite. There each
 * statement is a round trip through the thread pool and back to a busy event loop; five inserts awaited in turn
 * cost five of those waits, started together about one. The connection still executes them one at a time
 * (SQLite serialises a connection), so this changes latency, not semantics: use it only for statements that do
 * not read each other's results. On PostgreSQL they run in turn: a pg client queues concurrent queries anyway,
 * and pg 8 deprecates issuing them (pg 9 will refuse).
 * Waits for every statement to settle before failing, so the caller's rollback never races one in flight.
 */
export async function sideBySide(
  q: Knex | Knex.Transaction,
  work: readonly (() => PromiseLike<unknown>)[],
): Promise<void> {
  if (!isSqlite(q)) {
    for (const w of work) await w();
    return;
  }
  const results = await Promise.allSettled(work.map((w) => w()));
  for (const r of results) if (r.status === 'rejected') throw r.reason;
}
