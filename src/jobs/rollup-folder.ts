import type { Knex } from 'knex';
import { isSqlite } from '../db/knex.js';
import { foldRollupDeltas } from '../db/rollup-fold.js';
import type { Logger } from '../infra/logger.js';

export interface RollupFolder {
  stop(): Promise<void>;
}

/** Rows per fold transaction: a second or two of peak traffic, small enough to keep the lock brief. */
const BATCH = 20_000;

/**
 * Folds rollup_deltas into the rollup tables every `intervalMs` on PostgreSQL (nothing to do on SQLite).
 * Every api and worker process runs one (the `rollups` role, src/main/roles.ts), so deltas are folded in any
 * deployment; the fold's advisory lock lets one of them work at a time, the others find it taken and wait
 * for their next turn. A full batch is followed at once by another, so a burst drains
 * without waiting for the interval. Reports stay exact meanwhile (they read the unfolded tail); folding only
 * keeps that tail short, which keeps them fast.
 */
export function startRollupFolder(db: Knex, logger: Logger, intervalMs = 1_000): RollupFolder {
  if (isSqlite(db)) return { stop: async () => undefined };
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = async () => {
    try {
      let r = await foldRollupDeltas(db, BATCH);
      while (!stopped && r.folded === BATCH) r = await foldRollupDeltas(db, BATCH);
    } catch (err) {
      // Nothing is lost: the transaction rolled back and the rows wait for the next turn.
      logger.warn({ err, event: 'rollups.fold_failed' }, 'folding report rollups failed; retrying');
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick().finally(schedule);
    }, intervalMs);
    timer.unref();
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
