import type { Queue } from 'bullmq';
import type { Knex } from 'knex';
import type { CommitSignals } from '../app/commit-signals.js';
import type { Logger } from '../infra/logger.js';
import { claimUndispatched } from './dispatch-claim.js';
import { createWaker } from './poll.js';
import { BATCH_SIZE, enqueueBatches } from './queues.js';

export interface Dispatcher {
  stop(): Promise<void>;
}

/**
 * Hands committed outbox rows to BullMQ: pages of pending rows with queued_at = 0, added as batch jobs (named
 * for exactly the ids they carry, see queues.ts), then marks them queued. Woken at once by a commit in this
 * process, else it polls. Any number of dispatchers (one per worker process) may run: on PostgreSQL each
 * claims its page under row locks that the others skip (dispatch-claim.ts), so no row is handed over twice.
 */
export function startDispatcher(
  deps: { db: Knex; logger: Logger; now: () => number; signals?: CommitSignals | undefined },
  queue: Queue,
  opts: { pageSize?: number; pollMs?: number; maxWaiting?: number; gatherMs?: number } = {},
): Dispatcher {
  const pageSize = opts.pageSize ?? 1000;
  // Backpressure: a backlog of a million rows stays in the database, not in Redis or worker memory.
  // maxWaiting counts deliveries; waiting jobs are mostly batch jobs of BATCH_SIZE.
  const maxWaitingJobs = Math.max(1, Math.ceil((opts.maxWaiting ?? 20_000) / BATCH_SIZE));
  const pollMs = opts.pollMs ?? 250;
  // After a wake-up, let a few more commits land before reading: every page costs a SELECT, an addBulk and
  // an UPDATE, and every batch job a load query, so fuller pages mean far fewer statements on SQLite's
  // single connection (which S2S intake shares). Costs at most this much latency.
  const gatherMs = opts.gatherMs ?? 20;
  const log = deps.logger.child({ component: 'dispatcher' });
  let stopped = false;
  let nudged = false;
  const waker = createWaker();
  const off = deps.signals?.outbox.on(() => {
    nudged = true;
    waker.wake();
  });

  // A commit that landed while a page was being dispatched skips the pause.
  const sleep = async (ms: number) => {
    if (!nudged && !stopped) await waker.sleep(ms);
  };

  const loop = (async () => {
    let backoff = pollMs;
    while (!stopped) {
      nudged = false;
      try {
        if ((await queue.getWaitingCount()) >= maxWaitingJobs) {
          await sleep(backoff);
          continue;
        }
        const ids = await claimUndispatched(deps.db, { limit: pageSize, now: deps.now() }, (page) =>
          enqueueBatches(queue, page),
        );
        backoff = pollMs;
        if (ids.length === pageSize) continue;
      } catch (err) {
        // Redis or the database is away: the rows wait in the outbox; try again, more slowly.
        log.warn({ err: (err as Error).message, event: 'dispatcher.failed' }, 'dispatch failed; will retry');
        backoff = Math.min(backoff * 2, 5_000);
        nudged = false;
      }
      await sleep(backoff);
      if (!stopped) await new Promise((r) => setTimeout(r, gatherMs));
    }
  })();

  return {
    async stop() {
      stopped = true;
      off?.();
      waker.wake();
      await loop;
    },
  };
}
