import type { Queue } from 'bullmq';
import type { Knex } from 'knex';
import { onOutboxCommitted } from '../app/outbox-signal.js';
import { findUndispatched, markQueued } from '../db/repositories/deliveries.js';
import type { Logger } from '../infra/logger.js';
import { enqueueDeliveries } from './queues.js';

export interface Dispatcher {
  stop(): Promise<void>;
}

/**
 * Hands committed outbox rows to BullMQ: pages of pending rows with queued_at = 0, addBulk with
 * jobId = delivery id, then marks them queued. Woken at once by a commit in this process, else it polls.
 * Two dispatchers (two worker processes) may pick the same page: the second addBulk is a no-op per jobId.
 * A crash between addBulk and markQueued re-adds the page next time, which is equally harmless.
 */
export function startDispatcher(
  deps: { db: Knex; logger: Logger; now: () => number },
  queue: Queue,
  opts: { pageSize?: number; pollMs?: number; maxWaiting?: number } = {},
): Dispatcher {
  const pageSize = opts.pageSize ?? 1000;
  // Backpressure: a backlog of a million rows stays in the database, not in Redis memory.
  const maxWaiting = opts.maxWaiting ?? 20_000;
  const pollMs = opts.pollMs ?? 250;
  const log = deps.logger.child({ component: 'dispatcher' });
  let stopped = false;
  let wake: (() => void) | null = null;
  let nudged = false;
  const off = onOutboxCommitted(() => {
    nudged = true;
    wake?.();
  });

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (nudged || stopped) return resolve();
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        wake = null;
        resolve();
      }
      wake = done;
    });

  const loop = (async () => {
    let backoff = pollMs;
    while (!stopped) {
      nudged = false;
      try {
        if ((await queue.getWaitingCount()) >= maxWaiting) {
          await sleep(backoff);
          continue;
        }
        const ids = await findUndispatched(deps.db, pageSize);
        if (ids.length > 0) {
          await enqueueDeliveries(
            queue,
            ids.map((id) => ({ id })),
          );
          await markQueued(deps.db, ids, deps.now());
        }
        backoff = pollMs;
        if (ids.length === pageSize) continue;
      } catch (err) {
        // Redis or the database is away: the rows wait in the outbox; try again, more slowly.
        log.warn({ err: (err as Error).message, event: 'dispatcher.failed' }, 'dispatch failed; will retry');
        backoff = Math.min(backoff * 2, 5_000);
        nudged = false;
      }
      await sleep(backoff);
    }
  })();

  return {
    async stop() {
      stopped = true;
      off();
      wake?.();
      await loop;
    },
  };
}
