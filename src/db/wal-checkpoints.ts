import type { Knex } from 'knex';
import type { Logger } from '../infra/logger.js';
import { isSqlite } from './knex.js';

/**
 * Who copies the WAL back into the SQLite file: the read pool, off the main thread (startWalCheckpoints),
 * when the process has one; otherwise the writer itself, in small steps at SQLite's default threshold, since
 * its own backstop (knexConfig) is sized for a process whose pool does the work. Returns a stop function.
 */
export async function setUpWalCheckpoints(
  writer: Knex,
  readPool: Knex | null,
  logger: Logger,
): Promise<() => Promise<void>> {
  if (readPool) return startWalCheckpoints(readPool, logger);
  if (isSqlite(writer)) await writer.raw('PRAGMA wal_autocheckpoint = 1000');
  return async () => {};
}

/**
 * Copies SQLite's write-ahead log back into the database file from a read-pool connection, every `everyMs`.
 * The writer (better-sqlite3) runs on the main thread, where its own automatic checkpoint would copy tens of
 * megabytes in the middle of some request's COMMIT; a read-pool connection runs this one on its own thread.
 * PASSIVE never waits for readers or the writer: it copies what it can now and the next tick does the rest.
 * The writer keeps a far higher automatic threshold as a backstop (see knexConfig). Returns a stop function.
 */
export function startWalCheckpoints(readDb: Knex, logger: Logger, everyMs = 1000): () => Promise<void> {
  let running: Promise<unknown> | null = null;
  let lastWarned = Number.NEGATIVE_INFINITY;
  const timer = setInterval(() => {
    if (running) return; // a slow checkpoint is not stacked on
    running = readDb
      .raw('PRAGMA wal_checkpoint(PASSIVE)')
      .catch((err: Error) => {
        // At most one warning a minute: a failing checkpoint is only a growing WAL file (the writer's backstop
        // remains), but one that keeps failing must stay visible.
        if (Date.now() - lastWarned < 60_000) return;
        lastWarned = Date.now();
        logger.warn({ err: err.message, event: 'sqlite.checkpoint_failed' }, 'WAL checkpoint failed');
      })
      .finally(() => {
        running = null;
      });
  }, everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
